/**
 * What the engine needs to remember, so that a run outlives the process. Implemented in storage/
 * (SQLite); the engine never sees SQL. Steps are recorded as started before the cloud call and
 * with their result after it.
 */
import type { Plan, StepKind } from '../planner/plan';
import type { RunKind, RunStatus } from './engine-events';

export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

export interface StepRecord {
  readonly runId: string;
  readonly stepId: string;
  readonly status: StepStatus;
  readonly attempts: number;
  readonly cloudId?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly requestId?: string;
}

/** Where a run reports its progress in chat (the plan's thread), so a restart can say so there. */
export interface RunThread {
  readonly channel: string;
  readonly ts: string;
}

export interface RunRecord {
  readonly id: string;
  readonly topology: string;
  readonly kind: RunKind;
  readonly status: RunStatus;
  readonly plan: Plan;
  readonly requester: string;
  readonly startedAt: number;
  readonly finishedAt?: number;
  /** The process executing the run; it renews `leaseUntil` while it lives. */
  readonly owner?: string;
  readonly leaseUntil: number;
  /** The approved plan record this run executes. */
  readonly planId?: string;
  readonly thread?: RunThread;
}

/** A new run, claimed for its owner until `leaseUntil`. */
export type NewRun = Omit<RunRecord, 'status' | 'finishedAt' | 'owner'> & { readonly owner: string };

/** Claiming a topology for a run: refused while another live run holds it, or a dead one waits to be resumed. */
export type ClaimResult = { ok: true } | { ok: false; holder: RunRecord };

/** `created` by vpnbot; `adopted` by id from the topology; `external`: found in place, left as is. */
export type ResourceOrigin = 'created' | 'adopted' | 'external';

export interface ResourceRecord {
  readonly topology: string;
  readonly stepId: string;
  /** The site the resource belongs to; null for the topology-wide CEN instance. */
  readonly site: string | null;
  readonly kind: StepKind;
  readonly region: string;
  readonly cloudId: string;
  readonly origin: ResourceOrigin;
  readonly outputs: Readonly<Record<string, string>>;
}

export interface EngineStore {
  /**
   * Records a new run and claims its topology, in one atomic change: refused (nothing written) while
   * another run of the topology is unfinished, live or not (a dead one is resumed, not overtaken).
   */
  claimRun(run: NewRun): ClaimResult;
  /**
   * Takes over an unfinished run whose owner is gone: its lease expired, or it is still held by
   * `deadOwner`, a process known to have died. False when another process got it first, or it is done.
   */
  adoptRun(runId: string, owner: string, now: number, leaseUntil: number, deadOwner?: string): boolean;
  /** The owner renews its lease while it runs. */
  renewLease(runId: string, owner: string, leaseUntil: number): void;
  finishRun(runId: string, status: RunStatus, at: number): void;
  /** Every unfinished run, live or not (the engine resumes those whose owner is gone). */
  unfinishedRuns(): RunRecord[];
  run(runId: string): RunRecord | undefined;
  step(runId: string, stepId: string): StepRecord | undefined;
  stepStarted(runId: string, stepId: string, at: number): void;
  stepCloudId(runId: string, stepId: string, cloudId: string): void;
  stepFinished(
    runId: string,
    stepId: string,
    status: StepStatus,
    at: number,
    error?: { code: string; message: string; requestId?: string },
  ): void;
  putResource(r: ResourceRecord, at: number): void;
  resourceDeleted(topology: string, stepId: string, at: number): void;
  resources(topology: string): ResourceRecord[];
  /** Secrets are encrypted at rest by the store. */
  secret(topology: string, name: string): string | undefined;
  putSecret(topology: string, name: string, value: string): void;
}
