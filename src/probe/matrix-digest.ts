/**
 * A ping matrix too large to read as a table (a 30-site matrix is 870 pairs, 575-character lines):
 * what a person reads instead, the counts, the worst pairs and the mismatches, and the full table
 * as CSV for a file. Pure.
 */
import type { MatrixCell, PingMatrix, Verdict } from './ping-matrix';

export interface MatrixDigest {
  readonly counts: Readonly<Record<Verdict, number>>;
  /** Pairs that did not go as predicted, failing ones first. */
  readonly mismatches: readonly MatrixCell[];
  /** The worst pairs: failing, then warning, then the slowest, at most `worst` of them. */
  readonly worst: readonly MatrixCell[];
}

const RANK: Readonly<Record<Verdict, number>> = { fail: 0, warn: 1, unknown: 2, pass: 3 };
const byBadness = (a: MatrixCell, b: MatrixCell) =>
  RANK[a.verdict] - RANK[b.verdict] || (b.rttAvgMs ?? -1) - (a.rttAvgMs ?? -1) || b.lossPct - a.lossPct;

export function digestMatrix(matrix: PingMatrix, worst = 10): MatrixDigest {
  const counts = { pass: 0, warn: 0, fail: 0, unknown: 0 };
  for (const c of matrix.cells) counts[c.verdict]++;
  const measured = matrix.cells.filter((c) => c.verdict !== 'unknown');
  return {
    counts,
    mismatches: matrix.cells.filter((c) => !c.matches).sort(byBadness),
    worst: [...measured].sort(byBadness).slice(0, worst),
  };
}

/** One pair in a few words: "hk -> jp 53.1 ms 0% pass" or "hk -> jp 100% loss FAIL". */
export function pairLine(c: MatrixCell): string {
  const figures = c.rttAvgMs !== null ? `${c.rttAvgMs.toFixed(1)} ms ${c.lossPct}% loss` : `${c.lossPct}% loss`;
  return `${c.from} -> ${c.to}: ${c.verdict === 'unknown' ? 'not measured' : `${figures}, ${c.verdict}`}`;
}

/** A CSV field, quoted when it must be (RFC 4180). */
const field = (v: string | number | boolean | null | undefined) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = (rows: readonly (readonly (string | number | boolean | null | undefined)[])[]) =>
  `${rows.map((r) => r.map(field).join(',')).join('\r\n')}\r\n`;

/** The whole matrix as CSV: one row per pair, every figure, the verdict and the reason. */
export function matrixCsv(matrix: PingMatrix): string {
  return csv([
    [
      'from',
      'to',
      'verdict',
      'as_predicted',
      'predicted',
      'rtt_avg_ms',
      'rtt_min_ms',
      'rtt_max_ms',
      'loss_pct',
      'transmitted',
      'received',
      'ttl',
      'reason',
    ],
    ...matrix.cells.map((c) => [
      c.from,
      c.to,
      c.verdict,
      c.matches,
      c.predicted,
      c.rttAvgMs,
      c.rttMinMs,
      c.rttMaxMs,
      c.lossPct,
      c.transmitted,
      c.received,
      c.ttl,
      c.reason,
    ]),
  ]);
}

/** A history (per pair, its points oldest first) as CSV: one row per pair and measurement. */
export function historyCsv(
  trends: readonly {
    readonly from: string;
    readonly to: string;
    readonly points: readonly {
      readonly at: number;
      readonly verdict: string;
      readonly rttAvgMs: number | null;
      readonly lossPct: number;
      readonly trigger: string;
      readonly baseline: boolean;
    }[];
  }[],
): string {
  return csv([
    ['from', 'to', 'measured_at', 'trigger', 'baseline', 'verdict', 'rtt_avg_ms', 'loss_pct'],
    ...trends.flatMap((t) =>
      t.points.map((p) => [
        t.from,
        t.to,
        new Date(p.at).toISOString(),
        p.trigger,
        p.baseline,
        p.verdict,
        p.rttAvgMs,
        p.lossPct,
      ]),
    ),
  ]);
}
