/**
 * Block Kit for vpnbot's messages: pure functions from use-case values to `{text, blocks}`, within
 * Slack's limits (50 blocks, 3000 characters a section, 150 a header). Every piece of user text
 * is escaped (`& < >`), so a topology cannot smuggle a mention or a link into a message.
 */
import type { Proposal, TopologyStatus } from '../../src/app/use-cases';
import { TOPOLOGY_HELP, VPN_USAGE } from '../../src/app/vpn-command';
import { SANDBOX_LABEL } from '../../src/app/app-services';
import { blockingFindings, type PreflightReport } from '../../src/preflight/finding';
import { preflightLine } from '../../src/preflight/render-preflight';
import type { Problem } from '../../src/errors';
import { approvalFactOf, countOf } from '../../src/planner/step-catalogue';
import { summaryLine, tunnelSentence } from '../../src/planner/render-plan';
import type { Plan, StepKind } from '../../src/planner/plan';
import { ACTION_APPROVE, ACTION_KEEP, ACTION_REJECT, ACTION_RETRY, ACTION_ROLLBACK } from './slack-ids';

export interface Block {
  readonly type: string;
  readonly [key: string]: unknown;
}

export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly Block[];
}

const SECTION_MAX = 2900;

export const escapeMrkdwn = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
export const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export const section = (text: string): Block => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(text, SECTION_MAX) },
});
export const context = (text: string): Block => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: clip(text, SECTION_MAX) }],
});
export const header = (text: string): Block => ({
  type: 'header',
  text: { type: 'plain_text', text: clip(text, 150) },
});

/** The IKEv1 expansion in one sentence: why there are this many connections. */
export function ikeSentence(plan: Plan): string {
  const connections = plan.steps.filter((s) => s.kind === 'ipsec-connection' && s.action !== 'delete');
  if (connections.length === 0) return '';
  const gateways = new Set(connections.map((s) => s.site)).size;
  const pairs = Math.max(1, Math.floor(gateways / 2));
  return plan.ike === 'v1'
    ? `IKEv1 carries one CIDR pair per connection: ${connections.length} connections for ${pairs} gateway pair${pairs === 1 ? '' : 's'}.`
    : `IKEv2 carries every CIDR of a site in one connection: ${connections.length} connections.`;
}

/** Facts shown per label and site at most; the rest is counted, and the whole plan goes to the thread as a file. */
const FACTS_PER_LABEL = 6;

/**
 * Per site: what will be created, adopted, kept or deleted, counted by kind, then what an approver
 * must see (the step catalogue's facts: peers, tunnels, routes, what is published, adopted ids,
 * bandwidth). `clipped`: some facts did not fit and are only in the full plan.
 */
function siteLines(p: Proposal): { lines: string[]; clipped: boolean } {
  const bySite = new Map<string, { counts: Map<string, number>; facts: Map<string, string[]> }>();
  for (const s of p.plan.steps) {
    const key = s.site ?? '(shared)';
    const site = bySite.get(key) ?? { counts: new Map<string, number>(), facts: new Map<string, string[]>() };
    const label = `${s.action} ${s.kind}`;
    site.counts.set(label, (site.counts.get(label) ?? 0) + 1);
    const fact = approvalFactOf(s);
    if (fact) {
      const facts = site.facts.get(fact.label) ?? [];
      if (!facts.includes(fact.fact)) facts.push(fact.fact);
      site.facts.set(fact.label, facts);
    }
    bySite.set(key, site);
  }
  const sign: Record<string, string> = { create: '+', adopt: '=', keep: '=', delete: '-' };
  const order = [...p.topology.sites.map((s) => s.name), '(shared)'];
  let clipped = false;
  const lines = order
    .filter((k) => bySite.has(k))
    .map((k) => {
      const site = p.topology.sites.find((s) => s.name === k);
      const title = site
        ? `*${escapeMrkdwn(site.name)}* (${site.role}, ${site.onPremises ? `on premises at ${escapeMrkdwn(site.onPremises.publicIp)}` : escapeMrkdwn(site.region)}, ${site.cidrs.join(', ')})`
        : '*shared*';
      const { counts, facts } = bySite.get(k)!;
      const items = [...counts.entries()].map(([label, n]) => {
        const [action, kind] = label.split(' ') as [string, StepKind];
        return `${sign[action]} ${countOf(kind, n)}`;
      });
      const factLines = [...facts.entries()].map(([label, list]) => {
        if (list.length > FACTS_PER_LABEL) clipped = true;
        const more = list.length > FACTS_PER_LABEL ? ` and ${list.length - FACTS_PER_LABEL} more` : '';
        return `• ${escapeMrkdwn(label)}: ${list.slice(0, FACTS_PER_LABEL).map(escapeMrkdwn).join(', ')}${more}`;
      });
      return [title, items.join(', '), ...factLines].join('\n');
    });
  return { lines, clipped };
}

export interface PlanMessageContext {
  readonly sandbox: boolean;
  readonly approvers: string;
  readonly kind: 'apply' | 'destroy' | 'rotate';
}

/** Preflight findings shown at most; the rest are counted. */
const MAX_SHOWN = 12;

export function preflightFindingLines(r: PreflightReport): string[] {
  const lines = r.findings
    .slice(0, MAX_SHOWN)
    .map(
      (f) =>
        `• ${f.blocking ? ':no_entry: *blocking*' : ':warning: warning'} \`${f.code}\` ${escapeMrkdwn(f.subject)}: ${escapeMrkdwn(f.meaning)}\n   _fix: ${escapeMrkdwn(f.fix)}_`,
    );
  if (r.findings.length > MAX_SHOWN)
    lines.push(`…and ${r.findings.length - MAX_SHOWN} more: \`/vpn doctor\` lists them.`);
  return lines;
}

/** The plan's preflight: the line, and the blocking findings with their fixes (approval waits for them). */
export function preflightSection(r: PreflightReport): Block {
  const blocking = blockingFindings(r);
  if (blocking.length === 0) return context(escapeMrkdwn(preflightLine(r)));
  return section(
    `*${escapeMrkdwn(preflightLine(r).split(';')[0]!)}*: approval is refused until these are fixed.\n${preflightFindingLines({ ...r, findings: blocking }).join('\n')}`,
  );
}

/** The plan, posted in the channel for others to approve; `truncated`: the full text belongs in its thread. */
export function planMessage(proposal: Proposal, c: PlanMessageContext): SlackMessage & { readonly truncated: boolean } {
  if (c.kind === 'rotate') return rotationMessage(proposal, c);
  const { record, plan } = proposal;
  const verb = c.kind === 'destroy' ? 'destroy' : 'apply';
  const { lines, clipped } = siteLines(proposal);
  const blocks: Block[] = [header(`${c.kind === 'destroy' ? 'Destroy plan' : 'Plan'} for ${record.topology}`)];
  if (c.sandbox) blocks.push(context(SANDBOX_LABEL));
  blocks.push(
    section(
      `<@${record.requester}> asks to ${verb} topology *${escapeMrkdwn(record.topology)}* (IKE${plan.ike}), plan \`${record.hash.slice(0, 12)}\`.\n${[summaryLine(plan), ikeSentence(plan), tunnelSentence(plan)].filter(Boolean).join(' ')}`,
    ),
  );
  // Large plans: a summary here, the whole plan as a file in the thread (50 blocks per message at most).
  const shown = lines.slice(0, 20);
  // Sites packed into sections of at most four, each within a section's size.
  let pack: string[] = [];
  for (const line of shown) {
    if (pack.length === 4 || (pack.length > 0 && [...pack, line].join('\n\n').length > SECTION_MAX)) {
      blocks.push(section(pack.join('\n\n')));
      pack = [];
    }
    pack.push(line);
  }
  if (pack.length) blocks.push(section(pack.join('\n\n')));
  if (lines.length > shown.length)
    blocks.push(context(`…and ${lines.length - shown.length} more sites: the full plan is a file in the thread.`));
  else if (clipped) blocks.push(context('Some lists are cut short here: the full plan is a file in the thread.'));
  if (proposal.prediction.length) blocks.push(section(predictionText(proposal)));
  if (proposal.preflight) blocks.push(preflightSection(proposal.preflight));
  blocks.push({
    ...context(
      `${c.approvers}. The plan expires <!date^${Math.floor(record.expiresAt / 1000)}^{time}|in ${Math.round((record.expiresAt - record.createdAt) / 60000)} minutes>.`,
    ),
    block_id: 'plan.expiry',
  });
  blocks.push({
    type: 'actions',
    block_id: 'plan.decision',
    elements: [
      {
        type: 'button',
        action_id: ACTION_APPROVE,
        style: 'primary',
        value: record.id,
        text: { type: 'plain_text', text: 'Approve' },
        confirm: {
          title: {
            type: 'plain_text',
            text: `${c.kind === 'destroy' ? 'Destroy' : 'Apply'} ${clip(record.topology, 30)}?`,
          },
          text: {
            type: 'mrkdwn',
            text: clip(`${summaryLine(plan)} This changes the cloud${c.sandbox ? ' (sandbox)' : ''}.`, 300),
          },
          confirm: { type: 'plain_text', text: c.kind === 'destroy' ? 'Destroy' : 'Apply' },
          deny: { type: 'plain_text', text: 'Cancel' },
        },
      },
      {
        type: 'button',
        action_id: ACTION_REJECT,
        style: 'danger',
        value: record.id,
        text: { type: 'plain_text', text: 'Reject' },
      },
    ],
  });
  return {
    text: `${c.sandbox ? '[sandbox] ' : ''}Plan for ${record.topology}: ${summaryLine(plan)}`,
    blocks,
    truncated: lines.length > shown.length || clipped,
  };
}

/** The decision buttons of a plan message: Approve (confirmed) and Reject, valued with the plan id only. */
function decisionButtons(recordId: string, confirm: { title: string; text: string; verb: string }): Block {
  return {
    type: 'actions',
    block_id: 'plan.decision',
    elements: [
      {
        type: 'button',
        action_id: ACTION_APPROVE,
        style: 'primary',
        value: recordId,
        text: { type: 'plain_text', text: 'Approve' },
        confirm: {
          title: { type: 'plain_text', text: confirm.title },
          text: { type: 'mrkdwn', text: clip(confirm.text, 300) },
          confirm: { type: 'plain_text', text: confirm.verb },
          deny: { type: 'plain_text', text: 'Cancel' },
        },
      },
      {
        type: 'button',
        action_id: ACTION_REJECT,
        style: 'danger',
        value: recordId,
        text: { type: 'plain_text', text: 'Reject' },
      },
    ],
  };
}

/** A key rotation, posted for approval: its stages as its text says them, and the buttons. */
function rotationMessage(p: Proposal, c: PlanMessageContext): SlackMessage & { readonly truncated: boolean } {
  const { record } = p;
  const keys = record.rotation?.stages.length ?? 0;
  const blocks: Block[] = [header(`Key rotation for ${record.topology}`)];
  if (c.sandbox) blocks.push(context(SANDBOX_LABEL));
  blocks.push(
    section(
      `<@${record.requester}> asks to rotate ${keys} pre-shared key${keys === 1 ? '' : 's'} of *${escapeMrkdwn(record.topology)}*, plan \`${record.hash.slice(0, 12)}\`: one at a time, so the other tunnel carries the traffic while a key changes; the ping matrix is checked after each.`,
    ),
    section(`\`\`\`${escapeMrkdwn(record.text)}\`\`\``),
    {
      ...context(
        `${c.approvers}. The plan expires <!date^${Math.floor(record.expiresAt / 1000)}^{time}|in ${Math.round((record.expiresAt - record.createdAt) / 60000)} minutes>.`,
      ),
      block_id: 'plan.expiry',
    },
    decisionButtons(record.id, {
      title: `Rotate keys of ${clip(record.topology, 20)}?`,
      text: `${keys} key${keys === 1 ? '' : 's'}, one at a time. This changes the cloud${c.sandbox ? ' (sandbox)' : ''}.`,
      verb: 'Rotate',
    }),
  );
  return {
    text: `${c.sandbox ? '[sandbox] ' : ''}Key rotation for ${record.topology}: ${keys} key${keys === 1 ? '' : 's'}`,
    blocks,
    truncated: false,
  };
}

/** "Predicted reachability: 6 of 6 pairs reachable", then each unreachable pair and why: what approvers approve. */
function predictionText(p: Proposal): string {
  const ok = p.prediction.filter((x) => x.reachable).length;
  const unreachable = p.prediction.filter((x) => !x.reachable);
  const head = `*Predicted reachability:* ${ok} of ${p.prediction.length} pairs reachable${unreachable.length ? '' : ' :white_check_mark:'}`;
  const lines = unreachable
    .slice(0, 10)
    .map((x) => `• ${escapeMrkdwn(x.from)} → ${escapeMrkdwn(x.to)} unreachable: ${escapeMrkdwn(x.reason ?? '')}`);
  return [head, ...lines, ...(unreachable.length > 10 ? [`…and ${unreachable.length - 10} more`] : [])].join('\n');
}

/** The plan text in code blocks that fit Slack's section limit: the first `max` parts (when its file cannot be uploaded). */
export function planTextChunks(text: string, max = 10): string[] {
  const out: string[] = [];
  let chunk = '';
  // Measured escaped: `<->` in every connection line grows to `&lt;-&gt;` in the message.
  for (const raw of text.split('\n')) {
    const line = clip(escapeMrkdwn(raw), SECTION_MAX - 20);
    if (chunk.length + line.length + 1 > SECTION_MAX - 10) {
      out.push(chunk);
      chunk = '';
    }
    chunk += `${line}\n`;
  }
  if (chunk) out.push(chunk);
  // The lines are escaped already (and measured so): escaping the chunk again would turn `&lt;` into `&amp;lt;`.
  const shown = out.slice(0, max).map((c) => `\`\`\`${c}\`\`\``);
  if (out.length > max) shown.push(`…and ${out.length - max} more parts.`);
  return shown;
}

/** The plan message while it waits for more approvals: who approved so far, buttons kept. */
export function approvalsSoFar(original: SlackMessage, approvers: readonly string[], required: number): SlackMessage {
  const note: Block = {
    type: 'context',
    block_id: 'plan.approvals',
    elements: [
      {
        type: 'mrkdwn',
        text: `Approved by ${approvers.map((a) => `<@${a}>`).join(', ')} (${approvers.length} of ${required}); waiting for ${required - approvers.length} more.`,
      },
    ],
  };
  const kept = original.blocks.filter((b) => b.block_id !== 'plan.approvals');
  const at = kept.findIndex((b) => b.type === 'actions');
  const blocks = at < 0 ? [...kept, note] : [...kept.slice(0, at), note, ...kept.slice(at)];
  return { text: original.text, blocks };
}

/** The plan message once decided: who decided, and the buttons gone. */
export function decidedMessage(original: SlackMessage, line: string): SlackMessage {
  // The buttons, the expiry and the approvals so far no longer apply once the plan is decided.
  const kept = original.blocks.filter(
    (b) => b.type !== 'actions' && b.block_id !== 'plan.expiry' && b.block_id !== 'plan.approvals',
  );
  return { text: `${original.text} — ${line}`, blocks: [...kept, section(line)] };
}

export interface FailureLine {
  readonly stepId: string;
  readonly code: string;
  readonly message: string;
  readonly requestId?: string;
  readonly hint: string;
}

/** A failed run, in its thread: each failed step with the cloud's code and request id, and what can be done. */
export function failureMessage(runId: string, kind: string, failures: readonly FailureLine[]): SlackMessage {
  const lines = failures
    .slice(0, 5)
    .map(
      (f) =>
        `• \`${escapeMrkdwn(f.stepId)}\`: ${escapeMrkdwn(f.message)} \`${escapeMrkdwn(f.code)}\`${f.requestId ? ` (request ${escapeMrkdwn(f.requestId)})` : ''}\n   _${escapeMrkdwn(f.hint)}_`,
    );
  if (failures.length > 5) lines.push(`…and ${failures.length - 5} more.`);
  return {
    text: `The ${kind} failed: ${failures
      .map((f) => f.stepId)
      .slice(0, 3)
      .join(', ')}`,
    blocks: [
      section(`:x: *The ${kind} failed* (run \`${runId}\`):\n${lines.join('\n')}`),
      {
        type: 'actions',
        block_id: 'run.followup',
        elements: [
          {
            type: 'button',
            action_id: ACTION_RETRY,
            style: 'primary',
            value: runId,
            text: { type: 'plain_text', text: 'Retry' },
          },
          {
            type: 'button',
            action_id: ACTION_ROLLBACK,
            style: 'danger',
            value: runId,
            text: { type: 'plain_text', text: 'Roll back' },
            confirm: {
              title: { type: 'plain_text', text: 'Roll back?' },
              text: {
                type: 'mrkdwn',
                text: 'Plans deleting what this run created (never what it adopted); the plan needs approval.',
              },
              confirm: { type: 'plain_text', text: 'Plan rollback' },
              deny: { type: 'plain_text', text: 'Cancel' },
            },
          },
          { type: 'button', action_id: ACTION_KEEP, value: runId, text: { type: 'plain_text', text: 'Keep as is' } },
        ],
      },
      context(
        'Retry applies what is left under the same approval while it is part of what was approved; otherwise it proposes a new plan.',
      ),
    ],
  };
}

export function problemsMessage(problems: readonly Problem[], max = 10): SlackMessage {
  const lines = problems
    .slice(0, max)
    .map(
      (p) =>
        `• ${p.path ? `\`${escapeMrkdwn(p.path)}\`: ` : ''}${escapeMrkdwn(p.message)}${p.count ? ` (${p.count} times)` : ''}\n   _${escapeMrkdwn(p.hint)}_ \`${p.code}\``,
    );
  if (problems.length > max) lines.push(`…and ${problems.length - max} more.`);
  return {
    text: `The topology has ${problems.length} problem${problems.length === 1 ? '' : 's'}.`,
    blocks: [
      section(`*The topology has ${problems.length} problem${problems.length === 1 ? '' : 's'}:*\n${lines.join('\n')}`),
      context('`/vpn help` shows how to write a topology.'),
    ],
  };
}

/** Plain words (a refusal, an echo of what was typed): escaped, so nothing in them is markup. */
export function textMessage(text: string): SlackMessage {
  const escaped = escapeMrkdwn(text);
  return { text: escaped, blocks: [section(escaped)] };
}

/** Words with vpnbot's own markup (mentions, channel links, bold): the caller escaped what came from users. */
export function mrkdwnMessage(text: string): SlackMessage {
  return { text, blocks: [section(text)] };
}

export function helpMessage(sandbox: boolean): SlackMessage {
  const blocks = [
    // The usage's <placeholders> are text, not Slack markup: escaped like any other text.
    section(
      `*vpnbot*: IKEv1 VPNs on Alibaba Cloud, planned, approved and provisioned from Slack.\n${escapeMrkdwn(VPN_USAGE)}`,
    ),
    section(`*Topologies*\n\`\`\`${escapeMrkdwn(TOPOLOGY_HELP)}\`\`\``),
  ];
  if (sandbox) blocks.push(context(SANDBOX_LABEL));
  return { text: 'vpnbot help', blocks };
}

/** ", 8 IPsec tunnels": the tunnels of the topology's dual-tunnel connections; nothing without any. */
function tunnelCount(t: TopologyStatus): string {
  const n = t.resources.reduce((sum, r) => sum + Object.keys(r.tunnels ?? {}).length, 0);
  return n ? `, ${n} IPsec tunnels` : '';
}

/** `/vpn status`; `threadLinks` maps `channel/ts` of a run's thread to the link that opens it. */
export function statusMessage(
  topologies: readonly TopologyStatus[],
  sandbox: boolean,
  threadLinks: ReadonlyMap<string, string> = new Map(),
): SlackMessage {
  if (topologies.length === 0)
    return mrkdwnMessage(`No topologies yet. Try \`/vpn plan seed\`.${sandbox ? `\n${SANDBOX_LABEL}` : ''}`);
  const blocks: Block[] = topologies.slice(0, 40).map((t) => {
    const run = t.lastRun;
    const link = run?.thread ? threadLinks.get(`${run.thread.channel}/${run.thread.ts}`) : undefined;
    const thread = link ? ` (<${link}|thread>)` : '';
    return section(
      `*${escapeMrkdwn(t.topology)}*: ${t.resources.length} resources (${t.counts.created} created, ${t.counts.adopted} adopted, ${t.counts.external} external)${tunnelCount(t)}` +
        (run
          ? `\nlast ${run.kind} \`${run.id}\` *${run.status}* at ${run.startedAt} by <@${run.requester}>${thread}`
          : '') +
        t.waiting
          .map((w) => `\n:hourglass: waiting for ${escapeMrkdwn(w.site)}'s device: ${w.up} of ${w.total} tunnels up`)
          .join('') +
        (run?.failures.length
          ? `\n${run.failures
              .slice(0, 3)
              .map((f) => `• failed \`${escapeMrkdwn(f.step)}\`: ${escapeMrkdwn(f.message ?? '')} \`${f.code ?? ''}\``)
              .join('\n')}`
          : ''),
    );
  });
  if (sandbox) blocks.push(context(SANDBOX_LABEL));
  return { text: `${topologies.length} topolog${topologies.length === 1 ? 'y' : 'ies'}`, blocks };
}

/** A message as Web API arguments (the client's types want mutable block arrays). */
export const messageArgs = (message: SlackMessage) => ({ text: message.text, blocks: message.blocks as never[] });
