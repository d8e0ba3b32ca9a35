/**
 * A topological order of a DAG (Kahn's algorithm): every node after the nodes it depends on.
 * Dependencies on ids not in the graph are ignored (a partial view of a plan). Throws
 * DagCycleError on a cycle, which the planner never makes.
 */
import { DagCycleError, type DagNode } from './walk';

export function topoOrder<N extends DagNode>(nodes: readonly N[]): N[] {
  const ids = new Set(nodes.map((n) => n.id));
  const inGraph = (n: N) => n.dependsOn.filter((d) => ids.has(d) && d !== n.id);
  const waiting = new Map(nodes.map((n) => [n.id, inGraph(n).length]));
  const dependents = new Map<string, N[]>();
  for (const n of nodes) {
    for (const d of inGraph(n)) {
      const list = dependents.get(d);
      if (list) list.push(n);
      else dependents.set(d, [n]);
    }
  }
  const out = nodes.filter((n) => waiting.get(n.id) === 0);
  for (let i = 0; i < out.length; i++) {
    for (const m of dependents.get(out[i]!.id) ?? []) {
      const left = waiting.get(m.id)! - 1;
      waiting.set(m.id, left);
      if (left === 0) out.push(m);
    }
  }
  if (out.length !== nodes.length)
    throw new DagCycleError(nodes.filter((n) => waiting.get(n.id)! > 0).map((n) => n.id));
  return out;
}
