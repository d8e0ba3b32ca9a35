/**
 * A generic DAG walker (after Terraform's internal/dag): a node runs once every node it depends on
 * has succeeded; at most `parallelism` visits hold a slot at once; a failure skips everything
 * downstream of it (only the root cause is reported as failed); an abort leaves the nodes not yet
 * started as `cancelled`, never silently dropped. Knows nothing of clouds.
 */
import { Turnstile } from './turnstile';

export interface DagNode {
  readonly id: string;
  readonly dependsOn: readonly string[];
}

export type NodeOutcome =
  | { readonly status: 'succeeded' }
  | { readonly status: 'failed'; readonly error: unknown }
  | { readonly status: 'skipped'; readonly because: string }
  | { readonly status: 'cancelled' };

export interface VisitContext {
  readonly signal: AbortSignal;
  /**
   * Runs `wait` without holding a parallelism slot, for waits on things other nodes bring about
   * (a tunnel needs its mirror on the peer), so that waiting nodes cannot starve the ones they wait for.
   */
  outsideSlot<T>(wait: () => Promise<T>): Promise<T>;
}

export interface WalkOptions<N extends DagNode> {
  readonly parallelism: number;
  readonly signal?: AbortSignal;
  readonly visit: (node: N, ctx: VisitContext) => Promise<void>;
  /** Called as each node reaches its outcome, in order of completion. */
  readonly onOutcome?: (node: N, outcome: NodeOutcome) => void;
}

export class DagCycleError extends Error {
  constructor(readonly cycle: readonly string[]) {
    super(`dependency cycle: ${cycle.join(' -> ')}`);
  }
}

/** Checks the graph: unknown dependencies and cycles are programming errors. */
export function checkDag(nodes: readonly DagNode[]): void {
  const ids = new Map(nodes.map((n) => [n.id, n]));
  for (const n of nodes)
    for (const d of n.dependsOn) if (!ids.has(d)) throw new Error(`node ${n.id} depends on unknown node ${d}`);
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const dfs = (id: string): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new DagCycleError([...stack.slice(stack.indexOf(id)), id]);
    state.set(id, 'visiting');
    stack.push(id);
    for (const d of ids.get(id)!.dependsOn) dfs(d);
    stack.pop();
    state.set(id, 'done');
  };
  for (const n of nodes) dfs(n.id);
}

export async function walk<N extends DagNode>(
  nodes: readonly N[],
  options: WalkOptions<N>,
): Promise<Map<string, NodeOutcome>> {
  checkDag(nodes);
  const signal = options.signal ?? new AbortController().signal;
  const outcomes = new Map<string, NodeOutcome>();
  const slots = new Turnstile(options.parallelism);
  const dependents = new Map<string, N[]>(nodes.map((n) => [n.id, []]));
  for (const n of nodes) for (const d of n.dependsOn) dependents.get(d)!.push(n);
  const remaining = new Map(nodes.map((n) => [n.id, n.dependsOn.length]));
  // Visits in flight. The walk ends when the count falls to zero; a child starts inside its parent's
  // visit, before the parent leaves, so the count cannot touch zero while work remains. (Waiting with
  // Promise.race over the running visits instead leaks: each race adds a reaction to every visit
  // still running, and long visits (a gateway's minutes) gathered millions of them: 140 MB at 50 sites.)
  let running = 0;
  let allDone: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    allDone = resolve;
  });

  const settle = (node: N, outcome: NodeOutcome) => {
    outcomes.set(node.id, outcome);
    options.onOutcome?.(node, outcome);
  };
  const skipDownstream = (node: N, rootCause: string) => {
    for (const child of dependents.get(node.id)!) {
      if (outcomes.has(child.id)) continue;
      settle(child, { status: 'skipped', because: rootCause });
      skipDownstream(child, rootCause);
    }
  };

  const start = (node: N): void => {
    const task = (async () => {
      await slots.acquire();
      let holding = true;
      const ctx: VisitContext = {
        signal,
        outsideSlot: async (wait) => {
          slots.release();
          holding = false;
          try {
            return await wait();
          } finally {
            await slots.acquire();
            holding = true;
          }
        },
      };
      try {
        if (signal.aborted) {
          settle(node, { status: 'cancelled' });
          return;
        }
        await options.visit(node, ctx);
        settle(node, { status: 'succeeded' });
        for (const child of dependents.get(node.id)!) {
          const left = remaining.get(child.id)! - 1;
          remaining.set(child.id, left);
          if (left === 0 && !outcomes.has(child.id)) start(child);
        }
      } catch (error) {
        settle(node, signal.aborted ? { status: 'cancelled' } : { status: 'failed', error });
        if (!signal.aborted) skipDownstream(node, node.id);
      } finally {
        if (holding) slots.release();
      }
    })();
    running++;
    void task.finally(() => {
      running--;
      if (running === 0) allDone();
    });
  };

  for (const n of nodes) if (n.dependsOn.length === 0) start(n);
  if (running > 0) await finished;
  for (const n of nodes) if (!outcomes.has(n.id)) settle(n, { status: 'cancelled' });
  return outcomes;
}
