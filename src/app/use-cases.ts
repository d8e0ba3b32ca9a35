/**
 * What every front end does, as values (never printed here): propose a plan against what exists
 * now, decide on it, run an approved plan with progress, report status. Slack, the console and the
 * CLI call these and only render what they return.
 */
import { randomBytes } from 'node:crypto';
import type { RunThread } from '../engine/engine-store';
import { ownerIsGone } from '../engine/create-engine';
import type { EngineListener, RunKind } from '../engine/engine-events';
import type { Problem } from '../errors';
import { hasChanges, isDestroyPlan, summarize, type Plan } from '../planner/plan';
import { planHash } from '../planner/plan-hash';
import { planText, predictPlan } from './plan-text';
import type { PairPrediction } from '../reachability/predict';
import { topologyFromLine, topologyFromYaml, validateWithCloudZones } from '../topology/load-topology';
import type { Topology } from '../topology/model';
import { parseTopologyLine } from '../topology/parse-line';
import { parseTopologyYaml } from '../topology/parse-yaml';
import type { ValidationOptions } from '../topology/validate';
import type { AppServices } from './app-services';
import type { PlanRecord } from './app-store';
import { channelAllowed, mayApprove, type ApprovalPolicy, type GroupMembers, type Permission } from './approval-policy';
import { rotationStillValid } from './key-rotation';
import { runToEnd, type RunOutcome } from './run-to-end';
import { blockingFindings, type PreflightReport } from '../preflight/finding';
import { blockedReason, preflightLine } from '../preflight/render-preflight';
import { runPreflight } from '../preflight/run-preflight';

export interface Proposal {
  readonly record: PlanRecord;
  readonly topology: Topology;
  readonly plan: Plan;
  /** False when the cloud already matches: nothing to approve (the record is not saved). */
  readonly changes: boolean;
  /** Pending plans of the same topology this one replaced. */
  readonly superseded: readonly string[];
  /** What the topology would connect once applied (none for a destroy). */
  readonly prediction: readonly PairPrediction[];
  /** The preflight of what the plan creates (none for a destroy or a plan without changes). */
  readonly preflight?: PreflightReport;
}

export type ProposalResult =
  | { ok: true; proposal: Proposal }
  | { ok: false; problems: readonly Problem[] }
  | { ok: false; refusal: string };

export interface ProposeOptions {
  readonly requester: string;
  readonly kind: 'apply' | 'destroy';
  readonly now: number;
  readonly policy: ApprovalPolicy;
}

const newPlanId = () => `plan-${randomBytes(8).toString('hex')}`;

/** Plans `topology` against the records and the cloud as they are now, and keeps the plan for a decision. */
async function propose(s: AppServices, topology: Topology, plan: Plan, o: ProposeOptions): Promise<ProposalResult> {
  const prediction = predictPlan(plan, topology);
  // What the documents cannot settle, asked before anyone approves: one line in the plan, details from `doctor`.
  const preflight = hasChanges(plan) && !isDestroyPlan(plan) ? await runPreflight(s.cloud, plan) : undefined;
  const text = `${planText(plan, topology, prediction)}${preflight ? `\n\n${preflightLine(preflight)}` : ''}`;
  const record: PlanRecord = {
    id: newPlanId(),
    topology: topology.name,
    hash: plan.hash,
    text,
    plan,
    requester: o.requester,
    status: 'pending',
    createdAt: o.now,
    expiresAt: o.now + o.policy.planTtlMs,
    document: topology,
  };
  if (!hasChanges(plan))
    return { ok: true, proposal: { record, topology, plan, changes: false, superseded: [], prediction } };
  s.store.savePlan(record);
  const superseded = s.store.supersede(topology.name, record.id);
  s.store.audit(
    o.requester,
    `plan.${o.kind}.proposed`,
    topology.name,
    { planId: record.id, hash: plan.hash, ...plan.summary },
    o.now,
  );
  return {
    ok: true,
    proposal: { record, topology, plan, changes: true, superseded, prediction, ...(preflight ? { preflight } : {}) },
  };
}

/** A topology already read and validated (the CLI's file argument), planned against what exists now. */
export async function proposeValidated(
  services: AppServices,
  topology: Topology,
  options: Omit<ProposeOptions, 'kind'>,
): Promise<ProposalResult> {
  return propose(services, topology, await services.engine.plan(topology), { ...options, kind: 'apply' });
}

/** `/vpn plan <topology>`: parse, validate (zones as the cloud offers them), plan against what exists. */
export async function proposeTopology(
  services: AppServices,
  input: { text: string; form: 'line' | 'yaml' },
  validation: ValidationOptions,
  options: Omit<ProposeOptions, 'kind'>,
): Promise<ProposalResult> {
  const parsed = input.form === 'line' ? parseTopologyLine(input.text) : parseTopologyYaml(input.text);
  const topology = await validateWithCloudZones(
    parsed,
    validation,
    (region) => services.cloud.zones(region),
    (region) => services.cloud.vpnGatewayZones(region),
  );
  if (!topology.ok) return { ok: false, problems: topology.problems };
  return propose(services, topology.value, await services.engine.plan(topology.value), { ...options, kind: 'apply' });
}

/**
 * What can be said of a topology's text without asking the cloud, in moments: the problems of its
 * syntax and shape and of the rules that need no cloud. Zones are left to `proposeTopology`, which
 * asks the cloud which it offers (the built-in list may lag behind it).
 */
export function precheckTopology(
  input: { text: string; form: 'line' | 'yaml' },
  validation: ValidationOptions,
): Problem[] {
  const r = input.form === 'line' ? topologyFromLine(input.text, validation) : topologyFromYaml(input.text, validation);
  return r.ok ? [] : r.problems.filter((p) => !p.code.startsWith('zone.'));
}

/** `/vpn apply <name>` and `/vpn destroy <name>`: a known topology planned again, or its destroy plan. */
export async function proposeKnown(
  services: AppServices,
  name: string,
  options: ProposeOptions,
): Promise<ProposalResult> {
  const topology = services.store.topology(name);
  if (!topology) {
    const known = services.store.topologies().map((t) => t.name);
    return {
      ok: false,
      refusal: `no topology named "${name}"${known.length ? `; known: ${known.join(', ')}` : ': nothing has been applied yet'}`,
    };
  }
  const plan =
    options.kind === 'destroy' ? await services.engine.planDestroy(topology) : await services.engine.plan(topology);
  return propose(services, topology, plan, options);
}

/** A step's content, for comparing plans: what is done to which resource (not its dependencies). */
const content = (st: Plan['steps'][number]) =>
  JSON.stringify([st.kind, st.action, st.params, st.refs, st.cloudId ?? null]);

/**
 * `complete: false`: an approval was recorded, and the plan waits for more (`approvers` so far, those
 * that count); `lapsed`: earlier approvals that no longer count (their approver is no longer allowed).
 */
export type Decision =
  | {
      ok: true;
      record: PlanRecord;
      decision: 'approve' | 'reject';
      complete: boolean;
      approvers: readonly string[];
      lapsed: readonly string[];
    }
  /** `closed`: the plan is (now) expired or superseded: its message should say so and lose its buttons. */
  | { ok: false; reason: string; closed?: { status: 'expired' | 'superseded'; record: PlanRecord } };

/**
 * Approve or reject a plan: refused (nothing changes, the attempt is audited) for someone not
 * allowed, a plan already decided, expired or superseded, or a cloud that changed since the plan
 * was made (planning again gives another hash).
 */
export async function decidePlan(
  services: AppServices,
  request: {
    planId: string;
    actor: string;
    decision: 'approve' | 'reject';
    now: number;
    policy: ApprovalPolicy;
    members?: GroupMembers;
    reason?: string;
    channel?: string;
  },
): Promise<Decision> {
  const refuse = (reason: string, topology = '-', closed?: Extract<Decision, { ok: false }>['closed']): Decision => {
    services.store.audit(
      request.actor,
      `plan.${request.decision}.refused`,
      topology,
      { planId: request.planId.slice(0, 64), reason },
      request.now,
    );
    return { ok: false, reason, ...(closed ? { closed } : {}) };
  };
  // A click from a channel vpnbot may not be used in (the policy changed since the plan was posted).
  if (request.channel !== undefined) {
    const allowed = channelAllowed(request.policy, request.channel);
    if (!allowed.ok) return refuse(allowed.reason);
  }
  const record = /^plan-[0-9a-f]{16}$/.test(request.planId) ? services.store.plan(request.planId) : undefined;
  if (!record) return refuse('this plan is unknown to vpnbot');
  if (record.status !== 'pending')
    return refuse(
      `this plan is already ${record.status}`,
      record.topology,
      record.status === 'expired' || record.status === 'superseded' ? { status: record.status, record } : undefined,
    );
  if (record.expiresAt <= request.now) {
    services.store.markPlan(record.id, 'expired');
    return refuse('this plan has expired: plan again', record.topology, { status: 'expired', record });
  }
  if (request.decision === 'approve') {
    // The approval that decides the plan asks the user groups afresh, not from the cache.
    const deciding =
      services.store.approvers(record.id).filter((a) => a !== request.actor).length + 1 >=
      request.policy.requiredApprovals;
    const allowed = await mayApprove(request.policy, record.requester, request.actor, request.members, deciding);
    if (!allowed.ok) return refuse(allowed.reason, record.topology);
    // One run per topology: approving while another run holds it would approve a plan that cannot run.
    const holder = services.store.unfinishedRuns().find((r) => r.topology === record.topology);
    if (holder)
      return refuse(
        holder.leaseUntil <= Date.now() || ownerIsGone(holder.owner)
          ? `${holder.kind} ${holder.id} by ${holder.requester} was interrupted and holds this topology: it resumes at the next start of vpnbot (or \`vpnbot apply ${record.topology}\`); approve once it has finished`
          : `${holder.kind} ${holder.id} by ${holder.requester} is changing this topology: approve once it has finished`,
        record.topology,
      );
    // The approval binds to what the cloud is now: a plan that no longer matches it is stale.
    const topology = record.document ?? services.store.topology(record.topology);
    if (record.rotation) {
      if (!(await rotationStillValid(services, record))) {
        services.store.markPlan(record.id, 'superseded');
        return refuse('the cloud changed since this rotation was planned: propose it again', record.topology);
      }
    } else if (topology) {
      const deletesOnly = isDestroyPlan(record.plan);
      const now = deletesOnly ? await services.engine.planDestroy(topology) : await services.engine.plan(topology);
      // A partial destroy (a rollback) still holds while each of its deletes is still to be done.
      const fresh = new Set(now.steps.map(content));
      const stillValid =
        now.hash === record.hash || (deletesOnly && record.plan.steps.every((x) => fresh.has(content(x))));
      if (!stillValid) {
        services.store.markPlan(record.id, 'superseded');
        return refuse('the cloud changed since this plan was made: plan again', record.topology, {
          status: 'superseded',
          record,
        });
      }
      // Asked afresh: a permission granted since the plan was posted counts; one withheld since blocks.
      if (!deletesOnly) {
        const preflight = await runPreflight(services.cloud, record.plan);
        if (blockingFindings(preflight).length > 0) return refuse(blockedReason(preflight), record.topology);
      }
    }
  } else if (request.actor !== record.requester) {
    const allowed = await mayApprove(
      { ...request.policy, allowSelfApproval: true },
      record.requester,
      request.actor,
      request.members,
    );
    if (!allowed.ok) return refuse(allowed.reason, record.topology);
  }
  const notCounted =
    request.decision === 'approve' ? await lapsedApprovals(services, record, request) : new Set<string>();
  const r = services.store.decide(
    record.id,
    request.actor,
    request.decision,
    record.hash,
    request.now,
    request.policy.requiredApprovals,
    notCounted,
  );
  if (!r.ok) {
    const why =
      r.reason === 'expired'
        ? 'this plan has expired: plan again'
        : r.reason === 'hash-mismatch'
          ? 'this plan was changed: plan again'
          : r.reason === 'already-approved-by-you'
            ? 'you already approved this plan; it needs another approver'
            : `this plan is already ${r.status ?? 'decided'}`;
    return refuse(why, record.topology, r.reason === 'expired' ? { status: 'expired', record } : undefined);
  }
  if (request.decision === 'reject')
    services.store.audit(
      request.actor,
      'plan.reject.reason',
      record.topology,
      { planId: record.id, reason: request.reason ?? '' },
      request.now,
    );
  for (const who of notCounted)
    services.store.audit(
      who,
      'plan.approve.lapsed',
      record.topology,
      { planId: record.id, reason: 'no longer allowed to approve when the plan was decided' },
      request.now,
    );
  return {
    ok: true,
    record,
    decision: request.decision,
    complete: request.decision === 'reject' || r.approved,
    approvers: r.approvers,
    lapsed: [...notCounted],
  };
}

/**
 * When this approval would be the last one a plan needs, the earlier ones are checked again
 * against the policy as it is now (group membership asked afresh): an approver who left the list
 * or the group since no longer counts. Earlier approvals are not checked before that: the plan
 * waits anyway.
 */
async function lapsedApprovals(
  services: AppServices,
  record: PlanRecord,
  request: { actor: string; policy: ApprovalPolicy; members?: GroupMembers },
): Promise<Set<string>> {
  const before = services.store.approvers(record.id).filter((a) => a !== request.actor);
  if (before.length + 1 < request.policy.requiredApprovals) return new Set();
  const lapsed = new Set<string>();
  for (const approver of before) {
    const still = await mayApprove(request.policy, record.requester, approver, request.members, true);
    if (!still.ok) lapsed.add(approver);
  }
  return lapsed;
}

export type FollowUp =
  /** Retried without a new approval: what is left is part of what was approved; run and measured. */
  | { kind: 'retried'; outcome: RunOutcome }
  /** A new plan that needs approval (what is left changed, or a rollback). */
  | { kind: 'proposal'; proposal: Proposal }
  | { kind: 'nothing'; reason: string };

/**
 * Retry after a failure: plans the topology again and, when every change left is one the approved
 * plan already contained (same kind, action, parameters and references), runs it under the same
 * approval; otherwise proposes the new plan for approval.
 */
export async function retryRun(
  services: AppServices,
  runId: string,
  options: FollowUpOptions & { onEvent?: EngineListener; thread?: RunThread },
): Promise<FollowUp> {
  const run = services.store.run(runId);
  if (!run || run.status === 'running')
    return { kind: 'nothing', reason: run ? 'that run is still running' : 'that run is unknown to vpnbot' };
  if (run.kind === 'rotate')
    return { kind: 'nothing', reason: 'a key rotation is not retried: `/vpn rotate` proposes the keys left to rotate' };
  const approved = run.planId ? services.store.plan(run.planId) : undefined;
  const topology = approved?.document ?? services.store.topology(run.topology);
  if (!approved || !topology) return { kind: 'nothing', reason: 'that run has no approved plan vpnbot knows of' };
  const allowed = await followUpAllowed(services, 'retry', runId, approved.requester, options);
  if (!allowed.ok) return { kind: 'nothing', reason: allowed.reason };
  const destroy = run.kind === 'destroy';
  const now = destroy ? await services.engine.planDestroy(topology) : await services.engine.plan(topology);
  if (!hasChanges(now)) return { kind: 'nothing', reason: 'nothing is left to do: the cloud matches the plan' };
  const approvedContent = new Set(approved.plan.steps.map(content));
  const within = now.steps
    .filter((x) => x.action === 'create' || x.action === 'delete')
    .every((x) => approvedContent.has(content(x)));
  if (!within) {
    const r = await propose(services, topology, now, {
      requester: options.actor,
      now: options.now,
      policy: options.policy,
      kind: destroy ? 'destroy' : 'apply',
    });
    return r.ok
      ? { kind: 'proposal', proposal: r.proposal }
      : { kind: 'nothing', reason: 'the plan could not be made' };
  }
  services.store.audit(
    options.actor,
    'run.retry',
    run.topology,
    { runId, planId: approved.id, hash: now.hash },
    options.now,
  );
  const outcome = await runToEnd(services, approved, {
    plan: now,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.thread ? { thread: options.thread } : {}),
  });
  return { kind: 'retried', outcome };
}

/**
 * Roll back: a destroy plan of what this run created (never what it adopted or found), proposed
 * for approval like any other.
 */
export async function proposeRollback(
  services: AppServices,
  runId: string,
  options: FollowUpOptions,
): Promise<FollowUp> {
  const run = services.store.run(runId);
  if (!run || run.status === 'running')
    return { kind: 'nothing', reason: run ? 'that run is still running' : 'that run is unknown to vpnbot' };
  if (run.kind === 'rotate') return { kind: 'nothing', reason: 'a key rotation creates nothing to roll back' };
  const allowed = await followUpAllowed(services, 'rollback', runId, run.requester, options);
  if (!allowed.ok) return { kind: 'nothing', reason: allowed.reason };
  const topology = services.store.topology(run.topology);
  if (!topology) return { kind: 'nothing', reason: 'the topology of that run is unknown to vpnbot' };
  const created = new Set(
    services.store
      .steps(runId)
      .filter((x) => x.status === 'succeeded' || x.cloudId !== undefined)
      .map((x) => x.stepId),
  );
  const createdByRun = new Set(
    run.plan.steps.filter((x) => x.action === 'create' && created.has(x.id)).map((x) => x.id),
  );
  const all = await services.engine.planDestroy(topology);
  const steps = all.steps
    .filter((x) => createdByRun.has(x.id))
    .map((x) => ({ ...x, dependsOn: x.dependsOn.filter((d) => createdByRun.has(d)) }));
  if (steps.length === 0) return { kind: 'nothing', reason: 'this run created nothing that still exists' };
  const plan: Plan = { ...all, steps, hash: planHash(all.topology, steps), summary: summarize(steps) };
  const r = await propose(services, topology, plan, {
    requester: options.actor,
    now: options.now,
    policy: options.policy,
    kind: 'destroy',
  });
  return r.ok ? { kind: 'proposal', proposal: r.proposal } : { kind: 'nothing', reason: 'the plan could not be made' };
}

export interface TopologyStatus {
  readonly topology: string;
  readonly resources: readonly {
    step: string;
    kind: string;
    region: string;
    id: string;
    origin: string;
    /** A dual-tunnel IPsec connection's tunnels, by role (as recorded when it was last read ready). */
    tunnels?: Readonly<Record<string, string>>;
  }[];
  readonly counts: Readonly<Record<'created' | 'adopted' | 'external', number>>;
  /** On-premises devices an apply is waiting for: how many of their tunnels are up. */
  readonly waiting: readonly { readonly site: string; readonly up: number; readonly total: number }[];
  readonly lastRun: null | {
    readonly id: string;
    readonly kind: string;
    readonly status: string;
    readonly requester: string;
    readonly startedAt: string;
    /** A run left `running` by a process that is gone: the next start of any front end resumes it. */
    readonly interrupted?: boolean;
    readonly thread?: RunThread;
    readonly failures: readonly { step: string; code?: string; message?: string }[];
  };
}

/** `/vpn status [name]`: per topology, its resources by origin and its last run. Unknown names come back in `unknown`. */
export function statusOf(
  services: AppServices,
  names?: readonly string[],
): { topologies: TopologyStatus[]; unknown: string[] } {
  const all = names && names.length > 0 ? [...names] : services.store.topologies().map((t) => t.name);
  const unknown = all.filter((n) => services.store.topology(n) === undefined);
  const topologies = all
    .filter((n) => !unknown.includes(n))
    .map((name): TopologyStatus => {
      const resources = services.store.resources(name);
      const [last] = services.store.runs(name, 1);
      const steps = last ? services.store.steps(last.id) : [];
      const count = (o: string) => resources.filter((r) => r.origin === o).length;
      return {
        topology: name,
        resources: resources.map((r) => {
          const tunnels = Object.fromEntries(
            ['master', 'slave'].flatMap((role) => {
              const id = r.outputs[`${role}TunnelId`];
              return id ? [[role, id]] : [];
            }),
          );
          return {
            step: r.stepId,
            kind: r.kind,
            region: r.region,
            id: r.cloudId,
            origin: r.origin,
            ...(Object.keys(tunnels).length ? { tunnels } : {}),
          };
        }),
        counts: { created: count('created'), adopted: count('adopted'), external: count('external') },
        waiting: services.store.openDeviceWaits(name).map((w) => ({
          site: w.site,
          up: w.tunnels.filter((t) => t.up).length,
          total: w.tunnels.length,
        })),
        lastRun: last
          ? {
              id: last.id,
              kind: last.kind,
              status: last.status,
              requester: last.requester,
              startedAt: new Date(last.startedAt).toISOString(),
              ...(last.status === 'running' && (last.leaseUntil <= Date.now() || ownerIsGone(last.owner))
                ? { interrupted: true }
                : {}),
              ...(last.thread ? { thread: last.thread } : {}),
              failures: steps
                .filter((x) => x.status === 'failed')
                .map((x) => ({
                  step: x.stepId,
                  ...(x.errorCode ? { code: x.errorCode } : {}),
                  ...(x.errorMessage ? { message: x.errorMessage } : {}),
                })),
            }
          : null,
      };
    });
  return { topologies, unknown };
}

/** Pending plans whose time is up, now expired: their messages should say so and lose their buttons. */
export function expireDuePlans(services: AppServices, now: number): PlanRecord[] {
  const due = services.store.expirePlans(now);
  for (const p of due) services.store.audit('vpnbot', 'plan.expired', p.topology, { planId: p.id }, now);
  return due;
}

/** The plans of these ids that vpnbot knows (e.g. those a new plan superseded), with where they were posted. */
export function plansById(services: AppServices, ids: readonly string[]): PlanRecord[] {
  return ids.map((id) => services.store.plan(id)).filter((p): p is PlanRecord => p !== undefined);
}

/** A plan that could not be shown to anyone (its channel refused the post): never to be approved. */
export function planNotPosted(services: AppServices, planId: string, actor: string, now: number): void {
  services.store.markPlan(planId, 'expired');
  services.store.audit(actor, 'plan.not-posted', planId, { planId }, now);
}

/** Where a proposal was posted: its thread is the run's. */
export function recordPlanMessage(services: AppServices, planId: string, channel: string, ts: string): void {
  services.store.planMessage(planId, channel, ts);
}

/** The topology and kind of a run, for a front end that reports on it; undefined when unknown. */
export function runInfo(
  services: AppServices,
  runId: string,
): { topology: string; kind: RunKind; requester: string; planRequester: string } | undefined {
  const run = services.store.run(runId);
  if (!run) return undefined;
  // A retry is judged against who asked for the approved plan (what retryRun checks too).
  const planRequester = (run.planId ? services.store.plan(run.planId)?.requester : undefined) ?? run.requester;
  return { topology: run.topology, kind: run.kind, requester: run.requester, planRequester };
}

/** "Keep as is" after a failed run: nothing changes in the cloud; the choice (or its refusal) is audited. */
export async function keepRun(services: AppServices, runId: string, options: FollowUpOptions): Promise<Permission> {
  const run = services.store.run(runId);
  if (!run) return { ok: false, reason: 'that run is unknown to vpnbot' };
  const allowed = await followUpAllowed(services, 'keep', runId, run.requester, options);
  if (allowed.ok) services.store.audit(options.actor, 'run.keep', runId, { runId }, options.now);
  return allowed;
}

/** Who clicked a follow-up button, under which policy, from where. */
export interface FollowUpOptions {
  readonly actor: string;
  readonly now: number;
  readonly policy: ApprovalPolicy;
  readonly members?: GroupMembers;
  /** The channel the click came from, checked against the policy's channels. */
  readonly channel?: string;
}

/**
 * Retry, Roll back and Keep decide what happens to the cloud after a failure: they need what an
 * approval needs (an approver, not the requester unless self-approval is on, in an allowed
 * channel). A refusal is audited.
 */
export async function followUpAllowed(
  services: AppServices,
  what: 'retry' | 'rollback' | 'keep',
  runId: string,
  requester: string,
  o: FollowUpOptions,
): Promise<Permission> {
  const channel = o.channel === undefined ? ({ ok: true } as const) : channelAllowed(o.policy, o.channel);
  const allowed = channel.ok ? await mayApprove(o.policy, requester, o.actor, o.members) : channel;
  if (!allowed.ok) services.store.audit(o.actor, `run.${what}.refused`, runId, { reason: allowed.reason }, o.now);
  return allowed;
}

/** A request refused before any use case saw it (another workspace, a foreign user): audited, nothing else. */
export function recordRefusedRequest(
  services: AppServices,
  r: { actor: string; team: string; why: string; at: number },
): void {
  services.store.audit(r.actor.slice(0, 64), 'request.refused', r.team.slice(0, 64), { why: r.why }, r.at);
}

/** Signed requests seen, remembered in the database: a replay is refused after a restart too. */
export function seenRequests(services: AppServices): {
  firstSeen(key: string, until: number, now: number): boolean;
} {
  return { firstSeen: (key, until, now) => services.store.firstSeen(key, until, now) };
}
