#!/usr/bin/env -S node --max-semi-space-size=4
/** The process entry point: real stdio, files, signals. Composition root for the CLI. */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { userInfo } from 'node:os';
import { appCommands } from './cli/app-commands';
import type { CliCommand, CliIo } from './common/cli-io';
import { BASE_COMMANDS, lazyCommand, runCli } from './cli/run-cli';
import type { ServicesFactory } from './common/with-services';
import { writeLocalFile } from './common/write-local-file';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/**
 * Ctrl-C and SIGTERM. A command that reads `io.interrupted` handles the first one itself (a run
 * stops taking new steps, a server stops taking commands); any other command ends at once, as if
 * no handler were installed (`timeout` stops a `vpnbot plan` that waits on the network). A second
 * signal always ends the process at once: a run left unfinished resumes at the next start.
 */
let interruptWatched = false;
let signals = 0;
let interrupt: () => void = () => undefined;
const interrupted = new Promise<void>((resolve) => {
  interrupt = resolve;
});
const onSignal = (signal: NodeJS.Signals) => {
  signals++;
  if (signals === 1 && interruptWatched) return interrupt();
  if (signals > 1) process.stderr.write('\nvpnbot: stopped at once; an unfinished run resumes at the next start.\n');
  process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// `vpnbot status | head`: the reader left; stop writing, quietly (no EPIPE stack trace).
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });

const io: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readStdin,
  readFile: (p) => readFile(p, 'utf8'),
  writeFile: writeLocalFile,
  env: process.env,
  confirm,
  lines: () => createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false }),
  ...(process.stdin.isTTY && process.stdout.isTTY ? { terminal: process.stdout } : {}),
  get interrupted() {
    interruptWatched = true;
    return interrupted;
  },
};

const actor = `${userInfo().username}@cli`;

/** Loaded on first use: the SDKs, SQLite and the emulator are for commands that talk to the cloud. */
const openServices: ServicesFactory = async (config) =>
  (await import('./open-services')).openServices(config, { command: `vpnbot ${process.argv[2] ?? ''}`.trim() });

const app = appCommands(openServices, actor);
/** The console and the demo: loaded on first use (prompt and chart libraries). */
const localCommands = async () =>
  (await import('./console/local-command')).localCommands(openServices, `${userInfo().username}@local`);
const local = lazyCommand(async () => (await localCommands()).local);
const demo = lazyCommand(async () => (await localCommands()).demo);
const serve = lazyCommand(async () => (await import('./slack/serve-command')).serveCommand(openServices));
/** `npm start`: the Slack app when Slack is configured, the local console otherwise. */
const start: CliCommand = async (args, io) => (io.env.SLACK_BOT_TOKEN ? serve(args, io) : local(args, io));

const argv = process.argv.slice(2);
/** The ping commands load the chart renderer: loaded on first use too, so `plan` stays quick. */
const pingCommands = async () => (await import('./cli/ping-commands')).pingCommands(openServices, actor);
const ping = lazyCommand(async () => (await pingCommands()).ping!);
const parsePing = lazyCommand(async () => (await pingCommands())['parse-ping']!);
const config = lazyCommand(async () => (await import('./cli/config-command')).configCommand(openServices, actor));

runCli(argv, io, { ...BASE_COMMANDS, ...app, config, demo, local, ping, 'parse-ping': parsePing, serve, start }).then(
  (code) => {
    process.exitCode = code;
    // A server's runs and sockets, or the console's prompt, would keep the process alive: what is
    // unfinished resumes at the next start.
    if (['serve', 'start', 'local', 'demo'].includes(argv[0] ?? '')) process.exit(code);
  },
  (e: unknown) => {
    process.stderr.write(`vpnbot: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 70;
  },
);
