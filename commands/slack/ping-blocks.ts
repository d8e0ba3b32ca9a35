/**
 * Block Kit for the ping matrix: the table as a code block with the summary and each mismatch,
 * the history per pair, alerts on regression and recovery, and the App Home overview. Pure.
 */
import { SANDBOX_LABEL } from '../../src/app/app-services';
import type { PairChange, PairTrend } from '../../src/app/ping-use-cases';
import type { TopologyStatus } from '../../src/app/use-cases';
import { summarizeMatrix, type PingMatrix } from '../../src/probe/ping-matrix';
import { digestMatrix, pairLine } from '../../src/probe/matrix-digest';
import { renderMatrixTable, renderTrend } from '../../src/probe/render-matrix';
import { clip, context, escapeMrkdwn, header, section, type Block, type SlackMessage } from './blocks';

const CODE_MAX = 2800;
const iso = (t: number) => new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');

/** The table's grid: without its first line (the summary) and without the notes (listed apart). */
function gridOf(pingMatrix: PingMatrix): string {
  const table = renderMatrixTable(pingMatrix).split('\n');
  const end = table.indexOf('');
  return table.slice(1, end < 0 ? undefined : end).join('\n');
}

/** Widest grid line Slack shows without wrapping it into noise, and rows a person still scans. */
const GRID_MAX_WIDTH = 100;
const GRID_MAX_ROWS = 20;

/** A matrix whose table would be unreadable in Slack: shown as a digest, the table as a CSV file. */
export function isLargeMatrix(pingMatrix: PingMatrix): boolean {
  const lines = gridOf(pingMatrix).split('\n');
  return lines.length - 1 > GRID_MAX_ROWS || lines.some((l) => l.length > GRID_MAX_WIDTH);
}

/** The digest of a large matrix: the counts, the worst pairs, what did not go as predicted. */
function digestBlocks(pingMatrix: PingMatrix, worst = 10): Block[] {
  const d = digestMatrix(pingMatrix, worst);
  const sites = new Set(pingMatrix.cells.flatMap((c) => [c.from, c.to])).size;
  const blocks: Block[] = [
    section(
      `${sites} sites, ${pingMatrix.cells.length} pairs: *${d.counts.pass} pass*, ${d.counts.warn} warn, *${d.counts.fail} fail*${d.counts.unknown ? `, ${d.counts.unknown} not measured` : ''}.`,
    ),
  ];
  const worstShown = d.worst.filter((c) => c.verdict !== 'pass' || c.rttAvgMs !== null);
  if (worstShown.length)
    blocks.push(section(`*Worst pairs:*\n${worstShown.map((c) => `• ${escapeMrkdwn(pairLine(c))}`).join('\n')}`));
  if (d.mismatches.length)
    blocks.push(
      section(
        `*Not as predicted (${d.mismatches.length}):*\n${d.mismatches
          .slice(0, 12)
          .map((c) => `• ${escapeMrkdwn(c.from)} → ${escapeMrkdwn(c.to)}: ${escapeMrkdwn(c.reason)}`)
          .join('\n')}${d.mismatches.length > 12 ? `\n…and ${d.mismatches.length - 12} more (in the CSV file)` : ''}`,
      ),
    );
  return blocks;
}

/**
 * The matrix: summary, table (clipped to Slack's section size; the heat map follows in the thread),
 * mismatches; a large matrix as a digest instead, its table a CSV file in the thread (`large`).
 */
export function matrixMessage(
  pingMatrix: PingMatrix,
  options: { sandbox: boolean; title?: string },
): SlackMessage & { readonly large: boolean } {
  const head = section(
    `${options.title ?? `*Ping matrix for ${escapeMrkdwn(pingMatrix.topology)}*`}: ${summarizeMatrix(pingMatrix)} (measured ${iso(pingMatrix.measuredAt)})`,
  );
  const text = `Ping matrix for ${pingMatrix.topology}: ${summarizeMatrix(pingMatrix)}${options.sandbox ? ' [sandbox]' : ''}`;
  if (isLargeMatrix(pingMatrix))
    return {
      text,
      large: true,
      blocks: [
        head,
        ...digestBlocks(pingMatrix),
        context(
          `Too many pairs for a table here: the heat map and the full table (CSV) are in the thread.${options.sandbox ? ` ${SANDBOX_LABEL}` : ''}`,
        ),
      ],
    };
  const grid = gridOf(pingMatrix);
  const mismatches = pingMatrix.cells.filter((c) => !c.matches);
  const notes = pingMatrix.cells.filter((c) => c.matches && c.verdict !== 'pass' && c.reason !== '');
  const blocks: Block[] = [head, section(`\`\`\`${clip(grid, CODE_MAX)}\`\`\``)];
  if (mismatches.length)
    blocks.push(
      section(
        `*Not as predicted:*\n${mismatches
          .slice(0, 12)
          .map((c) => `• ${escapeMrkdwn(c.from)} → ${escapeMrkdwn(c.to)}: ${escapeMrkdwn(c.reason)}`)
          .join('\n')}${mismatches.length > 12 ? `\n…and ${mismatches.length - 12} more` : ''}`,
      ),
    );
  if (notes.length)
    blocks.push(
      context(
        notes
          .slice(0, 8)
          .map((c) => `${escapeMrkdwn(c.from)} → ${escapeMrkdwn(c.to)}: ${escapeMrkdwn(c.reason)}`)
          .join('\n'),
      ),
    );
  blocks.push(
    context(
      `Cells: average RTT, loss, verdict; ! marks a cell not as predicted. Rows: from, columns: to.${options.sandbox ? ` ${SANDBOX_LABEL}` : ''}`,
    ),
  );
  return { text, blocks, large: false };
}

/** Pairs a history shows line by line; beyond that, a digest and the whole history as a CSV file. */
export const HISTORY_MAX_PAIRS = 30;

export function historyMessage(
  name: string,
  trends: readonly PairTrend[],
  measurements: number,
  sandbox: boolean,
): SlackMessage & { readonly large: boolean } {
  if (trends.length > HISTORY_MAX_PAIRS) return { ...historyDigest(name, trends, measurements, sandbox), large: true };
  const lines = trends.map(renderTrend);
  return {
    large: false,
    text: `Ping history of ${name}`,
    blocks: [
      section(
        `*Ping history of ${escapeMrkdwn(name)}*: the last ${measurements} measurement(s), oldest first; RTT in ms, B = baseline`,
      ),
      section(`\`\`\`${clip(escapeMrkdwn(lines.join('\n')), CODE_MAX)}\`\`\``),
      ...(sandbox ? [context(SANDBOX_LABEL)] : []),
    ],
  };
}

/**
 * A history too long to read pair by pair: what the latest measurement fails, and the pairs whose
 * RTT grew most against their baseline; the whole history is a CSV file beside it.
 */
function historyDigest(
  name: string,
  trends: readonly PairTrend[],
  measurements: number,
  sandbox: boolean,
): SlackMessage {
  const last = (t: PairTrend) => t.points.at(-1);
  const failing = trends.filter((t) => last(t)?.verdict === 'fail');
  const growth = (t: PairTrend) => {
    const base = t.points.find((p) => p.baseline)?.rttAvgMs;
    const now = last(t)?.rttAvgMs;
    return base !== undefined && base !== null && now !== undefined && now !== null ? now - base : undefined;
  };
  const slower = trends
    .map((t) => ({ t, g: growth(t) }))
    .filter((x): x is { t: PairTrend; g: number } => x.g !== undefined && x.g > 0)
    .sort((a, b) => b.g - a.g)
    .slice(0, 10);
  const lines = [
    `*Ping history of ${escapeMrkdwn(name)}*: ${trends.length} pairs over the last ${measurements} measurement(s); ${failing.length} fail in the latest.`,
    ...(failing.length
      ? [
          `*Failing now:* ${failing
            .slice(0, 15)
            .map((t) => `${escapeMrkdwn(t.from)} → ${escapeMrkdwn(t.to)}`)
            .join(', ')}${failing.length > 15 ? ` and ${failing.length - 15} more` : ''}`,
        ]
      : []),
    ...(slower.length
      ? [
          `*Slower than their baseline:*\n${slower.map(({ t, g }) => `• ${escapeMrkdwn(t.from)} → ${escapeMrkdwn(t.to)}: +${g.toFixed(1)} ms`).join('\n')}`,
        ]
      : []),
  ];
  return {
    text: `Ping history of ${name}`,
    blocks: [
      section(lines.join('\n')),
      context(`The whole history (every pair, every measurement) is a CSV file.${sandbox ? ` ${SANDBOX_LABEL}` : ''}`),
    ],
  };
}

/** A scheduled re-check's alert: pairs that started failing, or recovered. */
export function changeMessage(
  name: string,
  change: 'regressed' | 'recovered',
  pairs: readonly PairChange[],
  sandbox: boolean,
): SlackMessage {
  const head =
    change === 'regressed'
      ? `:rotating_light: *${escapeMrkdwn(name)}*: ${pairs.length} pair(s) stopped answering`
      : `:white_check_mark: *${escapeMrkdwn(name)}*: ${pairs.length} pair(s) answer again`;
  const lines = pairs
    .slice(0, 20)
    .map(
      (p) =>
        `• ${escapeMrkdwn(p.from)} → ${escapeMrkdwn(p.to)}: ${p.was} → ${p.now}${p.cell.reason ? `: ${escapeMrkdwn(p.cell.reason)}` : p.cell.rttAvgMs !== null ? ` (${p.cell.rttAvgMs.toFixed(1)} ms)` : ''}`,
    );
  return {
    text: `${name}: ${pairs.length} pair(s) ${change}${sandbox ? ' [sandbox]' : ''}`,
    blocks: [section(`${head}\n${lines.join('\n')}`), ...(sandbox ? [context(SANDBOX_LABEL)] : [])],
  };
}

/** The App Home tab: each topology with its last run and its latest matrix. */
export function homeView(
  topologies: readonly { status: TopologyStatus; matrix?: PingMatrix }[],
  sandbox: boolean,
): Record<string, unknown> {
  const blocks: Block[] = [header('vpnbot: your VPN topologies')];
  if (sandbox) blocks.push(context(SANDBOX_LABEL));
  if (topologies.length === 0) blocks.push(section('No topologies yet. Try `/vpn plan seed` in a channel.'));
  for (const { status: t, matrix } of topologies.slice(0, 15)) {
    const run = t.lastRun;
    blocks.push({ type: 'divider' });
    blocks.push(
      section(
        `*${escapeMrkdwn(t.topology)}*: ${t.resources.length} resources${run ? `; last ${run.kind} *${run.status}* at ${run.startedAt} by <@${run.requester}>` : ''}`,
      ),
    );
    if (matrix && isLargeMatrix(matrix)) {
      // A digest, never a table too wide to read: the full one is a file in the topology's thread.
      blocks.push(section(`Ping matrix: ${summarizeMatrix(matrix)} (measured ${iso(matrix.measuredAt)})`));
      blocks.push(...digestBlocks(matrix, 5));
    } else if (matrix) {
      blocks.push(
        section(
          `Ping matrix: ${summarizeMatrix(matrix)} (measured ${iso(matrix.measuredAt)})\n\`\`\`${clip(gridOf(matrix), 2000)}\`\`\``,
        ),
      );
    } else blocks.push(context(`Not measured yet: \`/vpn ping ${escapeMrkdwn(t.topology)}\``));
  }
  return { type: 'home', blocks: blocks.slice(0, 100) };
}

/** The App Home of someone outside the channels vpnbot is used in: where to look, nothing more. */
export function closedHomeView(channels: string): Record<string, unknown> {
  return {
    type: 'home',
    blocks: [
      header('vpnbot: your VPN topologies'),
      section(`vpnbot is used in ${channels}: its plans and status are shown to the members of those channels.`),
    ],
  };
}
