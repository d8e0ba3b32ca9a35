/**
 * The provisioning engine: applies plans (create, adopt, keep, delete) on a DAG walk with bounded
 * parallelism and per-object locks, records everything through the store, resumes runs a crash
 * left unfinished, and refreshes what the cloud holds for the planner.
 */
import { randomBytes } from 'node:crypto';
import { walk, type NodeOutcome } from '../dag/walk';
import type { CloudApi } from '../cloud/cloud-api';
import { buildDestroyPlan, buildPlan } from '../planner/build-plan';
import type { ObservedState } from '../planner/observed';
import type { Plan } from '../planner/plan';
import type { Topology } from '../topology/model';
import type { EngineListener, RunKind, RunStatus } from './engine-events';
import type { EngineStore } from './engine-store';
import { KeyedLocks } from './keyed-locks';
import { observeCloud } from './observe-cloud';
import { realPacing, type Pacing } from './retry-policy';
import { toStepFailure, type StepFailure } from './step-failure';
import { StepRunner, type RunScope } from './step-runner';

export interface EngineOptions {
  readonly cloud: CloudApi;
  readonly store: EngineStore;
  readonly parallelism: number;
  readonly pacing?: Pacing;
  readonly maxAttempts?: number;
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
  readonly signal?: AbortSignal;
  readonly onEvent?: EngineListener;
}

export interface Engine {
  readonly cloud: CloudApi;
  apply(plan: Plan, options: ApplyOptions): Promise<RunResult>;
  /** Continues every run a crash left unfinished; steps recorded as started are described before anything is retried. */
  resume(options: Omit<ApplyOptions, 'requester' | 'kind'>): Promise<RunResult[]>;
  observe(topology: Topology): Promise<ObservedState>;
  /** The plan from the cloud as it is now to the topology. */
  plan(topology: Topology): Promise<Plan>;
  /** Everything vpnbot created for the topology, deleted in reverse dependency order. */
  planDestroy(topology: Topology): Promise<Plan>;
}

export const newRunId = () => `run-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(4).toString('hex')}`;

export function createEngine(options: EngineOptions): Engine {
  const pacing = options.pacing ?? realPacing();
  const locks = new KeyedLocks();
  const { store, cloud } = options;

  async function execute(plan: Plan, runId: string, kind: RunKind, resumed: boolean, opts: Omit<ApplyOptions, 'requester' | 'kind'>): Promise<RunResult> {
    const emit: EngineListener = (e) => opts.onEvent?.(e);
    const runner = new StepRunner({ cloud, store, pacing, locks, emit, maxAttempts: options.maxAttempts ?? 10 });
    const scope: RunScope = { runId, topology: plan.topology, outputs: new Map() };
    const failures: StepFailure[] = [];
    emit({ type: 'run-started', runId, topology: plan.topology, kind, steps: plan.steps.length, sandbox: cloud.sandbox, resumed });
    const outcomes = await walk(plan.steps, {
      parallelism: options.parallelism,
      ...(opts.signal ? { signal: opts.signal } : {}),
      visit: (step, ctx) => runner.run(step, scope, ctx),
      onOutcome: (step, outcome) => {
        if (outcome.status === 'skipped') {
          store.stepFinished(runId, step.id, 'skipped', pacing.now(), { code: 'engine.skipped', message: `skipped: ${outcome.because} failed` });
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
    const status: RunStatus = count('failed') > 0 ? 'failed' : count('cancelled') > 0 ? 'cancelled' : 'succeeded';
    store.finishRun(runId, status, pacing.now());
    emit({ type: 'run-finished', runId, status, succeeded: count('succeeded'), failed: count('failed'), skipped: count('skipped'), cancelled: count('cancelled') });
    return { runId, topology: plan.topology, kind, status, outcomes, failures };
  }

  return {
    cloud,
    async apply(plan, opts) {
      const runId = newRunId();
      const kind = opts.kind ?? (plan.steps.length > 0 && plan.steps.every((s) => s.action === 'delete') ? 'destroy' : 'apply');
      store.createRun({ id: runId, topology: plan.topology, kind, plan, requester: opts.requester, startedAt: pacing.now() });
      return execute(plan, runId, kind, false, opts);
    },
    async resume(opts) {
      const results: RunResult[] = [];
      for (const run of store.unfinishedRuns()) results.push(await execute(run.plan, run.id, run.kind, true, opts));
      return results;
    },
    observe: (topology) => observeCloud(topology, cloud, store, pacing),
    async plan(topology) {
      return buildPlan(topology, await observeCloud(topology, cloud, store, pacing));
    },
    async planDestroy(topology) {
      return buildDestroyPlan(topology.name, topology.ike, await observeCloud(topology, cloud, store, pacing));
    },
  };
}
