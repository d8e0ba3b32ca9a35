/**
 * Measures the ping matrix through Cloud Assistant, in rounds (pace-schedule.ts): without pairs on
 * the test bandwidth, one round; otherwise the pairs across such a connection take turns, round
 * after round. In a round, per region, one RunCommand for each distinct script (every probe of a
 * region runs the same script unless turns make them differ), then DescribeInvocationResults
 * until every instance is done or the deadline passes. Whatever keeps a cell from being measured
 * (agent offline, invocation failed or timed out, output truncated) is reported as such, never as
 * loss.
 */
import type { CommandRunner, InvocationResult } from '../cloud/cloud-api';
import { retryCloudCall, type Pacing } from '../engine/retry-policy';
import {
  matrixScript,
  matrixScriptSeconds,
  splitMatrixOutput,
  type MatrixScriptOptions,
  type ScriptTarget,
} from './matrix-script';
import { paceSchedule, type PingProfile, type ScheduledTarget } from './pace-schedule';
import type { PingTargetReport } from './ping-output';

export interface Probe {
  readonly site: string;
  readonly region: string;
  readonly instanceId: string;
  readonly ip: string;
}

/** Why a cell has no measurement: none of these is a verdict on the network. */
export type NotMeasured =
  | 'agent-offline'
  | 'instance-gone'
  | 'invocation-failed'
  | 'timeout'
  | 'truncated'
  | 'no-output'
  | 'api-error';

export type MeasuredCell =
  | {
      readonly from: string;
      readonly to: string;
      readonly measured: true;
      readonly report: PingTargetReport;
      /** How the pair was pinged when paced for the test bandwidth. */
      readonly paced?: PingProfile;
    }
  | {
      readonly from: string;
      readonly to: string;
      readonly measured: false;
      readonly why: NotMeasured;
      readonly detail: string;
    };

export interface MeasureOptions extends MatrixScriptOptions {
  readonly pacing: Pacing;
  /** Between DescribeInvocationResults polls, before the pace (ms). */
  readonly pollMs?: number;
  /**
   * Pairs (`from>to`) that cross an inter-region connection with only the test bandwidth, with the
   * ids of those connections: they are paced and take turns.
   */
  readonly paced?: ReadonlyMap<string, readonly string[]>;
}

export async function measureMatrix(
  runner: CommandRunner,
  probes: readonly Probe[],
  options: MeasureOptions,
): Promise<MeasuredCell[]> {
  const rounds = paceSchedule(
    probes.map((p) => p.site),
    options.paced ?? new Map(),
    options,
  );
  const call = <T>(op: () => Promise<T>) => retryCloudCall(op, options.pacing, { maxAttempts: 5 });
  const regions = [...new Set(probes.map((p) => p.region))];
  const cells: MeasuredCell[] = [];
  // Agents first, once: a row whose agent is offline (or cannot be asked) is not measured, in any round.
  const ready: Probe[] = [];
  await Promise.all(
    regions.map(async (region) => {
      const sources = probes.filter((p) => p.region === region);
      let online: ReadonlySet<string>;
      try {
        online = await call(() =>
          runner.agentsOnline(
            region,
            sources.map((s) => s.instanceId),
          ),
        );
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        for (const s of sources) cells.push(...row(s, probes, 'api-error', `Cloud Assistant call failed: ${message}`));
        return;
      }
      for (const s of sources) {
        if (online.has(s.instanceId)) ready.push(s);
        else cells.push(...row(s, probes, 'agent-offline', `Cloud Assistant is not running on ${s.instanceId}`));
      }
    }),
  );
  for (const round of rounds) {
    const inRound = ready.filter((p) => round.has(p.site));
    const measured = await Promise.all(
      regions.map((region) =>
        measureRegion(
          runner,
          region,
          inRound.filter((p) => p.region === region),
          probes,
          round,
          options,
        ),
      ),
    );
    cells.push(...measured.flat());
  }
  // Rows in the probes' order, each row's targets too, whatever round measured them.
  const at = (site: string) => probes.findIndex((p) => p.site === site);
  return cells.sort((a, b) => at(a.from) - at(b.from) || at(a.to) - at(b.to));
}

/** Every cell of `from`'s row, not measured for the same reason. */
function row(from: Probe, probes: readonly Probe[], why: NotMeasured, detail: string): MeasuredCell[] {
  return probes
    .filter((t) => t.site !== from.site)
    .map((to) => ({ from: from.site, to: to.site, measured: false, why, detail }));
}

/**
 * A source's script in a round: its targets in the probes' order, and, when none is paced, itself
 * too (its section is ignored), so that every probe of a region runs one script, as before turns.
 */
function scriptTargets(source: Probe, probes: readonly Probe[], scheduled: readonly ScheduledTarget[]): ScriptTarget[] {
  const withSelf = scheduled.every((t) => !t.paced);
  return probes.flatMap((p): ScriptTarget[] => {
    if (p.site === source.site) return withSelf ? [{ ip: p.ip }] : [];
    const t = scheduled.find((x) => x.to === p.site);
    if (!t) return [];
    return [t.paced ? { ip: p.ip, ping: t.ping, startAfter: t.startAfter } : { ip: p.ip }];
  });
}

async function measureRegion(
  runner: CommandRunner,
  region: string,
  sources: readonly Probe[],
  probes: readonly Probe[],
  round: ReadonlyMap<string, readonly ScheduledTarget[]>,
  o: MeasureOptions,
): Promise<MeasuredCell[]> {
  if (sources.length === 0) return [];
  const call = <T>(op: () => Promise<T>) => retryCloudCall(op, o.pacing, { maxAttempts: 5 });
  // One invocation per distinct script.
  const groups = new Map<string, { script: string; seconds: number; expected: number; sources: Probe[] }>();
  for (const s of sources) {
    const targets = scriptTargets(s, probes, round.get(s.site)!);
    const script = matrixScript(targets, o);
    // When the last ping should be done: its start and its count's intervals, and a second for delivery and the reply.
    const expected =
      1 + Math.max(...targets.map((t) => (t.startAfter ?? 0) + ((t.ping ?? o).count - 1) * (t.ping ?? o).interval));
    const group = groups.get(script) ?? { script, seconds: matrixScriptSeconds(o, targets), expected, sources: [] };
    group.sources.push(s);
    groups.set(script, group);
  }
  const runs = await Promise.all(
    [...groups.values()].map(async (g) => {
      try {
        const invokeId = await call(() =>
          runner.run(
            region,
            g.sources.map((s) => s.instanceId),
            g.script,
            g.seconds,
          ),
        );
        const results = await untilDone(runner, region, invokeId, g.sources, g, o);
        return g.sources.flatMap((s) =>
          cellsOf(
            s,
            results.find((r) => r.instanceId === s.instanceId),
            probes,
            round.get(s.site)!,
          ),
        );
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        return g.sources.flatMap((s) =>
          round.get(s.site)!.map(
            (t): MeasuredCell => ({
              from: s.site,
              to: t.to,
              measured: false,
              why: 'api-error',
              detail: `Cloud Assistant call failed: ${message}`,
            }),
          ),
        );
      }
    }),
  );
  return runs.flat();
}

/**
 * Polls the invocation until every source is done, or stops it once its deadline has passed. The
 * first poll waits for the script's expected end (a long turn on the test bandwidth would otherwise
 * cost a call a second).
 */
async function untilDone(
  runner: CommandRunner,
  region: string,
  invokeId: string,
  sources: readonly Probe[],
  timing: { readonly seconds: number; readonly expected: number },
  o: MeasureOptions,
): Promise<readonly InvocationResult[]> {
  const call = <T>(op: () => Promise<T>) => retryCloudCall(op, o.pacing, { maxAttempts: 5 });
  const deadline = o.pacing.now() + (timing.seconds + 30) * 1000 * o.pacing.pace;
  await o.pacing.sleep(timing.expected * 1000 * o.pacing.pace);
  for (;;) {
    const results = await call(() => runner.results(region, invokeId));
    if (sources.every((s) => results.find((r) => r.instanceId === s.instanceId)?.finished)) return results;
    if (o.pacing.now() > deadline) {
      await call(() => runner.stop(region, invokeId)).catch(() => undefined);
      return results;
    }
    await o.pacing.sleep(Math.max(10, (o.pollMs ?? 1_000) * o.pacing.pace));
  }
}

function cellsOf(
  from: Probe,
  r: InvocationResult | undefined,
  probes: readonly Probe[],
  scheduled: readonly ScheduledTarget[],
): MeasuredCell[] {
  const targets = scheduled.map((t) => ({ to: probes.find((p) => p.site === t.to)!, t }));
  const miss = (why: NotMeasured, detail: string) =>
    targets.map(({ to }): MeasuredCell => ({ from: from.site, to: to.site, measured: false, why, detail }));
  if (!r) return miss('no-output', `no invocation result for ${from.instanceId}`);
  if (!r.finished) return miss('timeout', `the ping script did not finish on ${from.instanceId} in time (${r.status})`);
  // ping exits 1 on 100 % loss: a Failed status with output is a result; without output, the run failed.
  if (r.status === 'Timeout') return miss('timeout', `Cloud Assistant timed out the ping script on ${from.instanceId}`);
  if (r.output.trim() === '')
    return miss(
      'invocation-failed',
      `the ping script did not run on ${from.instanceId}: ${r.status}${r.errorCode ? ` ${r.errorCode}` : ''}${r.errorInfo ? `: ${r.errorInfo}` : ''}`,
    );
  const sections = splitMatrixOutput(
    r.output,
    probes.map((p) => p.ip),
  );
  return targets.map(({ to, t }): MeasuredCell => {
    const report = sections.find((s) => s.target === to.ip)?.report;
    const target = report?.targets.find((x) => x.target === to.ip);
    if (target && (target.complete || r.dropped === 0))
      return { from: from.site, to: to.site, measured: true, report: target, ...(t.paced ? { paced: t.ping } : {}) };
    if (r.dropped > 0)
      return {
        from: from.site,
        to: to.site,
        measured: false,
        why: 'truncated',
        detail: `Cloud Assistant cut the output on ${from.instanceId} (${r.dropped} bytes dropped) before ${to.ip}`,
      };
    const unknown = report?.errors.find((e) => e.target === to.ip);
    return {
      from: from.site,
      to: to.site,
      measured: false,
      why: 'no-output',
      detail: unknown ? unknown.message : `no ping output for ${to.ip} from ${from.instanceId}`,
    };
  });
}
