/**
 * The ping matrix: for every ordered pair of probes, what was measured next to what was predicted,
 * a verdict and, where they disagree, why. Values only; renderers (table, heat map, Slack) read it.
 */
import { z } from 'zod';
import type { PairPrediction } from '../reachability/predict';
import { readStoredJson } from '../stored-json';
import type { MeasuredCell } from './measure-matrix';
import { describePacing } from './pace-schedule';

export type Verdict = 'pass' | 'warn' | 'fail' | 'unknown';

export interface MatrixCell {
  readonly from: string;
  readonly to: string;
  readonly transmitted: number;
  readonly received: number;
  readonly lossPct: number;
  readonly rttAvgMs: number | null;
  readonly rttMinMs: number | null;
  readonly rttMaxMs: number | null;
  readonly ttl: number | null;
  readonly predicted: 'reachable' | 'unreachable';
  /** pass; warn on partial loss or RTT well above the pair's baseline; fail on 100 % loss; unknown when not measured. */
  readonly verdict: Verdict;
  /** Whether the measurement agrees with the prediction (an unmeasured cell neither agrees nor disagrees: true). */
  readonly matches: boolean;
  /** Why, in words: the mismatch's cause, the warning, or what kept it from being measured. Empty for a plain pass. */
  readonly reason: string;
  /** For a row pasted from an on-premises host: when it was measured there. */
  readonly pastedAt?: number;
  /** Passed with an IPsec connection it crosses on its slave tunnel (the master down): a failover, said in `reason`. */
  readonly failover?: boolean;
  /** How the pair was pinged when it crosses an inter-region connection that has only the test bandwidth. */
  readonly paced?: string;
}

/** The tunnels of one IPsec connection a prediction relies on, as read when the matrix was measured. */
export interface ConnectionTunnels {
  /** The connection's step, and its name. */
  readonly stepId: string;
  readonly name: string;
  readonly tunnels: readonly { readonly role: 'master' | 'slave'; readonly status: string; readonly up: boolean }[];
}

export interface PingMatrix {
  readonly topology: string;
  readonly measuredAt: number;
  readonly cells: readonly MatrixCell[];
  /** Per-tunnel state of the connections the pairs cross (absent in matrices stored before it was kept). */
  readonly tunnels?: readonly ConnectionTunnels[];
}

/** RTT "well above" its baseline: half as much again and at least 5 ms more. */
export function rttRegressed(rtt: number, baseline: number): boolean {
  return rtt > baseline * 1.5 && rtt - baseline >= 5;
}

export const pairKey = (from: string, to: string) => `${from}>${to}`;

/**
 * `baseline`: the pair's average RTT in the topology's baseline measurement. `explanations`: why a
 * cell measured failing was predicted reachable (what the prediction relied on that no longer holds).
 * `failovers`: for pairs that cross a connection running on its slave tunnel, the words for it.
 */
export function buildMatrix(
  topology: string,
  measuredAt: number,
  measured: readonly MeasuredCell[],
  predictions: readonly PairPrediction[],
  baseline: ReadonlyMap<string, number> = new Map(),
  explanations: ReadonlyMap<string, string> = new Map(),
  failovers: ReadonlyMap<string, string> = new Map(),
): PingMatrix {
  const predicted = new Map(predictions.map((p) => [pairKey(p.from, p.to), p]));
  const cells = measured.map((m): MatrixCell => {
    const key = pairKey(m.from, m.to);
    const p = predicted.get(key);
    const expect = p?.reachable ? 'reachable' : 'unreachable';
    if (!m.measured) {
      return {
        from: m.from,
        to: m.to,
        transmitted: 0,
        received: 0,
        lossPct: 0,
        rttAvgMs: null,
        rttMinMs: null,
        rttMaxMs: null,
        ttl: null,
        predicted: expect,
        verdict: 'unknown',
        matches: true,
        reason: `not measured: ${m.detail}`,
      };
    }
    const r = m.report;
    const paced = m.paced ? { paced: describePacing(m.paced) } : {};
    const base = baseline.get(key);
    const verdict: Verdict =
      r.received === 0
        ? 'fail'
        : r.lossPct > 0 || (base !== undefined && r.rttAvgMs !== undefined && rttRegressed(r.rttAvgMs, base))
          ? 'warn'
          : 'pass';
    const figures = {
      from: m.from,
      to: m.to,
      transmitted: r.transmitted,
      received: r.received,
      lossPct: r.lossPct,
      rttAvgMs: r.rttAvgMs ?? null,
      rttMinMs: r.rttMinMs ?? null,
      rttMaxMs: r.rttMaxMs ?? null,
      ttl: r.ttl ?? null,
      predicted: expect,
      verdict,
      ...paced,
    } as const;
    if (!p) return { ...figures, matches: verdict === 'fail', reason: 'no prediction for this pair' };
    if (p.reachable && verdict === 'fail') {
      const icmp = r.icmpErrors[0] ? ` (${r.icmpErrors[0].message} from ${r.icmpErrors[0].from})` : '';
      return {
        ...figures,
        matches: false,
        reason: `${explanations.get(key) ?? `predicted reachable via ${p.path.join(' -> ')}, but nothing it relies on was found broken`}${icmp}`,
      };
    }
    if (!p.reachable && verdict !== 'fail')
      return { ...figures, matches: false, reason: `predicted unreachable (${p.reason}), but replies came back` };
    if (p.reachable && r.ttl !== undefined && p.ttl !== undefined && r.ttl !== p.ttl) {
      return {
        ...figures,
        matches: false,
        reason: `replies arrive with ttl ${r.ttl}, predicted ${p.ttl} via ${p.path.join(' -> ')}: the path differs`,
      };
    }
    if (!p.reachable) return { ...figures, matches: true, reason: `unreachable as predicted: ${p.reason}` };
    const warn =
      verdict === 'warn' ? (r.lossPct > 0 ? `${r.lossPct}% loss` : `RTT ${r.rttAvgMs} ms, baseline ${base} ms`) : '';
    const failover = failovers.get(key);
    if (failover !== undefined)
      return { ...figures, matches: true, failover: true, reason: [failover, warn].filter(Boolean).join('; ') };
    return { ...figures, matches: true, reason: warn };
  });
  return { topology, measuredAt, cells };
}

/** "6 of 6 pairs pass, 0 mismatches". */
export function summarizeMatrix(matrix: PingMatrix): string {
  const n = (v: Verdict) => matrix.cells.filter((c) => c.verdict === v).length;
  const mismatches = matrix.cells.filter((c) => !c.matches).length;
  const parts = [`${n('pass')} of ${matrix.cells.length} pairs pass`];
  if (n('warn')) parts.push(`${n('warn')} warn`);
  if (n('fail')) parts.push(`${n('fail')} fail`);
  if (n('unknown')) parts.push(`${n('unknown')} not measured`);
  // Unmeasured cells neither agree nor disagree: "all as predicted" only when every cell was measured.
  if (mismatches > 0) parts.push(`${mismatches} not as predicted`);
  else if (n('unknown') === 0) parts.push('all as predicted');
  else if (n('unknown') < matrix.cells.length) parts.push('the measured ones as predicted');
  const failover = matrix.cells.filter((c) => c.failover).length;
  if (failover) parts.push(`${failover} on a standby tunnel (failover)`);
  const paced = matrix.cells.filter((c) => c.paced !== undefined).length;
  if (paced) parts.push(`${paced} paced for the test bandwidth`);
  return parts.join(', ');
}

const num = z.number().nullable();
const matrixSchema = z.strictObject({
  topology: z.string(),
  measuredAt: z.number(),
  cells: z.array(
    z.strictObject({
      from: z.string(),
      to: z.string(),
      transmitted: z.number(),
      received: z.number(),
      lossPct: z.number(),
      rttAvgMs: num,
      rttMinMs: num,
      rttMaxMs: num,
      ttl: num,
      predicted: z.enum(['reachable', 'unreachable']),
      verdict: z.enum(['pass', 'warn', 'fail', 'unknown']),
      matches: z.boolean(),
      reason: z.string(),
      pastedAt: z.number().optional(),
      failover: z.boolean().optional(),
      paced: z.string().optional(),
    }),
  ),
  tunnels: z
    .array(
      z.strictObject({
        stepId: z.string(),
        name: z.string(),
        tunnels: z.array(z.strictObject({ role: z.enum(['master', 'slave']), status: z.string(), up: z.boolean() })),
      }),
    )
    .optional(),
});

/** A stored matrix, checked: one written by another version is refused with the reason, not misread. */
export function readStoredMatrix(json: string): { ok: true; matrix: PingMatrix } | { ok: false; reason: string } {
  const r = readStoredJson(json, matrixSchema, 'matrix');
  return r.ok ? { ok: true, matrix: r.value } : r;
}
