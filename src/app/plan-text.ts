/** A plan as people read it: the changes (render-plan.ts), then the reachability they would give. */
import { isDestroyPlan, type Plan } from '../planner/plan';
import { renderPlan } from '../planner/render-plan';
import { modelFromPlan } from '../reachability/network-model';
import { predictMatrix, renderPrediction } from '../reachability/predict';
import type { Topology } from '../topology/model';

export function planText(plan: Plan, topology: Topology): string {
  const changes = renderPlan(plan, topology);
  // A destroy leaves nothing to reach; predicting it would only list every pair as unreachable.
  if (isDestroyPlan(plan)) return changes;
  return `${changes}\n\n${renderPrediction(predictMatrix(modelFromPlan(plan, topology)))}`;
}
