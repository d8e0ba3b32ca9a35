/**
 * Schema migrations by `PRAGMA user_version` (after Signal-Desktop): one ordered list; all pending
 * steps run in one transaction; a database from a newer vpnbot is refused by name.
 */
import type Database from 'better-sqlite3';
import { VpnbotError } from '../src/errors';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (db: Database.Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema: topologies, plans, approvals, runs, steps, resources, secrets, audit log',
    up: (db) =>
      db.exec(`
        CREATE TABLE topologies (
          name TEXT PRIMARY KEY, ike TEXT NOT NULL, document TEXT NOT NULL,
          created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
        );
        CREATE TABLE plans (
          id TEXT PRIMARY KEY, topology TEXT NOT NULL, hash TEXT NOT NULL, text TEXT NOT NULL, plan TEXT NOT NULL,
          requester TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'expired', 'applied', 'superseded')),
          created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL
        );
        CREATE INDEX plans_by_topology ON plans (topology, created_at);
        CREATE TABLE approvals (
          id INTEGER PRIMARY KEY AUTOINCREMENT, plan_id TEXT NOT NULL UNIQUE REFERENCES plans (id),
          approver TEXT NOT NULL, decision TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
          plan_hash TEXT NOT NULL, at INTEGER NOT NULL
        );
        CREATE TABLE runs (
          id TEXT PRIMARY KEY, topology TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('apply', 'destroy')),
          status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
          plan TEXT NOT NULL, plan_hash TEXT NOT NULL, requester TEXT NOT NULL,
          started_at INTEGER NOT NULL, finished_at INTEGER
        );
        CREATE INDEX runs_by_status ON runs (status);
        CREATE TABLE steps (
          run_id TEXT NOT NULL REFERENCES runs (id), step_id TEXT NOT NULL, kind TEXT NOT NULL, action TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled')),
          attempts INTEGER NOT NULL DEFAULT 0, cloud_id TEXT, error_code TEXT, error_message TEXT, request_id TEXT,
          started_at INTEGER, finished_at INTEGER,
          PRIMARY KEY (run_id, step_id)
        );
        CREATE TABLE resources (
          topology TEXT NOT NULL, step_id TEXT NOT NULL, kind TEXT NOT NULL, region TEXT NOT NULL, cloud_id TEXT NOT NULL,
          origin TEXT NOT NULL CHECK (origin IN ('created', 'adopted', 'external')), outputs TEXT NOT NULL,
          created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, deleted_at INTEGER,
          PRIMARY KEY (topology, step_id)
        );
        CREATE TABLE secrets (
          topology TEXT NOT NULL, name TEXT NOT NULL, ciphertext BLOB NOT NULL, created_at INTEGER NOT NULL,
          PRIMARY KEY (topology, name)
        );
        CREATE TABLE audit_log (
          id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
          subject TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      `),
  },
  {
    version: 2,
    name: 'resources carry their site (null for the topology-wide CEN), backfilled from the step id',
    up: (db) =>
      db.exec(`
        ALTER TABLE resources ADD COLUMN site TEXT;
        UPDATE resources SET site = CASE
          WHEN kind = 'cen' THEN NULL
          WHEN instr(substr(step_id, instr(step_id, ':') + 1), ':') > 0
            THEN substr(substr(step_id, instr(step_id, ':') + 1), 1, instr(substr(step_id, instr(step_id, ':') + 1), ':') - 1)
          ELSE substr(step_id, instr(step_id, ':') + 1)
        END;
      `),
  },
  {
    version: 3,
    name: 'run ownership (owner, lease), the plan a run executes and the chat thread it reports to; plans keep their topology and message, and can be marked failed',
    up: (db) =>
      db.exec(`
        ALTER TABLE runs ADD COLUMN owner TEXT;
        ALTER TABLE runs ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE runs ADD COLUMN plan_id TEXT;
        ALTER TABLE runs ADD COLUMN channel TEXT;
        ALTER TABLE runs ADD COLUMN thread_ts TEXT;
        CREATE INDEX runs_by_topology ON runs (topology, status);
        PRAGMA defer_foreign_keys = ON;
        CREATE TABLE plans_v3 (
          id TEXT PRIMARY KEY, topology TEXT NOT NULL, hash TEXT NOT NULL, text TEXT NOT NULL, plan TEXT NOT NULL,
          requester TEXT NOT NULL, document TEXT, channel TEXT, message_ts TEXT,
          status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'expired', 'applied', 'failed', 'superseded')),
          created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL
        );
        INSERT INTO plans_v3 (id, topology, hash, text, plan, requester, status, created_at, expires_at)
          SELECT id, topology, hash, text, plan, requester, status, created_at, expires_at FROM plans;
        DROP TABLE plans;
        ALTER TABLE plans_v3 RENAME TO plans;
        CREATE INDEX plans_by_topology ON plans (topology, created_at);
      `),
  },
  {
    version: 4,
    name: 'several approvals per plan (one per approver), for plans that need more than one',
    up: (db) =>
      db.exec(`
        CREATE TABLE approvals_v4 (
          id INTEGER PRIMARY KEY AUTOINCREMENT, plan_id TEXT NOT NULL REFERENCES plans (id),
          approver TEXT NOT NULL, decision TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
          plan_hash TEXT NOT NULL, at INTEGER NOT NULL,
          UNIQUE (plan_id, approver)
        );
        INSERT INTO approvals_v4 SELECT id, plan_id, approver, decision, plan_hash, at FROM approvals;
        DROP TABLE approvals;
        ALTER TABLE approvals_v4 RENAME TO approvals;
      `),
  },
  {
    version: 5,
    name: 'ping matrix measurements, the baseline flagged',
    up: (db) =>
      db.exec(`
        CREATE TABLE measurements (
          id INTEGER PRIMARY KEY AUTOINCREMENT, topology TEXT NOT NULL, measured_at INTEGER NOT NULL,
          trigger TEXT NOT NULL CHECK (trigger IN ('apply', 'manual', 'scheduled', 'pasted')),
          baseline INTEGER NOT NULL DEFAULT 0, matrix TEXT NOT NULL
        );
        CREATE INDEX measurements_by_topology ON measurements (topology, id);
      `),
  },
  {
    version: 6,
    name: 'signed requests seen (their signature, until their timestamp leaves the window), so a replay is refused across restarts',
    up: (db) =>
      db.exec(`
        CREATE TABLE requests_seen (signature TEXT PRIMARY KEY, until INTEGER NOT NULL) WITHOUT ROWID;
        CREATE INDEX requests_seen_by_until ON requests_seen (until);
      `),
  },
  {
    version: 7,
    name: 'the wait for on-premises devices (a checklist per site); key rotations: their plans, runs and the matrices measured between their steps',
    up: (db) =>
      db.exec(`
        ALTER TABLE plans ADD COLUMN rotation TEXT;
        CREATE TABLE device_waits (
          topology TEXT NOT NULL, site TEXT NOT NULL, run_id TEXT, channel TEXT, thread_ts TEXT,
          checklist_channel TEXT, checklist_ts TEXT, started_at INTEGER NOT NULL, finished_at INTEGER,
          tunnels TEXT NOT NULL,
          PRIMARY KEY (topology, site)
        );
        -- The runs table is rebuilt for its CHECK; its child (steps) is rebuilt with it and dropped
        -- first, so no foreign key ever points at a dropped table (a deferred check would count
        -- the drop's implicit delete as violations). Renaming runs_v6 updates steps_v6's reference.
        CREATE TABLE runs_v6 (
          id TEXT PRIMARY KEY, topology TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('apply', 'destroy', 'rotate')),
          status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
          plan TEXT NOT NULL, plan_hash TEXT NOT NULL, requester TEXT NOT NULL,
          started_at INTEGER NOT NULL, finished_at INTEGER,
          owner TEXT, lease_until INTEGER NOT NULL DEFAULT 0, plan_id TEXT, channel TEXT, thread_ts TEXT
        );
        INSERT INTO runs_v6 (id, topology, kind, status, plan, plan_hash, requester, started_at, finished_at, owner, lease_until, plan_id, channel, thread_ts)
          SELECT id, topology, kind, status, plan, plan_hash, requester, started_at, finished_at, owner, lease_until, plan_id, channel, thread_ts FROM runs;
        CREATE TABLE steps_v6 (
          run_id TEXT NOT NULL REFERENCES runs_v6 (id), step_id TEXT NOT NULL, kind TEXT NOT NULL, action TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled')),
          attempts INTEGER NOT NULL DEFAULT 0, cloud_id TEXT, error_code TEXT, error_message TEXT, request_id TEXT,
          started_at INTEGER, finished_at INTEGER,
          PRIMARY KEY (run_id, step_id)
        );
        INSERT INTO steps_v6 SELECT run_id, step_id, kind, action, status, attempts, cloud_id, error_code, error_message, request_id, started_at, finished_at FROM steps;
        DROP TABLE steps;
        DROP TABLE runs;
        ALTER TABLE runs_v6 RENAME TO runs;
        ALTER TABLE steps_v6 RENAME TO steps;
        CREATE INDEX runs_by_status ON runs (status);
        CREATE INDEX runs_by_topology ON runs (topology, status);
        CREATE TABLE measurements_v6 (
          id INTEGER PRIMARY KEY AUTOINCREMENT, topology TEXT NOT NULL, measured_at INTEGER NOT NULL,
          trigger TEXT NOT NULL CHECK (trigger IN ('apply', 'manual', 'scheduled', 'pasted', 'rotation')),
          baseline INTEGER NOT NULL DEFAULT 0, matrix TEXT NOT NULL
        );
        INSERT INTO measurements_v6 SELECT id, topology, measured_at, trigger, baseline, matrix FROM measurements;
        DROP TABLE measurements;
        ALTER TABLE measurements_v6 RENAME TO measurements;
        CREATE INDEX measurements_by_topology ON measurements (topology, id);
      `),
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Brings the database to `target` (default: latest). Refuses a database newer than this code. */
export function migrate(db: Database.Database, target = LATEST_VERSION): number {
  const current = schemaVersion(db);
  if (current > LATEST_VERSION) {
    throw new VpnbotError(
      'storage.newer-schema',
      `the database is at schema version ${current}, newer than this vpnbot understands (${LATEST_VERSION}); upgrade vpnbot or point VPNBOT_DB elsewhere`,
    );
  }
  const pending = MIGRATIONS.filter((m) => m.version > current && m.version <= target);
  if (pending.length === 0) return current;
  db.transaction(() => {
    for (const m of pending) {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }
  })();
  return target;
}
