/** `/vpn doctor`'s answer in Slack: each check, each finding with its fix (the plan's preflight section is in blocks.ts). */
import { SANDBOX_LABEL } from '../../src/app/app-services';
import type { PreflightReport } from '../../src/preflight/finding';
import { preflightLine } from '../../src/preflight/render-preflight';
import { context, escapeMrkdwn, preflightFindingLines, section, type Block, type SlackMessage } from './blocks';

/** `/vpn doctor`: every check's outcome, every finding with its fix, and what it cost. */
export function doctorMessage(r: PreflightReport, topology: string | undefined, sandbox: boolean): SlackMessage {
  const title = `Preflight${topology ? ` of ${topology}` : ''}`;
  const checks = r.checks.map((c) => `${c.ok ? ':white_check_mark:' : ':x:'} ${c.class}: ${escapeMrkdwn(c.what)}`);
  const blocks: Block[] = [
    section(`*${escapeMrkdwn(title)}*: ${escapeMrkdwn(preflightLine(r))}\n${checks.join('\n')}`),
  ];
  if (r.findings.length) blocks.push(section(preflightFindingLines(r).join('\n')));
  blocks.push(
    context(`Account: ${escapeMrkdwn(r.site)}. ${r.checks.length} checks, ${r.calls} cloud calls, ${r.ms} ms.`),
  );
  if (sandbox) blocks.push(context(SANDBOX_LABEL));
  return { text: `${sandbox ? '[sandbox] ' : ''}${title}: ${preflightLine(r)}`, blocks };
}
