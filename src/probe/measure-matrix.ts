/**
 * Measures the ping matrix through Cloud Assistant: per region, one RunCommand over all of that
 * region's probe instances (each pings every probe at once), then DescribeInvocationResults until
 * every instance is done or the deadline passes. Whatever keeps a cell from being measured (agent
 * offline, invocation failed or timed out, output truncated) is reported as such, never as loss.
 */
import type { CommandRunner, InvocationResult } from '../cloud/cloud-api';
import { retryCloudCall, type Pacing } from '../engine/retry-policy';
import { matrixScript, matrixScriptSeconds, splitMatrixOutput, type MatrixScriptOptions } from './matrix-script';
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
  | { readonly from: string; readonly to: string; readonly measured: true; readonly report: PingTargetReport }
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
}

export async function measureMatrix(
  runner: CommandRunner,
  probes: readonly Probe[],
  options: MeasureOptions,
): Promise<MeasuredCell[]> {
  const script = matrixScript(
    probes.map((p) => p.ip),
    options,
  );
  const byRegion = new Map<string, Probe[]>();
  for (const p of probes) byRegion.set(p.region, [...(byRegion.get(p.region) ?? []), p]);
  const rows = await Promise.all(
    [...byRegion].map(([region, sources]) => measureRegion(runner, region, sources, probes, script, options)),
  );
  return rows.flat();
}

async function measureRegion(
  runner: CommandRunner,
  region: string,
  sources: readonly Probe[],
  probes: readonly Probe[],
  script: string,
  o: MeasureOptions,
): Promise<MeasuredCell[]> {
  const call = <T>(op: () => Promise<T>) => retryCloudCall(op, o.pacing, { maxAttempts: 5 });
  const row = (from: Probe, cell: (to: Probe) => MeasuredCell) => probes.filter((t) => t.site !== from.site).map(cell);
  const none = (from: Probe, why: NotMeasured, detail: string) =>
    row(from, (to) => ({ from: from.site, to: to.site, measured: false, why, detail }));
  try {
    const online = await call(() =>
      runner.agentsOnline(
        region,
        sources.map((s) => s.instanceId),
      ),
    );
    const ready = sources.filter((s) => online.has(s.instanceId));
    const offline = sources
      .filter((s) => !online.has(s.instanceId))
      .flatMap((s) => none(s, 'agent-offline', `Cloud Assistant is not running on ${s.instanceId}`));
    if (ready.length === 0) return offline;
    const timeoutSeconds = matrixScriptSeconds(o);
    const invokeId = await call(() =>
      runner.run(
        region,
        ready.map((s) => s.instanceId),
        script,
        timeoutSeconds,
      ),
    );
    const deadline = o.pacing.now() + (timeoutSeconds + 30) * 1000 * o.pacing.pace;
    let results: readonly InvocationResult[] = [];
    for (;;) {
      results = await call(() => runner.results(region, invokeId));
      const done = ready.every((s) => results.find((r) => r.instanceId === s.instanceId)?.finished);
      if (done) break;
      if (o.pacing.now() > deadline) {
        await call(() => runner.stop(region, invokeId)).catch(() => undefined);
        break;
      }
      await o.pacing.sleep(Math.max(10, (o.pollMs ?? 1_000) * o.pacing.pace));
    }
    return [
      ...offline,
      ...ready.flatMap((s) =>
        cellsOf(
          s,
          results.find((r) => r.instanceId === s.instanceId),
          probes,
        ),
      ),
    ];
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return sources.flatMap((s) => none(s, 'api-error', `Cloud Assistant call failed: ${message}`));
  }
}

function cellsOf(from: Probe, r: InvocationResult | undefined, probes: readonly Probe[]): MeasuredCell[] {
  const targets = probes.filter((t) => t.site !== from.site);
  const miss = (why: NotMeasured, detail: string) =>
    targets.map((to): MeasuredCell => ({ from: from.site, to: to.site, measured: false, why, detail }));
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
  return targets.map((to): MeasuredCell => {
    const report = sections.find((s) => s.target === to.ip)?.report;
    const target = report?.targets.find((t) => t.target === to.ip);
    if (target && (target.complete || r.dropped === 0))
      return { from: from.site, to: to.site, measured: true, report: target };
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
