/** The reject form's submission: the plan is rejected with the reason, and its message says so. */
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { decidePlan } from '../../../src/app/use-cases';
import { summaryLine } from '../../../src/planner/render-plan';
import { escapeMrkdwn } from '../blocks';
import { closedByRefusal, closePlanMessage } from '../closed-plan';
import { replyFault, type Respond } from '../private-reply';
import type { SlackDeps } from '../slack-deps';
import { REJECT_VIEW } from '../slack-ids';
import { afterPendingRequests } from '../after-pending-requests';

export interface RejectFormArgs {
  /** The form's metadata, as the reject button wrote it (JSON: plan id, channel, message ts). */
  readonly meta: string;
  readonly reason: string;
  readonly user: string;
  readonly client: WebClient;
}

export async function onRejectForm(
  deps: SlackDeps,
  { meta: raw, reason: typed, user, client }: RejectFormArgs,
): Promise<void> {
  let meta: { planId: string; channel: string; ts: string };
  try {
    meta = JSON.parse(raw) as typeof meta;
  } catch {
    return;
  }
  const reason = typed.trim().slice(0, 500);
  const respond: Respond = (m) =>
    client.chat.postEphemeral({ channel: meta.channel, user, text: String(m.text ?? '') });
  try {
    const d = await decidePlan(deps.services, {
      planId: meta.planId,
      actor: user,
      decision: 'reject',
      reason,
      now: Date.now(),
      policy: deps.policy,
      members: deps.members(client),
      channel: meta.channel,
    });
    if (!d.ok && d.closed) await closePlanMessage(deps, client, d.closed.record, closedByRefusal(d.closed, d.reason));
    if (!d.ok) return void (await respond({ text: `Nothing changed: ${escapeMrkdwn(d.reason)}.` }));
    const line = `:no_entry: Rejected by <@${user}>${reason ? `: ${escapeMrkdwn(reason)}` : '.'}`;
    const blocks = [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*${escapeMrkdwn(d.record.topology)}*: ${escapeMrkdwn(summaryLine(d.record.plan))}\n${line}`,
        },
      },
    ];
    await client.chat.update({ channel: meta.channel, ts: meta.ts, text: line, blocks: blocks as never[] });
  } catch (e) {
    await replyFault(deps.log, respond, e, 'reject form', (t) => deps.links(client, t.channel, t.ts));
  }
}

export function register(app: App, deps: SlackDeps): void {
  app.view(REJECT_VIEW, async ({ ack, view, body, client }) => {
    await ack();
    await afterPendingRequests();
    await onRejectForm(deps, {
      meta: view.private_metadata,
      reason: String(view.state.values.reason?.text?.value ?? ''),
      user: body.user.id,
      client,
    });
  });
}
