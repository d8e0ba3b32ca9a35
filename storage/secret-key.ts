/**
 * The key that encrypts secrets at rest: VPNBOT_SECRET_KEY when set, else a key file next to the
 * database that vpnbot creates with owner-only permissions (and refuses when others can read it, or
 * when another user owns it). Never repaired: a key others could read may already be copied.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { VpnbotError } from '../src/errors';
import { requireOwnFile } from './file-owner';

export function keyFilePath(dbPath: string): string {
  return join(dirname(dbPath), 'vpnbot-secret.key');
}

export function loadSecretKey(configured: string | undefined, dbPath: string): string {
  if (configured !== undefined) return configured;
  const path = keyFilePath(dbPath);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  }
  requireOwnFile(path, 'the key file');
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new VpnbotError(
      'storage.key-file-permissions',
      `${path} is readable by others (mode ${mode.toString(8)}); run chmod 600 ${path}`,
    );
  }
  return readFileSync(path, 'utf8').trim();
}
