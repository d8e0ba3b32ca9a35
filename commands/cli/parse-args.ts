/** Flags and positionals of a CLI command, with the usage printed on a mistake. */
import { parseArgs } from 'node:util';
import type { CliIo } from '../shared/cli-io';

/** Parsed arguments, or undefined after printing what is wrong and the usage. */
export function parseCommandArgs(args: readonly string[], io: CliIo, usage: string, options: Record<string, { type: 'boolean' | 'string' }>) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true });
  } catch (e) {
    io.stderr(`${(e as Error).message}\n${usage}\n`);
    return undefined;
  }
}
