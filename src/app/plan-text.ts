/** A plan as people read it: the changes (render-plan.ts), then the reachability they would give. */
import { isDestroyPlan, type Plan } from '../planner/plan';
import { renderPlan } from '../planner/render-plan';
import { modelFromPlan } from '../reachability/network-model';
import { predictMatrix, renderPrediction, type PairPrediction } from '../reachability/predict';
import type { Topology } from '../topology/model';

/** What the plan would connect; none for a destroy (it leaves nothing to reach). */
export function predictPlan(plan: Plan, topology: Topology): PairPrediction[] {
  return isDestroyPlan(plan) ? [] : predictMatrix(modelFromPlan(plan, topology));
}

export function planText(
  plan: Plan,
  topology: Topology,
  prediction: readonly PairPrediction[] = predictPlan(plan, topology),
): string {
  const changes = renderPlan(plan, topology);
  return isDestroyPlan(plan) ? changes : `${changes}\n\n${renderPrediction(prediction)}`;
}
