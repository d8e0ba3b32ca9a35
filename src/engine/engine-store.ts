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

export interface RunRecord {
  readonly id: string;
  readonly topology: string;
  readonly kind: RunKind;
  readonly status: RunStatus;
  readonly plan: Plan;
  readonly requester: string;
  readonly startedAt: number;
  readonly finishedAt?: number;
}

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
  createRun(run: Omit<RunRecord, 'status' | 'finishedAt'>): void;
  finishRun(runId: string, status: RunStatus, at: number): void;
  unfinishedRuns(): RunRecord[];
  step(runId: string, stepId: string): StepRecord | undefined;
  stepStarted(runId: string, stepId: string, at: number): void;
  stepCloudId(runId: string, stepId: string, cloudId: string): void;
  stepFinished(runId: string, stepId: string, status: StepStatus, at: number, error?: { code: string; message: string; requestId?: string }): void;
  putResource(r: ResourceRecord, at: number): void;
  resourceDeleted(topology: string, stepId: string, at: number): void;
  resources(topology: string): ResourceRecord[];
  /** Secrets are encrypted at rest by the store. */
  secret(topology: string, name: string): string | undefined;
  putSecret(topology: string, name: string, value: string): void;
}
