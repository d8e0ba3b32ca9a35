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
import { summarize, type DesiredStep, type Plan, type Step } from './plan';
import { planHash } from './plan-hash';
import { adoptedId, equivalentExternal } from './reconcile';
import { parseRuleSetId, ruleSetDigest } from './rule-set';

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
  const desired = desiredSteps(
    topology,
    options,
    gatewayKinds(topology, observed),
    observed.cenEdition,
    observed.probeTypes,
  );
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
    if (mine && isAsDesired(d, mine.id)) return { ...base, action: 'keep', cloudId: mine.id } as Step;
    const external = equivalentExternal(topology, d, observed);
    if (external) return { ...base, action: 'keep', cloudId: external.id, external: true } as Step;
    return { ...base, action: 'create' } as Step;
  });
  const deletes = deleteSteps(topology.name, observed, new Set(desired.map((d) => d.id)));
  return assemble(topology.name, topology.ike, [...inNewGroups(steps), ...afterRuleSets(deletes, steps)]);
}

/** A rule set whose security group the plan creates says so: nothing of an earlier set can be in it. */
function inNewGroups(steps: readonly Step[]): Step[] {
  const created = new Set(steps.filter((s) => s.kind === 'security-group' && s.action === 'create').map((s) => s.id));
  return steps.map((s) =>
    s.kind === 'security-group-rules' && s.action === 'create' && created.has(s.refs.securityGroupId.step)
      ? { ...s, params: { ...s.params, inNewGroup: true } }
      : s,
  );
}

/**
 * Whether the resource found for a step is the one the step asks for. A rule set's id names the
 * rules it was made with (rule-set.ts): a topology that now admits other sources creates the set
 * again, which converges the group on the new rules. Other kinds are matched by their step alone.
 */
function isAsDesired(d: DesiredStep, cloudId: string): boolean {
  return d.kind !== 'security-group-rules' || parseRuleSetId(cloudId).digest === ruleSetDigest(d.params.rules);
}

/**
 * A rule made one step each by an earlier version is revoked only once its site's rule set is in
 * place (the set's rules stand beside it: desired-steps.ts's RULE_SET_PRIORITY), so moving a
 * topology to rule sets never closes a way the plan keeps open.
 */
function afterRuleSets(deletes: readonly Step[], steps: readonly Step[]): Step[] {
  const sets = new Map(
    steps.filter((s) => s.kind === 'security-group-rules' && s.action === 'create').map((s) => [s.site, s.id]),
  );
  return deletes.map((d) => {
    const set = d.kind === 'security-group-rule' ? sets.get(d.site) : undefined;
    return set ? { ...d, dependsOn: [...d.dependsOn, set].sort() } : d;
  });
}

/** Everything vpnbot created for a topology, deleted in reverse dependency order. Adopted and external resources are not touched. */
export function buildDestroyPlan(topology: string, ike: 'v1' | 'v2', observed: ObservedState): Plan {
  return assemble(topology, ike, deleteSteps(topology, observed, new Set()));
}
