import Database from 'better-sqlite3';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LATEST_VERSION, MIGRATIONS, migrate, schemaVersion } from '../../storage/migrations';
import { openDatabase } from '../../storage/open-database';

const tables = (db: Database.Database) =>
  (
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as { name: string }[]
  ).map((r) => r.name);

describe('migrations', () => {
  it('are numbered 1..N in order', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it.each(MIGRATIONS.map((m) => [m.version - 1, m.version]))('migrate from %i to %i', (from, to) => {
    const db = new Database(':memory:');
    migrate(db, from);
    expect(schemaVersion(db)).toBe(from);
    migrate(db, to);
    expect(schemaVersion(db)).toBe(to);
    if (to === 1)
      expect(tables(db)).toEqual([
        'approvals',
        'audit_log',
        'plans',
        'resources',
        'runs',
        'secrets',
        'steps',
        'topologies',
      ]);
  });

  it('2 backfills the site of resources recorded before it, from their step ids', () => {
    const db = new Database(':memory:');
    migrate(db, 1);
    const put = db.prepare(
      "INSERT INTO resources (topology, step_id, kind, region, cloud_id, origin, outputs, created_at, updated_at) VALUES ('t', ?, ?, 'r', ?, 'created', '{}', 1, 1)",
    );
    put.run('vpc:hongkong', 'vpc', 'vpc-1');
    put.run('ipsec-connection:japan:172.16.0.0/12>192.168.0.0/16', 'ipsec-connection', 'vco-1');
    put.run('cen:ikev1test', 'cen', 'cen-1');
    migrate(db, 2);
    expect(db.prepare('SELECT step_id, site FROM resources ORDER BY rowid').all()).toEqual([
      { step_id: 'vpc:hongkong', site: 'hongkong' },
      { step_id: 'ipsec-connection:japan:172.16.0.0/12>192.168.0.0/16', site: 'japan' },
      { step_id: 'cen:ikev1test', site: null },
    ]);
  });

  it('the device-wait and rotation migration keeps runs, their steps and measurements, and takes rotation runs and measurements', () => {
    // Found by name: its number follows whatever migrations come before it.
    const v = MIGRATIONS.find((m) => m.name.startsWith('the wait for on-premises devices'))!.version;
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, v - 1);
    db.prepare(
      "INSERT INTO runs (id, topology, kind, status, plan, plan_hash, requester, started_at, lease_until) VALUES ('run-1', 't', 'apply', 'succeeded', '{}', 'h', 'U1', 1, 0)",
    ).run();
    db.prepare(
      "INSERT INTO steps (run_id, step_id, kind, action, status) VALUES ('run-1', 'vpc:a', 'vpc', 'create', 'succeeded')",
    ).run();
    db.prepare(
      "INSERT INTO measurements (topology, measured_at, trigger, baseline, matrix) VALUES ('t', 1, 'apply', 1, '{}')",
    ).run();
    expect(() =>
      db
        .prepare(
          "INSERT INTO runs (id, topology, kind, status, plan, plan_hash, requester, started_at) VALUES ('run-2', 't', 'rotate', 'running', '{}', 'h', 'U1', 2)",
        )
        .run(),
    ).toThrow(/CHECK/);
    migrate(db, v);
    expect(db.prepare('SELECT id, kind, lease_until FROM runs').all()).toEqual([
      { id: 'run-1', kind: 'apply', lease_until: 0 },
    ]);
    expect(db.prepare('SELECT step_id FROM steps').all()).toEqual([{ step_id: 'vpc:a' }]);
    db.prepare(
      "INSERT INTO runs (id, topology, kind, status, plan, plan_hash, requester, started_at) VALUES ('run-2', 't', 'rotate', 'running', '{}', 'h', 'U1', 2)",
    ).run();
    db.prepare(
      "INSERT INTO measurements (topology, measured_at, trigger, matrix) VALUES ('t', 2, 'rotation', '{}')",
    ).run();
    expect(db.prepare('SELECT trigger FROM measurements ORDER BY id').all()).toEqual([
      { trigger: 'apply' },
      { trigger: 'rotation' },
    ]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    const steps = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'steps'").get() as { sql: string };
    expect(steps.sql).toContain('REFERENCES "runs" (id)');
  });

  it('opening a file database sets WAL mode and the latest schema', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vpnbot-db-')), 'sub', 'v.db');
    const db = openDatabase(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    db.close();
    const again = openDatabase(path);
    expect(schemaVersion(again)).toBe(LATEST_VERSION);
    again.close();
  });

  it('refuses a database from a newer vpnbot, by name', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vpnbot-db-')), 'v.db');
    const raw = new Database(path);
    raw.pragma(`user_version = ${LATEST_VERSION + 1}`);
    raw.close();
    expect(() => openDatabase(path)).toThrow(
      expect.objectContaining({
        code: 'storage.newer-schema',
        message: expect.stringContaining(`schema version ${LATEST_VERSION + 1}, newer than this vpnbot understands`),
      }),
    );
  });

  it('a failing migration leaves the database as it was', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE topologies (x INTEGER)');
    expect(() => migrate(db)).toThrow();
    expect(schemaVersion(db)).toBe(0);
    expect(tables(db)).toEqual(['topologies']);
  });
});

describe('database files', () => {
  it('a new database and its WAL files are owner-only', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'vpnbot-mode-')), 'data');
    const path = join(dir, 'vpnbot.db');
    const db = openDatabase(path);
    db.prepare("INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (1, 'U1', 'x', 'y', '{}')").run();
    for (const f of [path, `${path}-wal`, `${path}-shm`])
      expect({ f, mode: (statSync(f).mode & 0o777).toString(8) }).toEqual({ f, mode: '600' });
    expect((statSync(dir).mode & 0o777).toString(8)).toBe('700');
    db.close();
  });
});
