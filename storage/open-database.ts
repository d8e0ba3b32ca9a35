import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { VpnbotError } from '../src/errors';
import { requireOwnFile } from './file-owner';
import { migrate } from './migrations';

export interface OpenOptions {
  /** Told, in words for an operator, what was repaired on the way (permissions of an older database). */
  readonly onRepaired?: (message: string) => void;
}

/**
 * A database made before vpnbot created it owner-only may be readable by others: it is made
 * owner-only (the -wal and -shm files too) before it is opened, and the operator is told. One
 * another user owns is refused: its owner could loosen it again.
 */
function repairPermissions(path: string, onRepaired?: (message: string) => void): void {
  requireOwnFile(path, 'the database');
  const loose = [path, `${path}-wal`, `${path}-shm`].filter((f) => existsSync(f) && (statSync(f).mode & 0o077) !== 0);
  for (const f of loose) {
    const was = (statSync(f).mode & 0o777).toString(8);
    chmodSync(f, 0o600);
    onRepaired?.(`${f} was readable by other users (mode ${was}); vpnbot made it owner-only (600)`);
  }
}

/**
 * Opens (creating if needed) the database in WAL mode and brings its schema up to date. A new
 * database is created owner-only (0600, in a 0700 directory when vpnbot creates it): it holds the
 * audit log and encrypted keys. SQLite gives its -wal and -shm files the database file's mode.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Database.Database {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    if (!existsSync(path)) {
      closeSync(openSync(path, 'a', 0o600));
      // The umask may have taken bits away, never added them; chmod makes it exactly 0600.
      chmodSync(path, 0o600);
    } else repairPermissions(path, options.onRepaired);
  }
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (e) {
    throw new VpnbotError('storage.open', `cannot open the database at ${path}: ${(e as Error).message}`, { cause: e });
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  try {
    migrate(db);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}
