/**
 * The provisioning engine: applies plans (create, adopt, keep, delete) on a DAG walk with bounded
 * parallelism and per-object locks, records everything through the store, resumes runs a crash
 * left unfinished, and refreshes what the cloud holds for the planner.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { VpnbotError } from '../errors';
import { walk, type NodeOutcome } from '../dag/walk';
import type { CloudApi } from '../cloud/cloud-api';
import { buildDestroyPlan, buildPlan } from '../planner/build-plan';
import type { ObservedState } from '../planner/observed';
import { isDestroyPlan, type Plan } from '../planner/plan';
import type { Topology } from '../topology/model';
import type { EngineListener, RunKind, RunStatus } from './engine-events';
import type { EngineStore, RunRecord, RunThread } from './engine-store';
import { KeyedLocks } from './keyed-locks';
import { keepKeysInService } from './keys-in-service';
import { observeCloud, type RefreshOptions } from './observe-cloud';
import { realPacing, type Pacing } from './retry-policy';
import { toStepFailure, type StepFailure } from './step-failure';
import { StepRunner, type RunScope } from './step-runner';

/** Where the engine reports what it swallowed (a listener that threw). pino's Logger fits. */
export interface EngineLog {
  warn(details: object, message: string): void;
}

export interface EngineOptions {
  readonly cloud: CloudApi;
  readonly store: EngineStore;
  readonly parallelism: number;
  readonly pacing?: Pacing;
  readonly maxAttempts?: number;
  /** This process, as the owner of the runs it executes. */
  readonly owner?: string;
  /**
   * How long a run stays claimed without a heartbeat (real milliseconds). The owner renews it every
   * third of that; a run whose lease ran out belongs to a process that is gone, and is resumed.
   */
  readonly leaseMs?: number;
  readonly log?: EngineLog;
  /** A refresh that still cannot reach the cloud this long (ms of pacing's clock) after it began gives up. */
  readonly refreshBudgetMs?: number;
}

export type { StepFailure } from './step-failure';

export interface RunResult {
  readonly runId: string;
  readonly topology: string;
  readonly kind: RunKind;
  readonly status: RunStatus;
  readonly outcomes: ReadonlyMap<string, NodeOutcome>;
  /** Root causes only: steps skipped because of them are not repeated here. */
  readonly failures: readonly StepFailure[];
}

export interface ApplyOptions {
  readonly requester: string;
  readonly kind?: RunKind;
  /** Cancels the run: steps not started are recorded as cancelled and the run ends `cancelled`. */
  readonly signal?: AbortSignal;
  /**
   * Suspends the run (Ctrl-C in a front end): no new step starts, the steps in flight stop at their
   * next wait with what they did recorded (a created resource's id is recorded before any wait),
   * and the run is left unfinished with its lease released, so the next start resumes it at once.
   * Its result then has status `running`.
   */
  readonly suspend?: AbortSignal;
  /** Progress. A listener that throws is logged and never changes the outcome of a step. */
  readonly onEvent?: EngineListener;
  /** The approved plan record this run executes. */
  readonly planId?: string;
  /** Where the run reports in chat, kept with the run so a restart can report there too. */
  readonly thread?: RunThread;
}

/** What a run that is not a walk of steps (a key rotation) is given: its id, and the engine's means. */
export interface ExclusiveRun {
  readonly runId: string;
  readonly pacing: Pacing;
  /** Progress, isolated as the engine's own (a listener that throws is logged). */
  readonly emit: EngineListener;
  readonly signal?: AbortSignal;
}

/** How such a run ended: its status by step (the plan's steps), and the root causes of a failure. */
export interface ExclusiveResult {
  readonly outcomes: ReadonlyMap<string, NodeOutcome>;
  readonly failures: readonly StepFailure[];
}

export interface Engine {
  readonly cloud: CloudApi;
  /**
   * Runs `body` as a run of `kind` over `plan`'s steps, holding the topology as any run does
   * (claimed, leased while it lives, recorded, finished; refused with engine.topology-busy while
   * another run holds it). For runs whose work is not creating or deleting (a key rotation); such a
   * run is not resumed after a crash but marked cancelled.
   */
  exclusive(
    plan: Plan,
    options: ApplyOptions & { readonly kind: RunKind },
    body: (run: ExclusiveRun) => Promise<ExclusiveResult>,
  ): Promise<RunResult>;
  /** Claims the topology and runs the plan; refused (engine.topology-busy) while another run holds it. */
  apply(plan: Plan, options: ApplyOptions): Promise<RunResult>;
  /**
   * Continues the runs whose owner is gone (a crash, a kill), never one a live process is running;
   * steps recorded as started are described before anything is retried. `onResume` hears of each first.
   */
  resume(
    options: Omit<ApplyOptions, 'requester' | 'kind' | 'planId' | 'thread'> & {
      onResume?: (run: RunRecord) => EngineListener | undefined;
    },
  ): Promise<RunResult[]>;
  observe(topology: Topology, options?: RefreshProgress): Promise<ObservedState>;
  /** The plan from the cloud as it is now to the topology. */
  plan(topology: Topology, options?: RefreshProgress): Promise<Plan>;
  /** Everything vpnbot created for the topology, deleted in reverse dependency order. */
  planDestroy(topology: Topology, options?: RefreshProgress): Promise<Plan>;
}

/** What a front end may hear of a refresh: its retries while the cloud does not answer. */
export type RefreshProgress = Pick<RefreshOptions, 'onRetry'>;

export const newRunId = () =>
  `run-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(4).toString('hex')}`;

/** An owner id for this process: host, pid and a random part (pids are reused). */
export const processOwner = () => `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;

export const DEFAULT_LEASE_MS = 60_000;

/**
 * Whether `owner` was a process on this host that is no longer running: its runs can be resumed at
 * once instead of after their lease. Owners elsewhere are judged by their lease alone.
 */
export function ownerIsGone(owner: string | undefined): boolean {
  if (owner === undefined) return true;
  const [host, pidText] = owner.split('/');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export function createEngine(options: EngineOptions): Engine {
  const pacing = options.pacing ?? realPacing();
  const locks = new KeyedLocks();
  const { store, cloud } = options;
  const owner = options.owner ?? processOwner();
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  // Leases are in real time (Date.now), whatever the pacing: they measure whether a process lives.
  const leaseFromNow = () => Date.now() + leaseMs;

  /** Listeners are isolated: a renderer that throws is logged; the step it reports on is unaffected. */
  const isolated =
    (listener: EngineListener | undefined): EngineListener =>
    (e) => {
      if (!listener) return;
      try {
        listener(e);
      } catch (err) {
        options.log?.warn({ err, event: e.type, runId: e.runId }, 'a progress listener threw; the run goes on');
      }
    };

  async function execute(
    plan: Plan,
    runId: string,
    kind: RunKind,
    resumed: boolean,
    opts: Omit<ApplyOptions, 'requester' | 'kind'>,
  ): Promise<RunResult> {
    const emit = isolated(opts.onEvent);
    const stop = heartbeatOf(runId);
    try {
      return await walkRun(plan, runId, kind, resumed, opts, emit);
    } finally {
      stop();
    }
  }

  async function walkRun(
    plan: Plan,
    runId: string,
    kind: RunKind,
    resumed: boolean,
    opts: Omit<ApplyOptions, 'requester' | 'kind'>,
    emit: EngineListener,
  ): Promise<RunResult> {
    const runner = new StepRunner({ cloud, store, pacing, locks, emit, maxAttempts: options.maxAttempts ?? 10 });
    const scope: RunScope = {
      runId,
      topology: plan.topology,
      outputs: new Map(),
      creating: new Set(plan.steps.filter((s) => s.action === 'create').map((s) => s.id)),
      settled: new Set(),
      tunnelsUp: new Set(),
    };
    const failures: StepFailure[] = [];
    const stops = [opts.signal, opts.suspend].filter((x): x is AbortSignal => x !== undefined);
    const signal = stops.length > 1 ? AbortSignal.any(stops) : stops[0];
    /** Suspended, not cancelled: what did not finish is left as it stands, for the resume. */
    const suspended = () => opts.suspend?.aborted === true && opts.signal?.aborted !== true;
    if (kind === 'apply')
      // Connections added beside one in service take its key (one key per pair of addresses).
      await keepKeysInService(plan, cloud, store, pacing).catch((err: unknown) =>
        options.log?.warn(
          { err, runId },
          'the key of a tunnel in service could not be read; new connections get new keys',
        ),
      );
    emit({
      type: 'run-started',
      runId,
      topology: plan.topology,
      kind,
      steps: plan.steps.length,
      sandbox: cloud.sandbox,
      resumed,
    });
    const outcomes = await walk(plan.steps, {
      parallelism: options.parallelism,
      ...(signal ? { signal } : {}),
      visit: (step, ctx) => runner.run(step, scope, ctx),
      onOutcome: (step, outcome) => {
        if (outcome.status === 'cancelled' && suspended()) return;
        if (outcome.status === 'skipped') {
          store.stepFinished(runId, step.id, 'skipped', pacing.now(), {
            code: 'engine.skipped',
            message: `skipped: ${outcome.because} failed`,
          });
          emit({ type: 'step-skipped', runId, stepId: step.id, because: outcome.because });
        } else if (outcome.status === 'cancelled') {
          store.stepFinished(runId, step.id, 'cancelled', pacing.now());
          emit({ type: 'step-cancelled', runId, stepId: step.id });
        } else if (outcome.status === 'failed') {
          failures.push(toStepFailure(step.id, outcome.error));
        }
      },
    });
    const count = (s: NodeOutcome['status']) => [...outcomes.values()].filter((o) => o.status === s).length;
    if (suspended() && count('cancelled') > 0) {
      // Released, not finished: the next start (any front end) resumes it without waiting for the lease.
      store.renewLease(runId, owner, Date.now());
      return { runId, topology: plan.topology, kind, status: 'running', outcomes, failures };
    }
    const status: RunStatus = count('failed') > 0 ? 'failed' : count('cancelled') > 0 ? 'cancelled' : 'succeeded';
    store.finishRun(runId, status, pacing.now());
    emit({
      type: 'run-finished',
      runId,
      status,
      succeeded: count('succeeded'),
      failed: count('failed'),
      skipped: count('skipped'),
      cancelled: count('cancelled'),
    });
    return { runId, topology: plan.topology, kind, status, outcomes, failures };
  }

  const refresh = (topology: Topology, o: RefreshProgress = {}) =>
    observeCloud(topology, cloud, store, pacing, undefined, {
      ...(options.refreshBudgetMs !== undefined ? { budgetMs: options.refreshBudgetMs } : {}),
      ...(o.onRetry ? { onRetry: o.onRetry } : {}),
    });

  /** Claims the topology for a new run, or throws engine.topology-busy naming the run that holds it. */
  function claim(plan: Plan, runId: string, kind: RunKind, opts: ApplyOptions): void {
    const claimed = store.claimRun({
      id: runId,
      topology: plan.topology,
      kind,
      plan,
      requester: opts.requester,
      startedAt: pacing.now(),
      owner,
      leaseUntil: leaseFromNow(),
      ...(opts.planId ? { planId: opts.planId } : {}),
      ...(opts.thread ? { thread: opts.thread } : {}),
    });
    if (!claimed.ok) {
      const h = claimed.holder;
      const live = h.leaseUntil > Date.now() && !ownerIsGone(h.owner);
      throw new VpnbotError(
        'engine.topology-busy',
        `topology "${plan.topology}" is ${live ? 'being changed by' : 'held by an interrupted'} ${h.kind} ${h.id}, requested by ${h.requester}${live ? '' : ' (it resumes at the next start or apply)'}`,
        {
          details: { runId: h.id, requester: h.requester, live, ...(h.thread ? { thread: h.thread } : {}) },
        },
      );
    }
  }

  /** Renews the run's lease while it lives (every third of it). */
  function heartbeatOf(runId: string): () => void {
    const heartbeat = setInterval(
      () => store.renewLease(runId, owner, leaseFromNow()),
      Math.max(1, Math.floor(leaseMs / 3)),
    );
    heartbeat.unref();
    return () => clearInterval(heartbeat);
  }

  return {
    cloud,
    async apply(plan, opts) {
      const runId = newRunId();
      const kind = opts.kind ?? (isDestroyPlan(plan) ? 'destroy' : 'apply');
      claim(plan, runId, kind, opts);
      return execute(plan, runId, kind, false, opts);
    },
    async exclusive(plan, opts, body) {
      const runId = newRunId();
      claim(plan, runId, opts.kind, opts);
      const emit = isolated(opts.onEvent);
      const stop = heartbeatOf(runId);
      try {
        emit({
          type: 'run-started',
          runId,
          topology: plan.topology,
          kind: opts.kind,
          steps: plan.steps.length,
          sandbox: cloud.sandbox,
          resumed: false,
        });
        let ended: ExclusiveResult;
        try {
          ended = await body({ runId, pacing, emit, ...(opts.signal ? { signal: opts.signal } : {}) });
        } catch (e) {
          // A fault the body did not turn into a step's failure: the run failed, its steps said so.
          const err =
            e instanceof VpnbotError ? e : new VpnbotError('engine.fault', String((e as Error)?.message ?? e));
          const outcomes = new Map<string, NodeOutcome>(
            plan.steps.map((x) => [x.id, { status: 'failed', error: err } as NodeOutcome]),
          );
          ended = { outcomes, failures: [toStepFailure(plan.steps[0]?.id ?? plan.topology, err)] };
        }
        const count = (st: NodeOutcome['status']) => [...ended.outcomes.values()].filter((o) => o.status === st).length;
        const status: RunStatus = count('failed') > 0 ? 'failed' : count('cancelled') > 0 ? 'cancelled' : 'succeeded';
        store.finishRun(runId, status, pacing.now());
        emit({
          type: 'run-finished',
          runId,
          status,
          succeeded: count('succeeded'),
          failed: count('failed'),
          skipped: count('skipped'),
          cancelled: count('cancelled'),
        });
        return {
          runId,
          topology: plan.topology,
          kind: opts.kind,
          status,
          outcomes: ended.outcomes,
          failures: ended.failures,
        };
      } finally {
        stop();
      }
    },
    async resume(opts) {
      const results: RunResult[] = [];
      const orphans = store.unfinishedRuns().filter((r) => r.leaseUntil <= Date.now() || ownerIsGone(r.owner));
      for (const run of orphans) {
        if (opts.signal?.aborted || opts.suspend?.aborted) break;
        // Another process may adopt it first: only the one whose update lands runs it.
        if (!store.adoptRun(run.id, owner, Date.now(), leaseFromNow(), run.owner)) continue;
        // A key rotation is not a walk of its steps: half done, it stands as it is (its keys are
        // stored as they go), and a new rotation is proposed to finish it.
        if (run.kind === 'rotate') {
          store.finishRun(run.id, 'cancelled', pacing.now());
          options.log?.warn({ runId: run.id, topology: run.topology }, 'an interrupted key rotation is not resumed');
          continue;
        }
        const listener = opts.onResume?.(run) ?? opts.onEvent;
        results.push(
          await execute(run.plan, run.id, run.kind, true, { ...opts, ...(listener ? { onEvent: listener } : {}) }),
        );
      }
      return results;
    },
    observe: (topology, o) => refresh(topology, o),
    async plan(topology, o) {
      return buildPlan(topology, await refresh(topology, o));
    },
    async planDestroy(topology, o) {
      return buildDestroyPlan(topology.name, topology.ike, await refresh(topology, o));
    },
  };
}
