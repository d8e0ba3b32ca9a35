/**
 * The files vpnbot keeps secrets and records in must belong to the user it runs as: a file another
 * user owns can be read, swapped or chmod-ed back by them whatever its mode says.
 */
import { statSync } from 'node:fs';
import { VpnbotError } from '../src/errors';

/** Refuses a file another user owns (where the platform has user ids). */
export function requireOwnFile(path: string, what: string): void {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  const owner = statSync(path).uid;
  if (owner !== uid)
    throw new VpnbotError(
      'storage.file-owner',
      `${what} ${path} belongs to user id ${owner}, but vpnbot runs as user id ${uid}; run chown ${uid} ${path} (or run vpnbot as its owner)`,
    );
}
