import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { VpnbotError } from '../src/errors';
import { migrate } from './migrations';

/**
 * Opens (creating if needed) the database in WAL mode and brings its schema up to date. A new
 * database is created owner-only (0600, in a 0700 directory when vpnbot creates it): it holds the
 * audit log and encrypted keys. SQLite gives its -wal and -shm files the database file's mode.
 */
export function openDatabase(path: string): Database.Database {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    if (!existsSync(path)) {
      closeSync(openSync(path, 'a', 0o600));
      // The umask may have taken bits away, never added them; chmod makes it exactly 0600.
      chmodSync(path, 0o600);
    }
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
