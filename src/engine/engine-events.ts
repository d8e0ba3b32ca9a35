/** Progress of a run, as typed events: the Slack and console front ends render these. */
import type { Action, StepKind } from '../planner/plan';

/** `rotate`: a key rotation, run by src/app/key-rotation.ts, one tunnel at a time. */
export type RunKind = 'apply' | 'destroy' | 'rotate';
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export type EngineEvent =
  | {
      readonly type: 'run-started';
      readonly runId: string;
      readonly topology: string;
      readonly kind: RunKind;
      readonly steps: number;
      readonly sandbox: boolean;
      readonly resumed: boolean;
    }
  | {
      readonly type: 'step-started';
      readonly runId: string;
      readonly stepId: string;
      readonly kind: StepKind;
      readonly action: Action;
    }
  | { readonly type: 'step-waiting'; readonly runId: string; readonly stepId: string; readonly detail: string }
  | {
      readonly type: 'step-retrying';
      readonly runId: string;
      readonly stepId: string;
      readonly attempt: number;
      readonly delayMs: number;
      readonly code: string;
      readonly message: string;
    }
  /** `note`: something the user must know although the step is done (a tunnel waiting for an on-premises device). */
  | {
      readonly type: 'step-succeeded';
      readonly runId: string;
      readonly stepId: string;
      readonly cloudId: string;
      readonly note?: string;
    }
  | {
      readonly type: 'step-failed';
      readonly runId: string;
      readonly stepId: string;
      readonly code: string;
      readonly message: string;
      readonly requestId?: string;
    }
  | { readonly type: 'step-skipped'; readonly runId: string; readonly stepId: string; readonly because: string }
  /** Something a run says as a whole (a key rotation's stage done, and the matrix checked after it). */
  | { readonly type: 'run-note'; readonly runId: string; readonly note: string }
  | { readonly type: 'step-cancelled'; readonly runId: string; readonly stepId: string }
  | {
      readonly type: 'run-finished';
      readonly runId: string;
      readonly status: RunStatus;
      readonly succeeded: number;
      readonly failed: number;
      readonly skipped: number;
      readonly cancelled: number;
    };

export type EngineListener = (event: EngineEvent) => void;
