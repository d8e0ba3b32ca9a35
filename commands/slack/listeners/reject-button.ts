/** Reject asks why first: it opens the reject form; the decision is made when the form is sent. */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { rejectView } from '../forms';
import { replyFault, type Respond } from '../private-reply';
import type { SlackDeps } from '../slack-deps';
import { ACTION_REJECT } from '../slack-ids';
import { buttonClick, type ButtonClick } from './button-click';
import { afterPendingRequests } from '../after-pending-requests';

export async function onReject(
  deps: SlackDeps,
  click: ButtonClick,
  client: WebClient,
  respond: Respond,
): Promise<void> {
  try {
    const meta = JSON.stringify({ planId: click.value, channel: click.channel, ts: click.messageTs });
    await client.views.open({ trigger_id: click.triggerId, view: rejectView(meta) as never });
  } catch (e) {
    await replyFault(deps.log, respond, e, 'reject', (t) => deps.links(client, t.channel, t.ts));
  }
}

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTION_REJECT, async ({ ack, body, action, client, respond }) => {
    await ack();
    await afterPendingRequests();
    await onReject(deps, buttonClick(body, action), client, respond);
  });
}
