import { readFile } from 'node:fs/promises';
import type { CliIo } from '../../commands/common/cli-io';
import { writeLocalFile } from '../../commands/common/write-local-file';

export interface CapturedIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
}

/** A CliIo that records output; stdin and confirmations are given up front. */
export function captureIo(
  options: { stdin?: string; env?: Record<string, string>; confirm?: boolean } = {},
): CapturedIo {
  let out = '';
  let err = '';
  return {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    readStdin: async () => options.stdin ?? '',
    readFile: (p) => readFile(p, 'utf8'),
    writeFile: writeLocalFile,
    env: options.env ?? {},
    confirm: async () => options.confirm ?? false,
    lines: async function* () {
      for (const l of (options.stdin ?? '').split('\n')) yield l;
    },
    interrupted: new Promise(() => undefined),
    out: () => out,
    err: () => err,
  };
}
