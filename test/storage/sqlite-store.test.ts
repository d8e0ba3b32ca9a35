import { chmodSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPlan } from '../../src/planner/build-plan';
import { EMPTY_OBSERVED } from '../../src/planner/observed';
import { openDatabase } from '../../storage/open-database';
import { createSecretBox } from '../../storage/secret-box';
import { keyFilePath, loadSecretKey } from '../../storage/secret-key';
import { createSqliteStore } from '../../storage/sqlite-store';
import { seedTopology } from '../helpers/topologies';

function fresh() {
  const db = openDatabase(':memory:');
  return { db, store: createSqliteStore(db, createSecretBox('unit-test-key')) };
}

describe('the SQLite store', () => {
  it('records runs and steps, and finds unfinished runs after a restart', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vpnbot-store-')), 'v.db');
    const plan = buildPlan(seedTopology(), EMPTY_OBSERVED);
    {
      const db = openDatabase(path);
      const store = createSqliteStore(db, createSecretBox('k'));
      expect(
        store.claimRun({
          id: 'run-1',
          topology: 'ikev1test',
          kind: 'apply',
          plan,
          requester: 'U1',
          startedAt: 1000,
          owner: 'host/1/a',
          leaseUntil: 2000,
          planId: 'plan-1',
          thread: { channel: 'C1', ts: '1.2' },
        }),
      ).toEqual({ ok: true });
      store.stepStarted('run-1', 'vpc:hongkong', 1001);
      store.stepCloudId('run-1', 'vpc:hongkong', 'vpc-123');
      db.close();
    }
    const db = openDatabase(path);
    const store = createSqliteStore(db, createSecretBox('k'));
    const [run] = store.unfinishedRuns();
    expect(run).toMatchObject({
      id: 'run-1',
      status: 'running',
      requester: 'U1',
      owner: 'host/1/a',
      leaseUntil: 2000,
      planId: 'plan-1',
      thread: { channel: 'C1', ts: '1.2' },
    });
    expect(run!.plan.hash).toBe(plan.hash);
    expect(store.step('run-1', 'vpc:hongkong')).toMatchObject({ status: 'running', attempts: 1, cloudId: 'vpc-123' });
    expect(store.step('run-1', 'vpc:us')).toMatchObject({ status: 'pending', attempts: 0 });
    store.stepFinished('run-1', 'vpc:hongkong', 'failed', 1002, {
      code: 'QuotaExceeded.Vpc',
      message: 'too many',
      requestId: 'R-1',
    });
    expect(store.step('run-1', 'vpc:hongkong')).toMatchObject({
      status: 'failed',
      errorCode: 'QuotaExceeded.Vpc',
      requestId: 'R-1',
    });
    store.finishRun('run-1', 'failed', 1003);
    expect(store.unfinishedRuns()).toEqual([]);
    db.close();
  });

  it('approval is one atomic change bound to the plan hash: a second click, a stale hash or an expired plan cannot apply', () => {
    const { store } = fresh();
    const plan = buildPlan(seedTopology(), EMPTY_OBSERVED);
    store.savePlan({
      id: 'p1',
      topology: 'ikev1test',
      hash: plan.hash,
      text: 'x',
      plan,
      requester: 'U1',
      createdAt: 0,
      expiresAt: 1000,
    });
    expect(store.decide('p1', 'U2', 'approve', 'other-hash', 10)).toEqual({ ok: false, reason: 'hash-mismatch' });
    expect(store.decide('p1', 'U2', 'approve', plan.hash, 10)).toEqual({ ok: true, approved: true, approvers: ['U2'] });
    expect(store.decide('p1', 'U3', 'approve', plan.hash, 11)).toEqual({
      ok: false,
      reason: 'already-decided',
      status: 'approved',
    });
    expect(store.decide('nope', 'U3', 'approve', plan.hash, 11)).toEqual({ ok: false, reason: 'not-found' });
    store.savePlan({
      id: 'p2',
      topology: 'ikev1test',
      hash: plan.hash,
      text: 'x',
      plan,
      requester: 'U1',
      createdAt: 0,
      expiresAt: 1000,
    });
    expect(store.decide('p2', 'U2', 'approve', plan.hash, 1000)).toEqual({ ok: false, reason: 'expired' });
    expect(store.plan('p2')!.status).toBe('expired');
    expect(store.auditLog().map((a) => [a.actor, a.action])).toEqual([['U2', 'plan.approve']]);
  });

  it('the audit log is append-only', () => {
    const { db, store } = fresh();
    store.audit('U1', 'topology.plan', 'ikev1test', { via: 'test' }, 5);
    expect(() => db.prepare('UPDATE audit_log SET actor = ?').run('someone-else')).toThrow('append-only');
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow('append-only');
    expect(store.auditLog()[0]).toMatchObject({ actor: 'U1', action: 'topology.plan', detail: { via: 'test' } });
  });

  it("one run per topology: a claim is refused while another run holds it; a dead owner's run is adopted once", () => {
    const { store } = fresh();
    const plan = buildPlan(seedTopology(), EMPTY_OBSERVED);
    const run = (id: string, owner: string) => ({
      id,
      topology: 'ikev1test',
      kind: 'apply' as const,
      plan,
      requester: 'U1',
      startedAt: 1,
      owner,
      leaseUntil: 1000,
    });
    expect(store.claimRun(run('run-a', 'bot'))).toEqual({ ok: true });
    expect(store.claimRun(run('run-b', 'cli'))).toMatchObject({ ok: false, holder: { id: 'run-a', owner: 'bot' } });
    expect(store.runs('ikev1test').map((r) => r.id)).toEqual(['run-a']);
    // Live lease: nobody adopts it; expired: exactly one adopter wins; a known-dead owner's run goes at once.
    expect(store.adoptRun('run-a', 'cli', 999, 5000)).toBe(false);
    expect(store.run('run-a')).toMatchObject({ owner: 'bot', leaseUntil: 1000 });
    expect(store.run('no-such-run')).toBeUndefined();
    expect(store.adoptRun('run-a', 'cli', 1000, 5000)).toBe(true);
    expect(store.adoptRun('run-a', 'other', 1000, 5000)).toBe(false);
    expect(store.adoptRun('run-a', 'other', 1000, 6000, 'cli')).toBe(true);
    store.renewLease('run-a', 'cli', 9000);
    expect(store.unfinishedRuns()[0]).toMatchObject({ owner: 'other', leaseUntil: 6000 });
    store.finishRun('run-a', 'succeeded', 2);
    expect(store.claimRun(run('run-c', 'cli'))).toEqual({ ok: true });
  });

  it('a plan that needs two approvals: one per approver, the second completes it, a repeat click is refused', () => {
    const { store } = fresh();
    const plan = buildPlan(seedTopology(), EMPTY_OBSERVED);
    store.savePlan({
      id: 'p2a',
      topology: 'ikev1test',
      hash: plan.hash,
      text: 't',
      plan,
      requester: 'U1',
      createdAt: 1,
      expiresAt: 1000,
    });
    expect(store.decide('p2a', 'U2', 'approve', plan.hash, 10, 2)).toEqual({
      ok: true,
      approved: false,
      approvers: ['U2'],
    });
    expect(store.plan('p2a')!.status).toBe('pending');
    expect(store.decide('p2a', 'U2', 'approve', plan.hash, 11, 2)).toEqual({
      ok: false,
      reason: 'already-approved-by-you',
    });
    expect(store.decide('p2a', 'U3', 'approve', plan.hash, 12, 2)).toEqual({
      ok: true,
      approved: true,
      approvers: ['U2', 'U3'],
    });
    expect(store.plan('p2a')!.status).toBe('approved');
    expect(store.decide('p2a', 'U4', 'approve', plan.hash, 13, 2)).toMatchObject({
      ok: false,
      reason: 'already-decided',
    });
  });

  it('keeps resources per topology, and forgets deleted ones', () => {
    const { store } = fresh();
    store.putResource(
      {
        topology: 't',
        stepId: 'vpc:a',
        site: 'a',
        kind: 'vpc',
        region: 'us-west-1',
        cloudId: 'vpc-1',
        origin: 'created',
        outputs: { id: 'vpc-1', routeTableId: 'vtb-1' },
      },
      1,
    );
    store.putResource(
      {
        topology: 't',
        stepId: 'vpc:b',
        site: 'b',
        kind: 'vpc',
        region: 'us-west-1',
        cloudId: 'vpc-2',
        origin: 'adopted',
        outputs: { id: 'vpc-2' },
      },
      1,
    );
    expect(store.resources('t').map((r) => [r.stepId, r.site, r.origin, r.outputs.routeTableId])).toEqual([
      ['vpc:a', 'a', 'created', 'vtb-1'],
      ['vpc:b', 'b', 'adopted', undefined],
    ]);
    store.resourceDeleted('t', 'vpc:a', 2);
    expect(store.resources('t').map((r) => r.stepId)).toEqual(['vpc:b']);
    expect(store.resources('other')).toEqual([]);
  });
});

describe('secrets at rest', () => {
  it('are encrypted; the first key written for a name wins; the wrong key is refused by name', () => {
    const { db, store } = fresh();
    store.putSecret('t', 'psk:a', 'S3cretPreSharedKey');
    store.putSecret('t', 'psk:a', 'a-different-key');
    expect(store.secret('t', 'psk:a')).toBe('S3cretPreSharedKey');
    const raw = (db.prepare('SELECT ciphertext FROM secrets').get() as { ciphertext: Buffer }).ciphertext;
    expect(raw.toString('latin1')).not.toContain('S3cret');
    const other = createSqliteStore(db, createSecretBox('another-key'));
    expect(() => other.secret('t', 'psk:a')).toThrow(expect.objectContaining({ code: 'storage.secret-key-mismatch' }));
  });

  it('a sealed secret cannot be moved to another name', () => {
    const box = createSecretBox('k');
    const sealed = box.seal('value', 't/psk:a');
    expect(box.open(sealed, 't/psk:a')).toBe('value');
    expect(() => box.open(sealed, 't/psk:b')).toThrow();
  });

  it('without VPNBOT_SECRET_KEY, a key file is created with owner-only permissions, and refused when others can read it', () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'vpnbot-key-')), 'data', 'v.db');
    const key = loadSecretKey(undefined, dbPath);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(keyFilePath(dbPath)).mode & 0o777).toBe(0o600);
    expect(loadSecretKey(undefined, dbPath)).toBe(key);
    expect(loadSecretKey('from-the-environment', dbPath)).toBe('from-the-environment');
    chmodSync(keyFilePath(dbPath), 0o644);
    expect(() => loadSecretKey(undefined, dbPath)).toThrow(
      expect.objectContaining({ code: 'storage.key-file-permissions' }),
    );
  });

  it('refuses, by name, a stored run, plan or topology that this version cannot read, instead of misreading it', () => {
    const { db, store } = fresh();
    const plan = buildPlan(seedTopology(), EMPTY_OBSERVED);
    store.claimRun({
      id: 'run-old',
      topology: 'ikev1test',
      kind: 'apply',
      plan,
      requester: 'U1',
      startedAt: 1,
      owner: 'o',
      leaseUntil: 0,
    });
    store.saveTopology(seedTopology(), 1);
    expect(store.unfinishedRuns()[0]!.plan.steps).toHaveLength(plan.steps.length);
    expect(store.topology('ikev1test')).toEqual(seedTopology());

    // As an older vpnbot would have stored it: a parameter under another name.
    const old = JSON.parse(JSON.stringify(plan)) as { steps: { kind: string; params: Record<string, unknown> }[] };
    const vpc = old.steps.find((x) => x.kind === 'vpc')!;
    vpc.params.cidr = vpc.params.cidrBlock;
    delete vpc.params.cidrBlock;
    db.prepare('UPDATE runs SET plan = ? WHERE id = ?').run(JSON.stringify(old), 'run-old');
    expect(() => store.unfinishedRuns()).toThrow(
      /run run-old cannot be read by this version of vpnbot \(steps\[0\] \(vpc:hongkong\)\.params/,
    );

    // A plan whose steps no longer match its hash (edited by hand).
    const edited = JSON.parse(JSON.stringify(plan)) as { steps: { params: Record<string, unknown> }[] };
    edited.steps[0]!.params.name = 'renamed';
    db.prepare('UPDATE runs SET plan = ? WHERE id = ?').run(JSON.stringify(edited), 'run-old');
    expect(() => store.unfinishedRuns()).toThrow(/do not match its hash/);

    db.prepare(
      "UPDATE topologies SET document = json_set(document, '$.sites[0].role', 'router') WHERE name = 'ikev1test'",
    ).run();
    expect(() => store.topology('ikev1test')).toThrow(
      /topology "ikev1test" cannot be read by this version of vpnbot \(topology\.sites\[0\]\.role/,
    );
    let refused: unknown;
    try {
      store.topologies();
    } catch (e) {
      refused = e;
    }
    expect(refused).toMatchObject({ code: 'storage.stored-plan' });
    db.close();
  });
});

describe('measurements', () => {
  const matrix = (at: number, rtt: number) => ({
    topology: 't',
    measuredAt: at,
    cells: [
      {
        from: 'a',
        to: 'b',
        transmitted: 5,
        received: 5,
        lossPct: 0,
        rttAvgMs: rtt,
        rttMinMs: rtt,
        rttMaxMs: rtt,
        ttl: 64,
        predicted: 'reachable' as const,
        verdict: 'pass' as const,
        matches: true,
        reason: '',
      },
    ],
  });
  it('are kept newest first; the baseline is the latest flagged one', () => {
    const { db, store } = fresh();
    store.saveMeasurement({ topology: 't', trigger: 'apply', baseline: true, matrix: matrix(1, 50) });
    store.saveMeasurement({ topology: 't', trigger: 'manual', baseline: false, matrix: matrix(2, 51) });
    store.saveMeasurement({
      topology: 'other',
      trigger: 'manual',
      baseline: false,
      matrix: { ...matrix(3, 9), topology: 'other' },
    });
    expect(store.measurements('t').map((m) => [m.trigger, m.matrix.measuredAt])).toEqual([
      ['manual', 2],
      ['apply', 1],
    ]);
    expect(store.baselineOf('t')?.matrix.cells[0]?.rttAvgMs).toBe(50);
    expect(store.baselineOf('nothing')).toBeUndefined();
    db.close();
  });
  it('a stored matrix that does not read as this version expects is refused by name', () => {
    const { db, store } = fresh();
    db.prepare(
      "INSERT INTO measurements (topology, measured_at, trigger, baseline, matrix) VALUES ('t', 1, 'manual', 0, '{\"topology\":\"t\"}')",
    ).run();
    expect(() => store.measurements('t')).toThrow(expect.objectContaining({ code: 'storage.stored-measurement' }));
    db.close();
  });
});
