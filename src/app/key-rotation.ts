/**
 * `/vpn rotate`: new pre-shared keys, proposed as a plan through the same approval as any change,
 * then run one key at a time (rotation-plan.ts): each stage gives every connection holding the key
 * its new one (the key is stored first, encrypted, so a connection created later gets it too),
 * waits until their tunnels are up again (an on-premises device must take the key itself, within
 * its time), then checks the ping matrix. The first stage that does not come up, or leaves the
 * matrix not green, stops the rotation: the tunnels not yet rotated keep carrying the traffic.
 */
import { randomBytes } from 'node:crypto';
import type { NodeOutcome } from '../dag/walk';
import type { ExclusiveResult, ExclusiveRun } from '../engine/create-engine';
import { generatePreSharedKey } from '../engine/pre-shared-key';
import { retryCloudCall } from '../engine/retry-policy';
import { toStepFailure, type StepFailure } from '../engine/step-failure';
import { VpnbotError } from '../errors';
import { hasChanges, summarize, type Plan } from '../planner/plan';
import { STEP_CATALOGUE } from '../planner/step-catalogue';
import { planHash } from '../planner/plan-hash';
import type { AppServices } from './app-services';
import type { PlanRecord } from './app-store';
import type { ApprovalPolicy } from './approval-policy';
import { measureTopology, type MeasureResult } from './ping-use-cases';
import { planRotation, renderRotation, type Rotation, type RotationStage } from './rotation-plan';
import type { RunOutcome, RunToEndOptions } from './run-to-end';
import type { Proposal, ProposalResult } from './use-cases';

/** How long a stage waits for its tunnels when the other end is a cloud gateway (both ends rotate here). */
const CLOUD_PEER_WAIT_MS = 5 * 60_000;
/** How long it waits for an on-premises device to take a new key, when nothing is configured. */
export const DEFAULT_DEVICE_KEY_WAIT_MS = 60 * 60_000;

/** The rotation as it would be made now: over the plan against the cloud, which must match the topology. */
export async function currentRotation(
  s: AppServices,
  name: string,
  site?: string,
): Promise<{ ok: true; rotation: Rotation; plan: Plan; text: string } | { ok: false; refusal: string }> {
  const topology = s.store.topology(name);
  if (!topology) {
    const known = s.store.topologies().map((t) => t.name);
    return {
      ok: false,
      refusal: `no topology named "${name}"${known.length ? `; known: ${known.join(', ')}` : ': nothing has been applied yet'}`,
    };
  }
  const now = await s.engine.plan(topology);
  if (hasChanges(now))
    return {
      ok: false,
      refusal: `the cloud does not match "${name}" (${now.summary.create} to create, ${now.summary.delete} to delete): \`/vpn apply ${name}\` first, then rotate`,
    };
  const r = planRotation(topology, now, site);
  if (!r.ok) return r;
  const steps = r.connections.map((c) => ({ ...c, dependsOn: [] }));
  const plan: Plan = {
    topology: name,
    ike: topology.ike,
    hash: planHash(name, steps),
    steps,
    summary: summarize(steps),
  };
  return { ok: true, rotation: r.rotation, plan, text: renderRotation(name, r.rotation, plan.hash) };
}

/** Proposes the rotation for approval, as any plan: saved, superseding the topology's pending plans, audited. */
export async function proposeRotation(
  s: AppServices,
  name: string,
  site: string | undefined,
  o: { requester: string; now: number; policy: ApprovalPolicy },
): Promise<ProposalResult> {
  const r = await currentRotation(s, name, site);
  if (!r.ok) return { ok: false, refusal: r.refusal };
  const topology = s.store.topology(name)!;
  const record: PlanRecord = {
    id: `plan-${randomBytes(8).toString('hex')}`,
    topology: name,
    hash: r.plan.hash,
    text: r.text,
    plan: r.plan,
    requester: o.requester,
    status: 'pending',
    createdAt: o.now,
    expiresAt: o.now + o.policy.planTtlMs,
    rotation: r.rotation,
  };
  s.store.savePlan(record);
  const superseded = s.store.supersede(name, record.id);
  s.store.audit(
    o.requester,
    'plan.rotate.proposed',
    name,
    { planId: record.id, hash: record.hash, keys: r.rotation.stages.length, ...(site ? { site } : {}) },
    o.now,
  );
  const proposal: Proposal = { record, topology, plan: r.plan, changes: true, superseded, prediction: [] };
  return { ok: true, proposal };
}

/** Whether an approved rotation still holds: made again now, it is the same (same connections, same keys to rotate). */
export async function rotationStillValid(s: AppServices, record: PlanRecord): Promise<boolean> {
  const now = await currentRotation(s, record.topology, record.rotation?.site);
  return now.ok && now.plan.hash === record.hash && JSON.stringify(now.rotation) === JSON.stringify(record.rotation);
}

/** Green: every pair measured, and each as predicted. */
const green = (m: MeasureResult) =>
  m.ok && m.matrix.cells.every((c) => c.matches && c.verdict !== 'unknown' && c.verdict !== 'fail');

const roleWord = (r: 'master' | 'slave') => (r === 'master' ? 'master' : 'slave');

/** Runs an approved rotation, stage by stage, as a run of kind `rotate` holding the topology. */
export async function runRotation(s: AppServices, record: PlanRecord, options: RunToEndOptions): Promise<RunOutcome> {
  const rotation = record.rotation!;
  const topology = s.store.topology(record.topology);
  let lastMatrix: MeasureResult | undefined;
  const result = await s.engine.exclusive(
    record.plan,
    {
      kind: 'rotate',
      requester: record.requester,
      planId: record.id,
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.thread ? { thread: options.thread } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    },
    async (run: ExclusiveRun): Promise<ExclusiveResult> => {
      const outcomes = new Map<string, NodeOutcome>();
      const failures: StepFailure[] = [];
      const at = () => run.pacing.now();
      // A connection's step succeeds once its last stage has; every stage touching it first says it started.
      const lastStage = new Map<string, number>();
      rotation.stages.forEach((st, i) => {
        for (const c of st.connections) lastStage.set(c.stepId, i);
      });
      const started = new Set<string>();
      const fail = (st: RotationStage, err: VpnbotError) => {
        for (const c of st.connections) {
          outcomes.set(c.stepId, { status: 'failed', error: err });
          s.store.stepFinished(run.runId, c.stepId, 'failed', at(), { code: err.code, message: err.message });
          run.emit({ type: 'step-failed', runId: run.runId, stepId: c.stepId, code: err.code, message: err.message });
        }
        failures.push(toStepFailure(st.connections[0]!.stepId, err));
        for (const step of record.plan.steps)
          if (!outcomes.has(step.id)) {
            outcomes.set(step.id, { status: 'skipped', because: st.connections[0]!.stepId });
            s.store.stepFinished(run.runId, step.id, 'skipped', at(), {
              code: 'engine.skipped',
              message: `skipped: the rotation stopped at the ${roleWord(st.role)} key of ${st.sites.join(' and ')}`,
            });
            run.emit({ type: 'step-skipped', runId: run.runId, stepId: step.id, because: st.connections[0]!.stepId });
          }
      };
      for (const [i, st] of rotation.stages.entries()) {
        const what = `the ${roleWord(st.role)} key of ${st.sites.join(' and ')}`;
        for (const c of st.connections)
          if (!started.has(c.stepId)) {
            started.add(c.stepId);
            s.store.stepStarted(run.runId, c.stepId, at());
            run.emit({
              type: 'step-started',
              runId: run.runId,
              stepId: c.stepId,
              kind: 'ipsec-connection',
              action: 'keep',
            });
          }
        try {
          // Stored first: a connection created meanwhile (an apply) gets the new key, and a key is never lost.
          const key = generatePreSharedKey();
          s.store.replaceSecret(record.topology, st.secret, key);
          for (const c of st.connections) {
            await retryCloudCall(() => s.cloud.ipsec.setTunnelKey(c.region, c.cloudId, st.role, key), run.pacing, {
              maxAttempts: 20,
              ...(run.signal ? { signal: run.signal } : {}),
              onRetry: (n) => run.emit({ type: 'step-retrying', runId: run.runId, stepId: c.stepId, ...n }),
            });
            run.emit({
              type: 'step-waiting',
              runId: run.runId,
              stepId: c.stepId,
              detail: `new ${roleWord(st.role)} key set`,
            });
            // One change at a time per gateway: the next waits until this one is done.
            await settled(s, run, c.region, c.cloudId);
          }
          s.store.audit(
            record.requester,
            'key.rotated',
            record.topology,
            { keyName: st.secret, runId: run.runId },
            at(),
          );
          if (st.device)
            run.emit({
              type: 'run-note',
              runId: run.runId,
              note: `waiting for ${st.device.site}'s device to take the new ${roleWord(st.role)} key: its owners get it with /vpn config ${record.topology} ${st.device.site}`,
            });
          // A device is configured by people, in their time; a gateway here, in the cloud's (its pace).
          await tunnelsUp(
            s,
            run,
            st,
            st.device ? (s.deviceKeyWaitMs ?? DEFAULT_DEVICE_KEY_WAIT_MS) : CLOUD_PEER_WAIT_MS * run.pacing.pace,
          );
          if (topology?.probes) {
            const m = await measureTopology(s, record.topology, { trigger: 'rotation', actor: record.requester });
            lastMatrix = m;
            if (!green(m)) {
              const why = m.ok
                ? m.matrix.cells
                    .filter((c) => !c.matches || c.verdict === 'fail' || c.verdict === 'unknown')
                    .map((c) => `${c.from} -> ${c.to} ${c.verdict}${c.reason ? ` (${c.reason})` : ''}`)
                    .join('; ')
                : m.refusal;
              throw new VpnbotError('rotation.matrix-not-green', `after ${what}: ${why}`);
            }
            run.emit({
              type: 'run-note',
              runId: run.runId,
              note: `${i + 1}/${rotation.stages.length}: ${what} rotated; the ping matrix is green (${m.ok ? m.matrix.cells.length : 0} pairs as predicted)`,
            });
          } else
            run.emit({
              type: 'run-note',
              runId: run.runId,
              note: `${i + 1}/${rotation.stages.length}: ${what} rotated (no probes: the matrix is not checked)`,
            });
        } catch (e) {
          if (run.signal?.aborted) {
            for (const step of record.plan.steps)
              if (!outcomes.has(step.id)) outcomes.set(step.id, { status: 'cancelled' });
            return { outcomes, failures };
          }
          const err =
            e instanceof VpnbotError
              ? e
              : new VpnbotError('engine.fault', `${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
          fail(st, err);
          return { outcomes, failures };
        }
        for (const c of st.connections)
          if (lastStage.get(c.stepId) === i) {
            outcomes.set(c.stepId, { status: 'succeeded' });
            s.store.stepFinished(run.runId, c.stepId, 'succeeded', at());
            run.emit({ type: 'step-succeeded', runId: run.runId, stepId: c.stepId, cloudId: c.cloudId });
          }
      }
      return { outcomes, failures };
    },
  );
  s.store.markPlan(record.id, result.status === 'succeeded' ? 'applied' : 'failed');
  return {
    result,
    requester: record.requester,
    ...(options.thread ? { thread: options.thread } : {}),
    ...(lastMatrix ? { matrix: lastMatrix } : {}),
  };
}

/** Waits, as the engine does after a change, until the connection's gateway takes the next one. */
async function settled(s: AppServices, run: ExclusiveRun, region: string, id: string): Promise<void> {
  const wait = STEP_CATALOGUE['ipsec-connection'].wait;
  const deadline = run.pacing.now() + wait.timeoutMs * run.pacing.pace;
  await run.pacing.sleep(wait.expectedMs * run.pacing.pace, run.signal);
  let interval = wait.firstPollMs * run.pacing.pace;
  while (!(await s.cloud.drivers['ipsec-connection'].read(region, id)).settled) {
    if (run.pacing.now() > deadline)
      throw new VpnbotError(
        'engine.timeout',
        `${id}: its VPN gateway did not take the new key in ${wait.timeoutMs / 1000} s`,
      );
    await run.pacing.sleep(interval, run.signal);
    interval = Math.min(interval * 1.5, wait.maxPollMs * run.pacing.pace);
  }
}

/** Waits until every tunnel of the stage is up again; fails naming those that are not, with the cloud's reason. */
async function tunnelsUp(s: AppServices, run: ExclusiveRun, st: RotationStage, timeoutMs: number): Promise<void> {
  const driver = s.cloud.drivers['ipsec-connection'];
  const deadline = run.pacing.now() + timeoutMs;
  let interval = 1_000 * run.pacing.pace;
  for (;;) {
    const down: string[] = [];
    for (const c of st.connections) {
      const o = await driver.read(c.region, c.cloudId);
      const t = o.tunnels?.find((x) => x.role === st.role);
      if (!t?.up) down.push(`${c.name} ${roleWord(st.role)} (${t?.status ?? o.state})`);
    }
    if (down.length === 0) return;
    if (run.pacing.now() > deadline) {
      const c = st.connections[0]!;
      const why = await (driver.explain?.(c.region, c.cloudId) ?? Promise.resolve('')).catch(() => '');
      throw new VpnbotError(
        'engine.tunnel-down',
        `the ${roleWord(st.role)} tunnels of ${st.sites.join(' and ')} did not come up with the new key: ${down.join(', ')}${
          st.device ? ` (${st.device.site}'s device has not taken it: /vpn config gives its owners the new key)` : ''
        }${why ? `; the cloud reports: ${why}` : ''}`,
      );
    }
    await run.pacing.sleep(interval, run.signal);
    interval = Math.min(interval * 1.5, 10_000 * run.pacing.pace);
  }
}
