/** The shared use cases on the real store and the emulator: approval rules bound to the plan and to the cloud as it is. */
import type { AppServices } from '../../src/app/app-services';
import { DEFAULT_APPROVAL_POLICY } from '../../src/app/approval-policy';
import { decidePlan, proposeRollback, proposeTopology, retryRun } from '../../src/app/use-cases';
import { runToEnd } from '../../src/app/run-to-end';
import { createLogger } from '../../src/log/create-logger';
import { realPacing } from '../../src/engine/retry-policy';
import { startHarness, TIME_SCALE, type Harness } from '../helpers/engine-harness';
import { SEED_STEPS } from '../helpers/topologies';

let h: Harness;
let s: AppServices;
beforeEach(async () => {
  h = await startHarness();
  s = {
    store: h.store,
    cloud: h.cloud,
    engine: h.engine,
    pacing: realPacing(TIME_SCALE * 4),
    sandbox: true,
    logger: createLogger('silent'),
    close: async () => undefined,
  };
});
afterEach(() => h.close());

const quota = { ipsecConnectionQuota: 10 };
const policy = DEFAULT_APPROVAL_POLICY;

async function proposeSeed(now = Date.now()) {
  const r = await proposeTopology(s, { text: 'seed', form: 'line' }, quota, { requester: 'U1', now, policy });
  if (!r.ok || !r.proposal.changes) throw new Error('expected a plan with changes');
  return r.proposal;
}

describe('use cases', () => {
  it('a newer plan supersedes the pending one; an expired plan and a stranger plan id are refused and audited', async () => {
    const first = await proposeSeed();
    const second = await proposeSeed();
    expect(second.superseded).toEqual([first.record.id]);
    expect(
      await decidePlan(s, { planId: first.record.id, actor: 'U2', decision: 'approve', now: Date.now(), policy }),
    ).toMatchObject({ ok: false, reason: 'this plan is already superseded', closed: { status: 'superseded' } });
    expect(
      await decidePlan(s, {
        planId: second.record.id,
        actor: 'U2',
        decision: 'approve',
        now: Date.now() + policy.planTtlMs + 1,
        policy,
      }),
    ).toMatchObject({ ok: false, reason: 'this plan has expired: plan again', closed: { status: 'expired' } });
    expect(
      await decidePlan(s, { planId: 'plan-<script>', actor: 'U2', decision: 'approve', now: Date.now(), policy }),
    ).toEqual({ ok: false, reason: 'this plan is unknown to vpnbot' });
    const refusals = h.store.auditLog().filter((e) => e.action === 'plan.approve.refused');
    expect(refusals.map((e) => e.detail.reason)).toEqual(
      expect.arrayContaining([
        'this plan has expired: plan again',
        'this plan is already superseded',
        'this plan is unknown to vpnbot',
      ]),
    );
  });

  it('an approval is refused when the cloud changed since the plan was made', async () => {
    const p = await proposeSeed();
    // Someone builds part of it behind vpnbot's back: planning again gives another hash.
    const partial = { ...p.plan, steps: p.plan.steps.filter((x) => x.kind === 'cen') };
    await h.engine.apply({ ...partial, hash: 'partial' }, { requester: 'U9' });
    expect(
      await decidePlan(s, { planId: p.record.id, actor: 'U2', decision: 'approve', now: Date.now(), policy }),
    ).toMatchObject({
      ok: false,
      reason: 'the cloud changed since this plan was made: plan again',
      closed: { status: 'superseded' },
    });
    expect(h.store.plan(p.record.id)!.status).toBe('superseded');
  });

  it('with two approvals required, the first is recorded and the plan waits; the second completes it', async () => {
    const p = await proposeSeed();
    const two = { ...policy, requiredApprovals: 2 };
    expect(
      await decidePlan(s, { planId: p.record.id, actor: 'U2', decision: 'approve', now: Date.now(), policy: two }),
    ).toMatchObject({ ok: true, complete: false, approvers: ['U2'] });
    expect(
      await decidePlan(s, { planId: p.record.id, actor: 'U2', decision: 'approve', now: Date.now(), policy: two }),
    ).toEqual({ ok: false, reason: 'you already approved this plan; it needs another approver' });
    expect(
      await decidePlan(s, { planId: p.record.id, actor: 'U3', decision: 'approve', now: Date.now(), policy: two }),
    ).toMatchObject({ ok: true, complete: true, approvers: ['U2', 'U3'] });
  });

  it('a plan is not approved while another run holds its topology, and the clicker is told which', async () => {
    const p = await proposeSeed();
    h.store.claimRun({
      id: 'run-held',
      topology: 'ikev1test',
      kind: 'apply',
      plan: p.plan,
      requester: 'U8',
      startedAt: 1,
      owner: 'elsewhere/1/x',
      leaseUntil: Date.now() + 60_000,
    });
    expect(
      await decidePlan(s, { planId: p.record.id, actor: 'U2', decision: 'approve', now: Date.now(), policy }),
    ).toEqual({ ok: false, reason: 'apply run-held by U8 is changing this topology: approve once it has finished' });
    expect(h.store.plan(p.record.id)!.status).toBe('pending');
  });

  it('an approved plan runs once and is marked applied; the topology is recorded', async () => {
    const p = await proposeSeed();
    const d = await decidePlan(s, { planId: p.record.id, actor: 'U2', decision: 'approve', now: Date.now(), policy });
    if (!d.ok) throw new Error(d.reason);
    const result = (await runToEnd(s, d.record)).result;
    expect(result.status).toBe('succeeded');
    expect(h.store.plan(p.record.id)!.status).toBe('applied');
    expect(h.store.runs('ikev1test')[0]).toMatchObject({ planId: p.record.id });
    expect(h.store.topology('ikev1test')?.name).toBe('ikev1test');
  });

  it('after a failure, Retry applies what is left under the same approval; Roll back proposes deleting what the run created', async () => {
    const p = await proposeSeed();
    const d = await decidePlan(s, { planId: p.record.id, actor: 'U2', decision: 'approve', now: Date.now(), policy });
    if (!d.ok) throw new Error(d.reason);
    h.emu.setFaults({ serverError: 1 });
    const failed = (await runToEnd(s, d.record)).result;
    expect(failed.status).toBe('failed');
    expect(failed.failures[0]).toMatchObject({ code: 'ServiceUnavailable', userFixable: false });
    expect(h.store.plan(p.record.id)!.status).toBe('failed');
    h.emu.setFaults({ serverError: 0 });

    expect(
      await retryRun(s, failed.runId, { actor: 'U7', now: Date.now(), policy: { ...policy, approvers: ['U9'] } }),
    ).toMatchObject({ kind: 'nothing', reason: expect.stringContaining('not one of the approvers') });
    // Retry needs what Approve needs: the requester does not retry their own plan.
    expect(await retryRun(s, failed.runId, { actor: 'U1', now: Date.now(), policy })).toMatchObject({
      kind: 'nothing',
      reason: expect.stringContaining('someone else must approve it'),
    });
    const retried = await retryRun(s, failed.runId, { actor: 'U2', now: Date.now(), policy });
    expect(retried).toMatchObject({ kind: 'retried', outcome: { result: { status: 'succeeded' } } });
    expect(h.store.plan(p.record.id)!.status).toBe('applied');
    if (retried.kind !== 'retried') return;

    expect(
      await proposeRollback(s, retried.outcome.result.runId, { actor: 'U1', now: Date.now(), policy }),
    ).toMatchObject({ kind: 'nothing', reason: expect.stringContaining('someone else must approve it') });
    const rollback = await proposeRollback(s, retried.outcome.result.runId, { actor: 'U2', now: Date.now(), policy });
    if (rollback.kind !== 'proposal') throw new Error(JSON.stringify(rollback));
    expect(rollback.proposal.plan.steps.every((x) => x.action === 'delete')).toBe(true);
    expect(rollback.proposal.plan.summary.delete).toBe(SEED_STEPS);
    const approved = await decidePlan(s, {
      planId: rollback.proposal.record.id,
      actor: 'U3',
      decision: 'approve',
      now: Date.now(),
      policy,
    });
    if (!approved.ok) throw new Error(approved.reason);
    expect((await runToEnd(s, approved.record)).result.status).toBe('succeeded');
    expect(Object.values(h.emu.inventory().counts).every((n) => n === 0)).toBe(true);
  });
});
