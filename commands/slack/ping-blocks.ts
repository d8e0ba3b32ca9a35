/**
 * Block Kit for the ping matrix: the table as a code block with the summary and each mismatch,
 * the history per pair, alerts on regression and recovery, and the App Home overview. Pure.
 */
import { SANDBOX_LABEL } from '../../src/app/app-services';
import type { PairChange, PairTrend } from '../../src/app/ping-use-cases';
import type { TopologyStatus } from '../../src/app/use-cases';
import { summarizeMatrix, type PingMatrix } from '../../src/probe/ping-matrix';
import { renderMatrixTable, renderTrend } from '../../src/probe/render-matrix';
import { clip, context, escapeMrkdwn, header, section, type Block, type SlackMessage } from './blocks';

const CODE_MAX = 2800;
const iso = (t: number) => new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');

/** The matrix: summary, table (clipped to Slack's section size; the heat map follows in the thread), mismatches. */
export function matrixMessage(pingMatrix: PingMatrix, options: { sandbox: boolean; title?: string }): SlackMessage {
  const table = renderMatrixTable(pingMatrix).split('\n');
  // The table without its first line (the summary, shown above it) and without the notes (listed below).
  const end = table.indexOf('');
  const grid = table.slice(1, end < 0 ? undefined : end).join('\n');
  const mismatches = pingMatrix.cells.filter((c) => !c.matches);
  const notes = pingMatrix.cells.filter((c) => c.matches && c.verdict !== 'pass' && c.reason !== '');
  const blocks: Block[] = [
    section(
      `${options.title ?? `*Ping matrix for ${escapeMrkdwn(pingMatrix.topology)}*`}: ${summarizeMatrix(pingMatrix)} (measured ${iso(pingMatrix.measuredAt)})`,
    ),
    section(`\`\`\`${clip(grid, CODE_MAX)}\`\`\``),
  ];
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
  return {
    text: `Ping matrix for ${pingMatrix.topology}: ${summarizeMatrix(pingMatrix)}${options.sandbox ? ' [sandbox]' : ''}`,
    blocks,
  };
}

export function historyMessage(
  name: string,
  trends: readonly PairTrend[],
  measurements: number,
  sandbox: boolean,
): SlackMessage {
  const lines = trends.map(renderTrend);
  return {
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
    if (matrix) {
      const grid = renderMatrixTable(matrix).split('\n');
      const end = grid.indexOf('');
      blocks.push(
        section(
          `Ping matrix: ${summarizeMatrix(matrix)} (measured ${iso(matrix.measuredAt)})\n\`\`\`${clip(grid.slice(1, end < 0 ? undefined : end).join('\n'), 2000)}\`\`\``,
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
