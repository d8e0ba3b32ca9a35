/** Writing a file for the person at the terminal, its directory made; owner-only (0600) when it holds secrets. */
import { chmod, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function writeLocalFile(
  path: string,
  data: Uint8Array,
  options: { ownerOnly?: boolean } = {},
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const mode = options.ownerOnly ? 0o600 : 0o666;
  const file = await open(path, 'w', mode);
  try {
    // A file that already existed keeps its mode through open(): set it before a secret is written.
    if (options.ownerOnly) await chmod(path, 0o600);
    await file.writeFile(data);
  } finally {
    await file.close();
  }
}
