/**
 * The planner: (desired topology, observed cloud state) -> Plan. The steps a topology needs come
 * from desired-steps.ts (the rules of ikev1-rules.ts); each is matched with what the cloud holds
 * (reconcile.ts); resources tagged for the topology that are no longer desired become deletes
 * (delete-order.ts). The plan's hash binds approvals to exactly this plan (plan-hash.ts).
 */
import type { Topology } from '../topology/model';
import { deleteSteps } from './delete-order';
import { DEFAULT_PLANNER_OPTIONS, desiredSteps, type PlannerOptions } from './desired-steps';
import { gatewayKinds } from './gateway-kinds';
import { TAG_STEP, TAG_TOPOLOGY, type ObservedState } from './observed';
import { summarize, type Plan, type Step } from './plan';
import { planHash } from './plan-hash';
import { adoptedId, equivalentExternal } from './reconcile';

export { DEFAULT_PLANNER_OPTIONS, type PlannerOptions } from './desired-steps';
export { planHash } from './plan-hash';

function assemble(topology: string, ike: 'v1' | 'v2', steps: Step[]): Plan {
  return { topology, ike, hash: planHash(topology, steps), steps, summary: summarize(steps) };
}

export function buildPlan(
  topology: Topology,
  observed: ObservedState,
  options: PlannerOptions = DEFAULT_PLANNER_OPTIONS,
): Plan {
  const desired = desiredSteps(topology, options, gatewayKinds(topology, observed), observed.cenEdition);
  const byStepTag = new Map(
    observed.resources
      .filter((r) => r.tags[TAG_TOPOLOGY] === topology.name && r.tags[TAG_STEP] !== undefined)
      .map((r) => [r.tags[TAG_STEP]!, r]),
  );
  const steps = desired.map((d): Step => {
    const base = {
      id: d.id,
      kind: d.kind,
      site: d.site,
      region: d.region,
      dependsOn: [...d.dependsOn].sort(),
      params: d.params,
      refs: d.refs,
    } as Omit<Step, 'action'>;
    const adopted = adoptedId(topology, d, observed);
    if (adopted) return { ...base, action: 'adopt', cloudId: adopted, external: true } as Step;
    const mine = byStepTag.get(d.id);
    if (mine) return { ...base, action: 'keep', cloudId: mine.id } as Step;
    const external = equivalentExternal(topology, d, observed);
    if (external) return { ...base, action: 'keep', cloudId: external.id, external: true } as Step;
    return { ...base, action: 'create' } as Step;
  });
  return assemble(topology.name, topology.ike, [
    ...steps,
    ...deleteSteps(topology.name, observed, new Set(desired.map((d) => d.id))),
  ]);
}

/** Everything vpnbot created for a topology, deleted in reverse dependency order. Adopted and external resources are not touched. */
export function buildDestroyPlan(topology: string, ike: 'v1' | 'v2', observed: ObservedState): Plan {
  return assemble(topology, ike, deleteSteps(topology, observed, new Set()));
}
