/**
 * `vpnbot <command>`: the command table. Each command is a function of (args, io) returning an
 * exit code; the entry point (commands/main.ts) supplies the real io and the storage-backed ones.
 */
import { closest, distance } from 'fastest-levenshtein';
import type { CliCommand, CliIo } from '../common/cli-io';
import { planCommand } from './plan-command';
import { USAGES } from './usages';
import { LINE_EXAMPLES, LINE_SYNTAX } from '../../src/topology/parse-line';

/**
 * A command whose module is loaded when it runs: the cloud SDKs and the emulator cost most of a
 * second to load, which an offline `vpnbot plan` must not pay.
 */
export function lazyCommand(load: () => Promise<CliCommand>): CliCommand {
  return async (args, io) => (await load())(args, io);
}

export const BASE_COMMANDS: Readonly<Record<string, CliCommand>> = {
  plan: planCommand,
  emulator: lazyCommand(async () => (await import('./emulator-command')).emulatorCommand),
  bench: lazyCommand(async () => (await import('./bench-command')).benchCommand),
  'ram-policy': lazyCommand(async () => (await import('./ram-policy-command')).ramPolicyCommand),
};

export function usage(commands: Readonly<Record<string, CliCommand>>): string {
  return [
    `usage: vpnbot <${Object.keys(commands).join(' | ')}> [options]`,
    '',
    'A topology is a YAML file (see docs/topology.md), `-` for standard input, or `seed` (the walkthrough).',
    `One-line form (Slack): ${LINE_SYNTAX}`,
    ...LINE_EXAMPLES.map((e) => `  e.g. ${e}`),
    '',
  ].join('\n');
}

export async function runCli(
  argv: readonly string[],
  io: CliIo,
  commands: Readonly<Record<string, CliCommand>> = BASE_COMMANDS,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(usage(commands));
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    const guess = closest(name, Object.keys(commands));
    const hint = distance(name, guess) <= 2 ? ` (did you mean "${guess}"?)` : '';
    io.stderr(`unknown command "${name}"${hint}\n${usage(commands)}`);
    return 2;
  }
  // Before anything else, so that `--help` never runs the command (`local --help` is no demo).
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${USAGES[name] ?? `usage: vpnbot ${name}`}\n`);
    return 0;
  }
  return command(rest, io);
}
