/**
 * Apply benchmarks against `vpnbot emulator` in a process of its own (as the cloud is elsewhere in
 * production), through the real SDK clients: wall time over the plan's critical path (the longest
 * chain of dependent steps, each weighed by how long it took in this very run), cloud API calls per
 * created resource, and the engine's process's peak memory.
 */
import { createAlibabaCloud } from '../cloud/alibaba/alibaba-cloud';
import { CONTROL_PREFIX } from '../emulator/server/control-api';
import { tallyCloud, tallyDelta } from './cloud-tally';
import { startEmulatorProcess } from './emulator-process';
import { createEngine } from '../engine/create-engine';
import { createMemoryStore } from '../engine/memory-store';
import { realPacing } from '../engine/retry-policy';
import type { Plan } from '../planner/plan';
import type { Topology } from '../topology/model';

export interface ApplyBenchResult {
  readonly name: string;
  readonly steps: number;
  /** Resources the apply created, counted in the cloud (cloud-tally.ts): each security-group rule one. */
  readonly created: number;
  /** The calls the cloud answered during the apply, by action, most first. */
  readonly callsByAction: Readonly<Record<string, number>>;
  readonly wallMs: number;
  readonly criticalPathMs: number;
  readonly apiCalls: number;
  /** Describe* calls: reads, mostly polls for a state. */
  readonly readCalls: number;
  /** Highest resident set size of this process (the engine and its SDK clients) sampled during the apply. */
  readonly peakRssBytes: number;
  readonly status: string;
}

/** Longest dependency chain, each step weighed by its measured duration. */
export function criticalPathMs(plan: Plan, durations: ReadonlyMap<string, number>): number {
  const memo = new Map<string, number>();
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const finish = (id: string): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const s = byId.get(id)!;
    const v = (durations.get(id) ?? 0) + Math.max(0, ...s.dependsOn.map(finish));
    memo.set(id, v);
    return v;
  };
  return Math.max(0, ...plan.steps.map((s) => finish(s.id)));
}

export async function benchApply(
  name: string,
  topology: Topology,
  timeScale: number,
  parallelism = 10,
): Promise<ApplyBenchResult> {
  const emu = await startEmulatorProcess({ timeScale, ipsecQuota: 20 });
  const reads = async () => {
    const stats = (await (await fetch(new URL(`${CONTROL_PREFIX}stats`, emu.endpoint))).json()) as {
      calls: Record<string, number>;
    };
    return Object.entries(stats.calls)
      .filter(([a]) => a.startsWith('Describe'))
      .reduce((n, [, c]) => n + c, 0);
  };
  try {
    const cloud = createAlibabaCloud({
      sandbox: true,
      endpoint: emu.endpoint,
      credentials: { accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret },
    });
    const engine = createEngine({ cloud, store: createMemoryStore(), parallelism, pacing: realPacing(timeScale) });
    const plan = await engine.plan(topology);
    const callsBefore = cloud.calls();
    const readsBefore = await reads();
    const tallyBefore = await tallyCloud(emu.endpoint);
    let peakRssBytes = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss)), 25);
    const started = new Map<string, number>();
    const durations = new Map<string, number>();
    const t0 = performance.now();
    const result = await engine.apply(plan, {
      requester: 'bench',
      onEvent: (e) => {
        if (e.type === 'step-started') started.set(e.stepId, performance.now());
        if (e.type === 'step-succeeded') durations.set(e.stepId, performance.now() - started.get(e.stepId)!);
      },
    });
    const wallMs = performance.now() - t0;
    clearInterval(sampler);
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
    const readCalls = (await reads()) - readsBefore;
    const tally = tallyDelta(tallyBefore, await tallyCloud(emu.endpoint));
    return {
      name,
      steps: plan.steps.length,
      created: tally.created,
      callsByAction: tally.calls,
      wallMs,
      criticalPathMs: criticalPathMs(plan, durations),
      apiCalls: cloud.calls() - callsBefore,
      readCalls,
      peakRssBytes,
      status: result.status,
    };
  } finally {
    await emu.close();
  }
}
