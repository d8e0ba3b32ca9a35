/** The store on SQLite: the engine's EngineStore, plus topologies, plans, approvals and the audit log. */
import type Database from 'better-sqlite3';
import type {
  AppStore,
  DecisionResult,
  DeviceWait,
  MeasurementRecord,
  MeasurementTrigger,
  PlanRecord,
  PlanStatus,
  TunnelCheck,
} from '../src/app/app-store';
import type {
  ClaimResult,
  NewRun,
  ResourceRecord,
  RunRecord,
  StepRecord,
  StepStatus,
} from '../src/engine/engine-store';
import type { RunStatus } from '../src/engine/engine-events';
import { VpnbotError } from '../src/errors';
import type { Plan } from '../src/planner/plan';
import { readStoredPlan } from '../src/planner/plan-schema';
import { readStoredRotation } from '../src/app/rotation-plan';
import { readStoredMatrix, type PingMatrix } from '../src/probe/ping-matrix';
import type { Topology } from '../src/topology/model';
import { readStoredTopology } from '../src/topology/stored-topology';
import type { SecretBox } from './secret-box';

interface RunRow {
  id: string;
  topology: string;
  kind: 'apply' | 'destroy';
  status: RunStatus;
  plan: string;
  requester: string;
  started_at: number;
  finished_at: number | null;
  owner: string | null;
  lease_until: number;
  plan_id: string | null;
  channel: string | null;
  thread_ts: string | null;
}
interface StepRow {
  run_id: string;
  step_id: string;
  status: StepStatus;
  attempts: number;
  cloud_id: string | null;
  error_code: string | null;
  error_message: string | null;
  request_id: string | null;
}
interface ResourceRow {
  topology: string;
  step_id: string;
  site: string | null;
  kind: ResourceRecord['kind'];
  region: string;
  cloud_id: string;
  origin: ResourceRecord['origin'];
  outputs: string;
}
interface PlanRow {
  id: string;
  topology: string;
  hash: string;
  text: string;
  plan: string;
  requester: string;
  status: PlanStatus;
  created_at: number;
  expires_at: number;
  document: string | null;
  channel: string | null;
  message_ts: string | null;
  rotation: string | null;
}

interface DeviceWaitRow {
  topology: string;
  site: string;
  run_id: string | null;
  channel: string | null;
  thread_ts: string | null;
  checklist_channel: string | null;
  checklist_ts: string | null;
  started_at: number;
  finished_at: number | null;
  tunnels: string;
}

/** The row's tunnels and address, kept as JSON: only what the checklist shows, never a key. */
function deviceWaitOf(r: DeviceWaitRow): DeviceWait {
  const body = JSON.parse(r.tunnels) as { deviceAddress: string; tunnels: TunnelCheck[] };
  return {
    topology: r.topology,
    site: r.site,
    deviceAddress: body.deviceAddress,
    startedAt: r.started_at,
    tunnels: body.tunnels,
    ...(r.run_id !== null ? { runId: r.run_id } : {}),
    ...(r.channel !== null && r.thread_ts !== null ? { thread: { channel: r.channel, ts: r.thread_ts } } : {}),
    ...(r.checklist_channel !== null && r.checklist_ts !== null
      ? { checklist: { channel: r.checklist_channel, ts: r.checklist_ts } }
      : {}),
    ...(r.finished_at !== null ? { finishedAt: r.finished_at } : {}),
  };
}

interface MeasurementRow {
  id: number;
  topology: string;
  measured_at: number;
  trigger: MeasurementTrigger;
  baseline: number;
  matrix: string;
}

function storedMatrix(json: string, what: string): PingMatrix {
  const r = readStoredMatrix(json);
  if (!r.ok)
    throw new VpnbotError(
      'storage.stored-measurement',
      `${what} cannot be read by this version of vpnbot (${r.reason})`,
    );
  return r.matrix;
}

/** A stored plan, checked against this version's schemas; a plan that does not fit is refused by name. */
function storedPlan(json: string, what: string): Plan {
  const r = readStoredPlan(json);
  if (!r.ok)
    throw new VpnbotError('storage.stored-plan', `${what} cannot be read by this version of vpnbot (${r.reason})`);
  return r.plan;
}

function storedTopology(json: string, name: string): Topology {
  const r = readStoredTopology(json);
  if (!r.ok)
    throw new VpnbotError(
      'storage.stored-plan',
      `topology "${name}" cannot be read by this version of vpnbot (${r.reason})`,
    );
  return r.topology;
}

const runOf = (r: RunRow): RunRecord => ({
  id: r.id,
  topology: r.topology,
  kind: r.kind,
  status: r.status,
  plan: storedPlan(r.plan, `run ${r.id}`),
  requester: r.requester,
  startedAt: r.started_at,
  ...(r.finished_at !== null ? { finishedAt: r.finished_at } : {}),
  leaseUntil: r.lease_until,
  ...(r.owner !== null ? { owner: r.owner } : {}),
  ...(r.plan_id !== null ? { planId: r.plan_id } : {}),
  ...(r.channel !== null && r.thread_ts !== null ? { thread: { channel: r.channel, ts: r.thread_ts } } : {}),
});
const stepOf = (r: StepRow): StepRecord => ({
  runId: r.run_id,
  stepId: r.step_id,
  status: r.status,
  attempts: r.attempts,
  ...(r.cloud_id !== null ? { cloudId: r.cloud_id } : {}),
  ...(r.error_code !== null ? { errorCode: r.error_code } : {}),
  ...(r.error_message !== null ? { errorMessage: r.error_message } : {}),
  ...(r.request_id !== null ? { requestId: r.request_id } : {}),
});
const planOf = (r: PlanRow): PlanRecord => ({
  id: r.id,
  topology: r.topology,
  hash: r.hash,
  text: r.text,
  plan: storedPlan(r.plan, `plan ${r.id}`),
  requester: r.requester,
  status: r.status,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  ...(r.document !== null ? { document: storedTopology(r.document, r.topology) } : {}),
  ...(r.channel !== null && r.message_ts !== null ? { message: { channel: r.channel, ts: r.message_ts } } : {}),
  ...(r.rotation !== null ? { rotation: storedRotation(r.rotation, `plan ${r.id}`) } : {}),
});

function storedRotation(json: string, what: string) {
  const r = readStoredRotation(json);
  if (!r.ok)
    throw new VpnbotError('storage.stored-plan', `${what} cannot be read by this version of vpnbot (${r.reason})`);
  return r.value;
}

export function createSqliteStore(db: Database.Database, box: SecretBox): AppStore {
  const q = {
    insertRun:
      db.prepare(`INSERT INTO runs (id, topology, kind, status, plan, plan_hash, requester, started_at, owner, lease_until, plan_id, channel, thread_ts)
      VALUES (@id, @topology, @kind, 'running', @plan, @planHash, @requester, @startedAt, @owner, @leaseUntil, @planId, @channel, @threadTs)`),
    runningOf: db.prepare("SELECT * FROM runs WHERE topology = ? AND status = 'running' ORDER BY started_at LIMIT 1"),
    adoptRun: db.prepare(
      "UPDATE runs SET owner = ?, lease_until = ? WHERE id = ? AND status = 'running' AND (lease_until <= ? OR owner IS ?)",
    ),
    renewLease: db.prepare("UPDATE runs SET lease_until = ? WHERE id = ? AND owner = ? AND status = 'running'"),
    run: db.prepare('SELECT * FROM runs WHERE id = ?'),
    insertStep: db.prepare("INSERT INTO steps (run_id, step_id, kind, action, status) VALUES (?, ?, ?, ?, 'pending')"),
    finishRun: db.prepare('UPDATE runs SET status = ?, finished_at = ? WHERE id = ?'),
    unfinished: db.prepare("SELECT * FROM runs WHERE status = 'running' ORDER BY started_at"),
    step: db.prepare('SELECT * FROM steps WHERE run_id = ? AND step_id = ?'),
    steps: db.prepare('SELECT * FROM steps WHERE run_id = ? ORDER BY rowid'),
    stepStarted: db.prepare(
      "UPDATE steps SET status = 'running', attempts = attempts + 1, started_at = ?, error_code = NULL, error_message = NULL, request_id = NULL WHERE run_id = ? AND step_id = ?",
    ),
    stepCloudId: db.prepare('UPDATE steps SET cloud_id = ? WHERE run_id = ? AND step_id = ?'),
    stepFinished: db.prepare(
      'UPDATE steps SET status = ?, finished_at = ?, error_code = ?, error_message = ?, request_id = ? WHERE run_id = ? AND step_id = ?',
    ),
    putResource:
      db.prepare(`INSERT INTO resources (topology, step_id, site, kind, region, cloud_id, origin, outputs, created_at, updated_at) VALUES (@topology, @stepId, @site, @kind, @region, @cloudId, @origin, @outputs, @at, @at)
      ON CONFLICT (topology, step_id) DO UPDATE SET cloud_id = excluded.cloud_id, site = excluded.site, kind = excluded.kind, region = excluded.region, origin = excluded.origin, outputs = excluded.outputs, updated_at = excluded.updated_at, deleted_at = NULL`),
    resourceDeleted: db.prepare(
      'UPDATE resources SET deleted_at = ?, updated_at = ? WHERE topology = ? AND step_id = ?',
    ),
    resources: db.prepare('SELECT * FROM resources WHERE topology = ? AND deleted_at IS NULL ORDER BY rowid'),
    secret: db.prepare('SELECT ciphertext FROM secrets WHERE topology = ? AND name = ?'),
    putSecret: db.prepare('INSERT OR IGNORE INTO secrets (topology, name, ciphertext, created_at) VALUES (?, ?, ?, ?)'),
    replaceSecret: db.prepare(
      'INSERT INTO secrets (topology, name, ciphertext, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (topology, name) DO UPDATE SET ciphertext = excluded.ciphertext, created_at = excluded.created_at',
    ),
    saveDeviceWait:
      db.prepare(`INSERT INTO device_waits (topology, site, run_id, channel, thread_ts, checklist_channel, checklist_ts, started_at, finished_at, tunnels)
      VALUES (@topology, @site, @runId, @channel, @threadTs, @checklistChannel, @checklistTs, @startedAt, @finishedAt, @tunnels)
      ON CONFLICT (topology, site) DO UPDATE SET run_id = excluded.run_id, channel = excluded.channel, thread_ts = excluded.thread_ts,
        checklist_channel = excluded.checklist_channel, checklist_ts = excluded.checklist_ts, started_at = excluded.started_at,
        finished_at = excluded.finished_at, tunnels = excluded.tunnels`),
    openDeviceWaits: db.prepare(
      'SELECT * FROM device_waits WHERE finished_at IS NULL AND (? IS NULL OR topology = ?) ORDER BY started_at',
    ),
    deviceWait: db.prepare('SELECT * FROM device_waits WHERE topology = ? AND site = ?'),
    saveTopology: db.prepare(
      'INSERT INTO topologies (name, ike, document, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET ike = excluded.ike, document = excluded.document, updated_at = excluded.updated_at',
    ),
    topology: db.prepare('SELECT document FROM topologies WHERE name = ?'),
    topologies: db.prepare('SELECT name, document FROM topologies ORDER BY name'),
    savePlan: db.prepare(
      "INSERT INTO plans (id, topology, hash, text, plan, requester, status, created_at, expires_at, document, rotation) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)",
    ),
    planMessage: db.prepare('UPDATE plans SET channel = ?, message_ts = ? WHERE id = ?'),
    pendingOf: db.prepare("SELECT id FROM plans WHERE topology = ? AND status = 'pending' AND id != ?"),
    supersede: db.prepare(
      "UPDATE plans SET status = 'superseded' WHERE topology = ? AND status = 'pending' AND id != ?",
    ),
    plan: db.prepare('SELECT * FROM plans WHERE id = ?'),
    decide: db.prepare(
      "UPDATE plans SET status = ? WHERE id = ? AND status = 'pending' AND hash = ? AND expires_at > ?",
    ),
    insertApproval: db.prepare(
      'INSERT INTO approvals (plan_id, approver, decision, plan_hash, at) VALUES (?, ?, ?, ?, ?)',
    ),
    approvalsOf: db.prepare("SELECT approver FROM approvals WHERE plan_id = ? AND decision = 'approve' ORDER BY id"),
    markPlan: db.prepare('UPDATE plans SET status = ? WHERE id = ?'),
    dueToExpire: db.prepare("SELECT * FROM plans WHERE status = 'pending' AND expires_at <= ?"),
    expireDue: db.prepare("UPDATE plans SET status = 'expired' WHERE status = 'pending' AND expires_at <= ?"),
    runs: db.prepare('SELECT * FROM runs WHERE (? IS NULL OR topology = ?) ORDER BY started_at DESC LIMIT ?'),
    audit: db.prepare('INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)'),
    auditLog: db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?'),
    saveMeasurement: db.prepare(
      'INSERT INTO measurements (topology, measured_at, trigger, baseline, matrix) VALUES (?, ?, ?, ?, ?)',
    ),
    measurements: db.prepare('SELECT * FROM measurements WHERE topology = ? ORDER BY id DESC LIMIT ?'),
    baselineOf: db.prepare('SELECT * FROM measurements WHERE topology = ? AND baseline = 1 ORDER BY id DESC LIMIT 1'),
    forgetSeen: db.prepare('DELETE FROM requests_seen WHERE until < ?'),
    markSeen: db.prepare('INSERT OR IGNORE INTO requests_seen (signature, until) VALUES (?, ?)'),
  };
  const expirePlans = db.transaction((now: number): PlanRecord[] => {
    const due = (q.dueToExpire.all(now) as PlanRow[]).map(planOf);
    q.expireDue.run(now);
    return due;
  });
  const firstSeen = db.transaction((key: string, until: number, now: number): boolean => {
    q.forgetSeen.run(now);
    return q.markSeen.run(key, until).changes === 1;
  });
  const measurementOf = (r: MeasurementRow): MeasurementRecord => ({
    id: r.id,
    topology: r.topology,
    trigger: r.trigger,
    baseline: r.baseline === 1,
    matrix: storedMatrix(r.matrix, `measurement ${r.id}`),
  });

  // Immediate: the check for a holder and the insert are one write transaction, so two processes
  // on one database cannot both claim a topology.
  const claimRun = db.transaction((run: NewRun): ClaimResult => {
    const holder = q.runningOf.get(run.topology) as RunRow | undefined;
    if (holder) return { ok: false, holder: runOf(holder) };
    q.insertRun.run({
      id: run.id,
      topology: run.topology,
      kind: run.kind,
      plan: JSON.stringify(run.plan),
      planHash: run.plan.hash,
      requester: run.requester,
      startedAt: run.startedAt,
      owner: run.owner,
      leaseUntil: run.leaseUntil,
      planId: run.planId ?? null,
      channel: run.thread?.channel ?? null,
      threadTs: run.thread?.ts ?? null,
    });
    for (const s of run.plan.steps) q.insertStep.run(run.id, s.id, s.kind, s.action);
    q.audit.run(
      run.startedAt,
      run.requester,
      `run.${run.kind}`,
      run.topology,
      JSON.stringify({ runId: run.id, planHash: run.plan.hash, ...(run.planId ? { planId: run.planId } : {}) }),
    );
    return { ok: true };
  });

  const decide = db.transaction(
    (
      planId: string,
      approver: string,
      decision: 'approve' | 'reject',
      hash: string,
      at: number,
      required: number,
      notCounted: ReadonlySet<string>,
    ): DecisionResult => {
      const row = q.plan.get(planId) as PlanRow | undefined;
      if (!row) return { ok: false, reason: 'not-found' };
      if (row.status !== 'pending') return { ok: false, reason: 'already-decided', status: row.status };
      if (row.hash !== hash) return { ok: false, reason: 'hash-mismatch' };
      if (row.expires_at <= at) {
        q.markPlan.run('expired', planId);
        return { ok: false, reason: 'expired' };
      }
      const before = (q.approvalsOf.all(planId) as { approver: string }[]).map((r) => r.approver);
      if (decision === 'approve' && before.includes(approver)) return { ok: false, reason: 'already-approved-by-you' };
      q.insertApproval.run(planId, approver, decision, hash, at);
      q.audit.run(at, approver, `plan.${decision}`, row.topology, JSON.stringify({ planId, hash }));
      // Earlier approvals that no longer hold (the approver left the policy or the group) stay recorded, uncounted.
      const approvers = (decision === 'approve' ? [...before, approver] : before).filter((a) => !notCounted.has(a));
      const complete = decision === 'reject' || approvers.length >= required;
      if (complete && q.decide.run(decision === 'approve' ? 'approved' : 'rejected', planId, hash, at).changes !== 1)
        return { ok: false, reason: 'already-decided' };
      return { ok: true, approved: decision === 'approve' && complete, approvers };
    },
  );

  return {
    claimRun: (run) => claimRun.immediate(run),
    adoptRun: (runId, owner, now, leaseUntil, deadOwner) =>
      q.adoptRun.run(owner, leaseUntil, runId, now, deadOwner ?? null).changes === 1,
    renewLease: (runId, owner, leaseUntil) => void q.renewLease.run(leaseUntil, runId, owner),
    run: (id) => {
      const r = q.run.get(id) as RunRow | undefined;
      return r ? runOf(r) : undefined;
    },
    finishRun: (runId, status, at) => void q.finishRun.run(status, at, runId),
    unfinishedRuns: () => (q.unfinished.all() as RunRow[]).map(runOf),
    step: (runId, stepId) => {
      const r = q.step.get(runId, stepId) as StepRow | undefined;
      return r ? stepOf(r) : undefined;
    },
    steps: (runId) => (q.steps.all(runId) as StepRow[]).map(stepOf),
    stepStarted: (runId, stepId, at) => void q.stepStarted.run(at, runId, stepId),
    stepCloudId: (runId, stepId, cloudId) => void q.stepCloudId.run(cloudId, runId, stepId),
    stepFinished: (runId, stepId, status, at, error) =>
      void q.stepFinished.run(
        status,
        at,
        error?.code ?? null,
        error?.message ?? null,
        error?.requestId ?? null,
        runId,
        stepId,
      ),
    putResource: (r, at) =>
      void q.putResource.run({
        topology: r.topology,
        stepId: r.stepId,
        site: r.site,
        kind: r.kind,
        region: r.region,
        cloudId: r.cloudId,
        origin: r.origin,
        outputs: JSON.stringify(r.outputs),
        at,
      }),
    resourceDeleted: (topology, stepId, at) => void q.resourceDeleted.run(at, at, topology, stepId),
    resources: (topology) =>
      (q.resources.all(topology) as ResourceRow[]).map((r) => ({
        topology: r.topology,
        stepId: r.step_id,
        site: r.site,
        kind: r.kind,
        region: r.region,
        cloudId: r.cloud_id,
        origin: r.origin,
        outputs: JSON.parse(r.outputs) as Record<string, string>,
      })),
    secret: (topology, name) => {
      const r = q.secret.get(topology, name) as { ciphertext: Buffer } | undefined;
      return r ? box.open(r.ciphertext, `${topology}/${name}`) : undefined;
    },
    // First writer wins: two steps of a mirrored pair racing to create the key end up with the same one.
    putSecret: (topology, name, value) =>
      void q.putSecret.run(topology, name, box.seal(value, `${topology}/${name}`), Date.now()),
    replaceSecret: (topology, name, value) =>
      void q.replaceSecret.run(topology, name, box.seal(value, `${topology}/${name}`), Date.now()),
    saveDeviceWait: (w) =>
      void q.saveDeviceWait.run({
        topology: w.topology,
        site: w.site,
        runId: w.runId ?? null,
        channel: w.thread?.channel ?? null,
        threadTs: w.thread?.ts ?? null,
        checklistChannel: w.checklist?.channel ?? null,
        checklistTs: w.checklist?.ts ?? null,
        startedAt: w.startedAt,
        finishedAt: w.finishedAt ?? null,
        tunnels: JSON.stringify({ deviceAddress: w.deviceAddress, tunnels: w.tunnels }),
      }),
    openDeviceWaits: (topology) =>
      (q.openDeviceWaits.all(topology ?? null, topology ?? null) as DeviceWaitRow[]).map(deviceWaitOf),
    deviceWait: (topology, site) => {
      const r = q.deviceWait.get(topology, site) as DeviceWaitRow | undefined;
      return r ? deviceWaitOf(r) : undefined;
    },
    saveTopology: (t, at) => void q.saveTopology.run(t.name, t.ike, JSON.stringify(t), at, at),
    topology: (name) => {
      const r = q.topology.get(name) as { document: string } | undefined;
      return r ? storedTopology(r.document, name) : undefined;
    },
    topologies: () =>
      (q.topologies.all() as { name: string; document: string }[]).map((r) => storedTopology(r.document, r.name)),
    savePlan: (p) =>
      void q.savePlan.run(
        p.id,
        p.topology,
        p.hash,
        p.text,
        JSON.stringify(p.plan),
        p.requester,
        p.createdAt,
        p.expiresAt,
        p.document ? JSON.stringify(p.document) : null,
        p.rotation ? JSON.stringify(p.rotation) : null,
      ),
    planMessage: (planId, channel, ts) => void q.planMessage.run(channel, ts, planId),
    supersede: db.transaction((topology: string, exceptPlanId: string) => {
      const ids = (q.pendingOf.all(topology, exceptPlanId) as { id: string }[]).map((r) => r.id);
      q.supersede.run(topology, exceptPlanId);
      return ids;
    }),
    plan: (id) => {
      const r = q.plan.get(id) as PlanRow | undefined;
      return r ? planOf(r) : undefined;
    },
    decide: (planId, approver, decision, hash, at, required = 1, notCounted = new Set()) =>
      decide.immediate(planId, approver, decision, hash, at, required, notCounted),
    firstSeen: (key, until, now) => firstSeen.immediate(key, until, now),
    approvers: (planId) => (q.approvalsOf.all(planId) as { approver: string }[]).map((r) => r.approver),
    markPlan: (planId, status) => void q.markPlan.run(status, planId),
    expirePlans: (now) => expirePlans.immediate(now),
    runs: (topology, limit = 20) => (q.runs.all(topology ?? null, topology ?? null, limit) as RunRow[]).map(runOf),
    audit: (actor, action, subject, detail, at) => void q.audit.run(at, actor, action, subject, JSON.stringify(detail)),
    saveMeasurement: (m) =>
      Number(
        q.saveMeasurement.run(m.topology, m.matrix.measuredAt, m.trigger, m.baseline ? 1 : 0, JSON.stringify(m.matrix))
          .lastInsertRowid,
      ),
    measurements: (topology, limit = 50) =>
      (q.measurements.all(topology, limit) as MeasurementRow[]).map(measurementOf),
    baselineOf: (topology) => {
      const r = q.baselineOf.get(topology) as MeasurementRow | undefined;
      return r ? measurementOf(r) : undefined;
    },
    auditLog: (limit = 100) =>
      (
        q.auditLog.all(limit) as {
          id: number;
          at: number;
          actor: string;
          action: string;
          subject: string;
          detail: string;
        }[]
      ).map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> })),
  };
}
