/**
 * Everything vpnbot remembers, as the application sees it: the engine's store plus topologies,
 * plans and their approval, and the audit log. Implemented on SQLite in storage/.
 */
import type { EngineStore, RunRecord, RunThread, StepRecord } from '../engine/engine-store';
import type { Plan } from '../planner/plan';
import type { Rotation } from './rotation-plan';
import type { PingMatrix } from '../probe/ping-matrix';
import type { Topology } from '../topology/model';

export type PlanStatus = 'pending' | 'approved' | 'rejected' | 'expired' | 'applied' | 'failed' | 'superseded';

export interface PlanRecord {
  readonly id: string;
  readonly topology: string;
  readonly hash: string;
  readonly text: string;
  readonly plan: Plan;
  readonly requester: string;
  readonly status: PlanStatus;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** The topology the plan was made for: stored when the plan runs. */
  readonly document?: Topology;
  /** The chat message showing the plan, once posted. */
  readonly message?: { readonly channel: string; readonly ts: string };
  /** A key rotation: its stages; `plan` then holds the connections it touches, kept as they are. */
  readonly rotation?: Rotation;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly detail: Record<string, unknown>;
}

/**
 * `approved: false` while a plan that needs several approvals waits for more; `approvers` lists
 * who approved so far.
 */
export type DecisionResult =
  | { ok: true; approved: boolean; approvers: readonly string[] }
  | {
      ok: false;
      reason: 'not-found' | 'already-decided' | 'expired' | 'hash-mismatch' | 'already-approved-by-you';
      status?: PlanStatus;
    };

/**
 * What started a measurement: the end of an apply, a user, the schedule, a row pasted from on
 * premises, or a key rotation checking the matrix between its steps.
 */
export type MeasurementTrigger = 'apply' | 'manual' | 'scheduled' | 'pasted' | 'rotation';

export interface MeasurementRecord {
  readonly id: number;
  readonly topology: string;
  readonly trigger: MeasurementTrigger;
  /** The first measurement after a successful apply: what later RTTs are compared with. */
  readonly baseline: boolean;
  readonly matrix: PingMatrix;
}

/** One tunnel of the checklist of a device vpnbot waits for: what the cloud said of it at the last check. */
export interface TunnelCheck {
  readonly connectionId: string;
  readonly connection: string;
  readonly role: 'master' | 'slave';
  readonly tunnelId: string;
  /** The cloud gateway's address this tunnel negotiates from. */
  readonly cloudAddress: string;
  readonly status: string;
  readonly up: boolean;
  /** When it was first seen up. */
  readonly upAt?: number;
  /** The last diagnosis posted for it, and when (a changed one is posted again). */
  readonly diagnosis?: string;
  readonly diagnosedAt?: number;
}

/**
 * The wait for an on-premises site's device, opened when an apply finished its cloud side: every
 * tunnel to the device, ticked as it comes up. Finished when all are up.
 */
export interface DeviceWait {
  readonly topology: string;
  readonly site: string;
  readonly deviceAddress: string;
  readonly runId?: string;
  /** The plan's thread, where the checklist and what follows are posted. */
  readonly thread?: RunThread;
  /** The checklist message, edited as tunnels come up. */
  readonly checklist?: RunThread;
  readonly startedAt: number;
  readonly finishedAt?: number;
  readonly tunnels: readonly TunnelCheck[];
}

export interface AppStore extends EngineStore {
  saveTopology(t: Topology, at: number): void;
  topology(name: string): Topology | undefined;
  topologies(): Topology[];
  savePlan(p: Omit<PlanRecord, 'status'>): void;
  plan(id: string): PlanRecord | undefined;
  /**
   * Approve or reject, bound to the plan's hash, in one atomic change, so double clicks cannot
   * apply twice: a rejection decides the plan; approvals count one per approver until `required`,
   * except those in `notCounted` (approvals recorded earlier that the policy no longer allows).
   */
  decide(
    planId: string,
    approver: string,
    decision: 'approve' | 'reject',
    hash: string,
    at: number,
    required?: number,
    notCounted?: ReadonlySet<string>,
  ): DecisionResult;
  /** Who approved the plan so far, in order (whether or not their approval still counts). */
  approvers(planId: string): string[];
  markPlan(planId: string, status: PlanStatus): void;
  /** Marks every pending plan past its expiry expired, in one change; those plans, as they were. */
  expirePlans(now: number): PlanRecord[];
  /** Remembers where the plan was posted (its thread is the run's). */
  planMessage(planId: string, channel: string, ts: string): void;
  /** Marks the topology's other pending plans superseded (a newer plan replaces them); their ids. */
  supersede(topology: string, exceptPlanId: string): string[];
  runs(topology?: string, limit?: number): RunRecord[];
  steps(runId: string): StepRecord[];
  saveMeasurement(m: Omit<MeasurementRecord, 'id'>): number;
  /** Newest first. */
  measurements(topology: string, limit?: number): MeasurementRecord[];
  /** The latest measurement flagged as baseline. */
  baselineOf(topology: string): MeasurementRecord | undefined;
  audit(actor: string, action: string, subject: string, detail: Record<string, unknown>, at: number): void;
  /**
   * Remembers `key` (a signed request's signature) until `until` (seconds), forgetting those past
   * `now`: true the first time, false for a replay, across restarts and processes on one database.
   */
  firstSeen(key: string, until: number, now: number): boolean;
  /** Opens or updates the wait for a site's device (one per topology and site). */
  saveDeviceWait(w: DeviceWait): void;
  /** Waits still open (all of them, or a topology's), oldest first. */
  openDeviceWaits(topology?: string): DeviceWait[];
  deviceWait(topology: string, site: string): DeviceWait | undefined;
  /** A key rotation's new key, in place of the old one (encrypted at rest, as every secret). */
  replaceSecret(topology: string, name: string, value: string): void;
  auditLog(limit?: number): AuditEntry[];
}
