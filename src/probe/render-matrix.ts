/** The ping matrix as a fixed-width table (CLI, console, a Slack code block), then the reasons. */
import { summarizeMatrix, type MatrixCell, type PingMatrix } from './ping-matrix';

const MARK = { pass: 'ok', warn: 'WARN', fail: 'FAIL' } as const;

function cellText(c: MatrixCell | undefined): string {
  if (!c) return '-';
  if (c.verdict === 'unknown') return 'not measured';
  const figures = c.rttAvgMs !== null ? `${c.rttAvgMs.toFixed(1)}ms ${c.lossPct}%` : `${c.lossPct}% loss`;
  return `${figures} ${MARK[c.verdict as keyof typeof MARK]}${c.failover ? ' (slave)' : ''}${c.matches ? '' : ' !'}`;
}

export function renderMatrixTable(
  pingMatrix: PingMatrix,
  options: { readonly sites?: readonly string[] } = {},
): string {
  const sites = options.sites ?? [...new Set(pingMatrix.cells.flatMap((c) => [c.from, c.to]))];
  const sources = sites.filter((s) => pingMatrix.cells.some((c) => c.from === s));
  const cell = (from: string, to: string) => pingMatrix.cells.find((c) => c.from === from && c.to === to);
  const header = ['from \\ to', ...sites];
  const rows = sources.map((from) => [
    `${from}${pingMatrix.cells.some((c) => c.from === from && c.pastedAt !== undefined) ? ' (pasted)' : ''}`,
    ...sites.map((to) => (to === from ? '' : cellText(cell(from, to)))),
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((x, i) => x.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const notes = pingMatrix.cells
    .filter((c) => c.reason !== '' && (!c.matches || c.verdict !== 'pass' || c.failover))
    .map((c) => `${c.matches ? '-' : '!'} ${c.from} -> ${c.to}: ${c.reason}`);
  // Connections with a tunnel down, each tunnel's state (all up: nothing to say).
  const tunnels = (pingMatrix.tunnels ?? [])
    .filter((c) => c.tunnels.some((t) => !t.up))
    .map(
      (c) =>
        `  tunnel ${c.name}: ${c.tunnels.map((t) => `${t.role} ${t.up ? 'up' : `down (${t.status})`}`).join(', ')}`,
    );
  const failover = pingMatrix.cells.some((c) => c.failover);
  const paced = pingMatrix.cells.filter((c) => c.paced !== undefined);
  if (paced[0])
    notes.push(
      `~ ${paced.map((c) => `${c.from} -> ${c.to}`).join(', ')}: ${paced[0].paced} (allocate inter-region bandwidth for full speed)`,
    );
  return [
    `Ping matrix for ${pingMatrix.topology}, measured ${new Date(pingMatrix.measuredAt).toISOString().replace(/\.\d+Z$/, 'Z')}: ${summarizeMatrix(pingMatrix)}`,
    line(header),
    ...rows.map(line),
    ...(notes.length ? ['', ...notes] : []),
    ...(tunnels.length ? ['', 'Tunnels not up:', ...tunnels] : []),
    '',
    `Cells: average RTT, loss, verdict; "!" marks a cell not as predicted${failover ? ', "(slave)" one carried by a standby tunnel' : ''}.`,
  ].join('\n');
}

/** A pair's trend in one line, oldest first: average RTT, FAIL, or ? when not measured; B marks the baseline. */
export function renderTrend(trend: {
  readonly from: string;
  readonly to: string;
  readonly points: readonly {
    readonly verdict: string;
    readonly rttAvgMs: number | null;
    readonly baseline: boolean;
  }[];
}): string {
  const point = (x: (typeof trend.points)[number]) =>
    `${x.verdict === 'fail' ? 'FAIL' : x.verdict === 'unknown' || x.rttAvgMs === null ? '?' : x.rttAvgMs.toFixed(1)}${x.baseline ? 'B' : ''}`;
  return `${`${trend.from} -> ${trend.to}`.padEnd(28)} ${trend.points.map(point).join('  ')}`;
}
