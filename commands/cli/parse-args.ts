/** Flags and positionals of a CLI command, with the usage printed on a mistake. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { CliIo } from '../common/cli-io';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parsed arguments, or undefined after printing what is wrong and the usage. */
export function parseCommandArgs<T extends Options>(args: readonly string[], io: CliIo, usage: string, options: T) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true });
  } catch (e) {
    io.stderr(`${(e as Error).message}\n${usage}\n`);
    return undefined;
  }
}
