/** Approve: one approval recorded (the plan waits for more), or the last one, which starts the run in the plan's thread. */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { decidePlan } from '../../../src/app/use-cases';
import { approvalsSoFar, decidedMessage, escapeMrkdwn, messageArgs } from '../blocks';
import { replyFault, type Respond } from '../private-reply';
import { closedByRefusal, closePlanMessage } from '../closed-plan';
import { runInThread } from '../run-thread';
import type { SlackDeps } from '../slack-deps';
import { ACTION_APPROVE } from '../slack-ids';
import { buttonClick, type ButtonClick } from './button-click';
import { afterPendingRequests } from '../after-pending-requests';

/** Every approver, as mentions: "<@A>", "<@A> and <@B>", "<@A>, <@B> and <@C>". */
export function names(users: readonly string[]): string {
  const m = users.map((u) => `<@${u}>`);
  return m.length <= 1 ? (m[0] ?? '') : `${m.slice(0, -1).join(', ')} and ${m.at(-1)}`;
}

export async function onApprove(
  deps: SlackDeps,
  click: ButtonClick,
  client: WebClient,
  respond: Respond,
): Promise<void> {
  try {
    const d = await decidePlan(deps.services, {
      planId: click.value,
      actor: click.user,
      decision: 'approve',
      now: Date.now(),
      policy: deps.policy,
      members: deps.members(client),
      channel: click.channel,
    });
    if (!d.ok && d.closed) await closePlanMessage(deps, client, d.closed.record, closedByRefusal(d.closed, d.reason));
    if (!d.ok)
      return void (await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: `Nothing changed: ${escapeMrkdwn(d.reason)}.`,
      }));
    const channel = click.channel || d.record.message?.channel || '';
    const ts = click.messageTs || d.record.message?.ts || '';
    if (!d.complete) {
      await client.chat.update({
        channel,
        ts,
        ...messageArgs(approvalsSoFar(click.message, d.approvers, deps.policy.requiredApprovals)),
      });
      const lapsed = d.lapsed.length
        ? ` (${d.lapsed.map((a) => `<@${a}>`).join(', ')}: no longer allowed to approve, so ${d.lapsed.length === 1 ? 'that approval does' : 'those approvals do'} not count)`
        : '';
      return void (await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: `Your approval is recorded; the plan needs ${deps.policy.requiredApprovals - d.approvers.length} more${lapsed}.`,
      }));
    }
    await client.chat.update({
      channel,
      ts,
      ...messageArgs(
        decidedMessage(
          click.message,
          `:white_check_mark: Approved by ${names(d.approvers)}: the run started; progress is in the thread.`,
        ),
      ),
    });
    await deps.track(runInThread(deps, d.record, { channel, ts }, client));
  } catch (e) {
    await replyFault(deps.log, respond, e, 'approve', (t) => deps.links(client, t.channel, t.ts));
  }
}

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTION_APPROVE, async ({ ack, body, action, client, respond }) => {
    await ack();
    await afterPendingRequests();
    await onApprove(deps, buttonClick(body, action), client, respond);
  });
}
