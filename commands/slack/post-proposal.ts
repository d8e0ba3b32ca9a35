/** A proposal posted in the channel (others must see it to approve), or the reason privately. */
import type { WebClient } from '@slack/web-api';
import { approverWords } from '../../src/app/approval-policy';
import { planNotPosted, recordPlanMessage, type ProposalResult } from '../../src/app/use-cases';
import {
  escapeMrkdwn,
  messageArgs,
  mrkdwnMessage,
  planMessage,
  planTextChunks,
  problemsMessage,
  textMessage,
} from './blocks';
import type { Respond } from './private-reply';
import type { SlackDeps } from './slack-deps';
import { cannotPostThere, WHERE_HINT } from './where-to-post';

export async function postProposal(
  deps: SlackDeps,
  result: ProposalResult,
  kind: 'apply' | 'destroy',
  channel: string,
  client: WebClient,
  respond: Respond,
): Promise<void> {
  const { services } = deps;
  if (!result.ok) {
    await respond({
      response_type: 'ephemeral',
      ...('refusal' in result ? textMessage(result.refusal) : problemsMessage(result.problems)),
    });
    return;
  }
  const proposal = result.proposal;
  if (!proposal.changes) {
    await respond({
      response_type: 'ephemeral',
      ...mrkdwnMessage(
        `No changes: the cloud matches topology *${escapeMrkdwn(proposal.record.topology)}*.${services.sandbox ? ' [sandbox]' : ''}`,
      ),
    });
    return;
  }
  const message = planMessage(proposal, { sandbox: services.sandbox, approvers: approverWords(deps.policy), kind });
  let posted: Awaited<ReturnType<WebClient['chat']['postMessage']>>;
  try {
    posted = await client.chat.postMessage({ channel, ...messageArgs(message) });
  } catch (e) {
    if (!cannotPostThere(e)) throw e;
    // Nobody can see it, so nobody can approve it: withdrawn, and the requester told what to do.
    planNotPosted(services, proposal.record.id, proposal.record.requester, Date.now());
    return void (await respond({
      response_type: 'ephemeral',
      text: `${WHERE_HINT['not-a-member']} The plan was withdrawn.`,
    }));
  }
  recordPlanMessage(services, proposal.record.id, channel, posted.ts!);
  if (message.truncated) {
    for (const chunk of planTextChunks(proposal.record.text))
      await client.chat.postMessage({ channel, thread_ts: posted.ts!, text: chunk });
  }
}
