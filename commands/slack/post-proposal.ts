/** A proposal posted in the channel (others must see it to approve), or the reason privately. */
import type { WebClient } from '@slack/web-api';
import { approverWords } from '../../src/app/approval-policy';
import { recordPlanMessage, type ProposalResult } from '../../src/app/use-cases';
import { messageArgs, planMessage, planTextChunks, problemsMessage, textMessage } from './blocks';
import type { Respond } from './private-reply';
import type { SlackDeps } from './slack-deps';

export async function postProposal(
  deps: SlackDeps,
  result: ProposalResult,
  kind: 'apply' | 'destroy' | 'rotate',
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
      ...textMessage(
        `No changes: the cloud matches topology *${proposal.record.topology}*.${services.sandbox ? ' [sandbox]' : ''}`,
      ),
    });
    return;
  }
  const message = planMessage(proposal, { sandbox: services.sandbox, approvers: approverWords(deps.policy), kind });
  const posted = await client.chat.postMessage({ channel, ...messageArgs(message) });
  recordPlanMessage(services, proposal.record.id, channel, posted.ts!);
  if (message.truncated) {
    for (const chunk of planTextChunks(proposal.record.text))
      await client.chat.postMessage({ channel, thread_ts: posted.ts!, text: chunk });
  }
}
