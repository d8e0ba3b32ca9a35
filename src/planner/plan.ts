/** The plan: a DAG of steps that turns observed cloud state into the desired topology. */
import type { Ref, StepParams, StepRefs } from './step-params';

export type { Ref } from './step-params';

/**
 * Step kinds, in the order resources are built (and rendered). Adding a kind here makes the
 * compiler ask for its parameters (step-params.ts), its policy (step-catalogue.ts) and its driver.
 */
export const STEP_KINDS = [
  'vpc',
  'vswitch',
  'vpn-gateway',
  'customer-gateway',
  'ipsec-connection',
  'route-entry',
  'cen',
  'cen-attachment',
  'cen-route-publish',
  'transit-router',
  'tr-vpc-attachment',
  'tr-association',
  'tr-propagation',
  'tr-peer-attachment',
  'tr-vpc-route',
  'tr-advertisement',
  'security-group',
  'security-group-rule',
  'security-group-rules',
  'ecs-instance',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/**
 * - `create`: does not exist yet; vpnbot creates and owns it.
 * - `adopt`: exists, named by the user under `existing:`; used, never changed or deleted.
 * - `keep`: exists as desired (created by vpnbot earlier, or found already in place); nothing to do.
 * - `delete`: created by vpnbot for this topology and no longer desired.
 */
export const ACTIONS = ['create', 'adopt', 'keep', 'delete'] as const;
export type Action = (typeof ACTIONS)[number];

interface StepCommon<K extends StepKind> {
  /** Stable across runs: same topology, same id (see step-ids.ts). Also the `vpnbot:step` tag on the resource. */
  readonly id: string;
  readonly kind: K;
  /** The site the resource belongs to; null for topology-wide resources (the CEN instance). */
  readonly site: string | null;
  readonly region: string;
  readonly dependsOn: readonly string[];
  /** The cloud id, for steps on resources that exist (adopt, keep, delete). */
  readonly cloudId?: string;
  /** Not created by vpnbot: never modified or deleted. */
  readonly external?: boolean;
}

/** A step towards the desired topology: its parameters and references are those of its kind. */
export interface DesiredStepOf<K extends StepKind> extends StepCommon<K> {
  readonly action: 'create' | 'adopt' | 'keep';
  readonly params: StepParams<K>;
  readonly refs: StepRefs<K>;
}

/** A resource vpnbot created that is no longer desired: known by its cloud id alone. */
export interface DeleteStepOf<K extends StepKind> extends StepCommon<K> {
  readonly action: 'delete';
  readonly params: Readonly<Record<never, never>>;
  readonly refs: Readonly<Record<never, never>>;
  readonly cloudId: string;
}

export type StepOf<K extends StepKind> = DesiredStepOf<K> | DeleteStepOf<K>;

/** Any desired step, discriminated by `kind`: `step.kind === 'vpc'` types `step.params`. */
export type DesiredStep = { [K in StepKind]: DesiredStepOf<K> }[StepKind];
export type DeleteStep = { [K in StepKind]: DeleteStepOf<K> }[StepKind];

/** Discriminated by `kind` and `action`: `step.kind === 'vpc' && step.action !== 'delete'` types `step.params`. */
export type Step = DesiredStep | DeleteStep;

export interface PlanSummary {
  readonly create: number;
  readonly adopt: number;
  readonly keep: number;
  readonly delete: number;
}

export interface Plan {
  readonly topology: string;
  readonly ike: 'v1' | 'v2';
  /** SHA-256 of the canonical plan: same input, same hash. Approvals are bound to it. */
  readonly hash: string;
  readonly steps: readonly Step[];
  readonly summary: PlanSummary;
}

/** A plan that only deletes (a destroy or a rollback): its run is a `destroy`. */
export function isDestroyPlan(plan: Plan): boolean {
  return plan.steps.length > 0 && plan.steps.every((s) => s.action === 'delete');
}

/** The references a step reads, whatever its kind. */
export function refsOf(step: Step): readonly Ref[] {
  return Object.values(step.refs as Readonly<Record<string, Ref | undefined>>).filter((r): r is Ref => r !== undefined);
}

export function summarize(steps: readonly Step[]): PlanSummary {
  const out = { create: 0, adopt: 0, keep: 0, delete: 0 };
  for (const s of steps) out[s.action]++;
  return out;
}

/** A plan changes the cloud when it creates or deletes anything. */
export function hasChanges(plan: Plan): boolean {
  return plan.summary.create + plan.summary.delete > 0;
}
