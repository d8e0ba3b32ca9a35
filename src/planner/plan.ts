/** The plan: a DAG of steps that turns observed cloud state into the desired topology. */

/** Step kinds, in the order resources are built (and rendered). */
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
  'security-group',
  'security-group-rule',
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

export type ParamValue = string | number | boolean | readonly string[] | null;

/** A value only known once another step has run: that step's output (its `id`, `routeTableId`, ...). */
export interface Ref {
  readonly step: string;
  readonly output: string;
}

export interface Step {
  /** Stable across runs: same topology, same id. Also the `vpnbot:step` tag on the resource. */
  readonly id: string;
  readonly kind: StepKind;
  /** The site the resource belongs to; null for topology-wide resources (the CEN instance). */
  readonly site: string | null;
  readonly region: string;
  readonly action: Action;
  readonly dependsOn: readonly string[];
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly refs: Readonly<Record<string, Ref>>;
  /** The cloud id, for steps on resources that exist (adopt, keep, delete). */
  readonly cloudId?: string;
  /** Not created by vpnbot: never modified or deleted. */
  readonly external?: boolean;
}

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

export function summarize(steps: readonly Step[]): PlanSummary {
  const count = (a: Action) => steps.filter((s) => s.action === a).length;
  return { create: count('create'), adopt: count('adopt'), keep: count('keep'), delete: count('delete') };
}

/** A plan changes the cloud when it creates or deletes anything. */
export function hasChanges(plan: Plan): boolean {
  return plan.summary.create + plan.summary.delete > 0;
}
