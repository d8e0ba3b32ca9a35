/** A proposal posted in the channel (others must see it to approve), or the reason privately. */
import type { WebClient } from '@slack/web-api';
import { approverWords } from '../../src/app/approval-policy';
import {
  planNotPosted,
  plansById,
  recordPlanMessage,
  type Proposal,
  type ProposalResult,
} from '../../src/app/use-cases';
import { closePlanMessage } from './closed-plan';
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
      ...mrkdwnMessage(
        `No changes: the cloud matches topology *${escapeMrkdwn(proposal.record.topology)}*.${services.sandbox ? ' [sandbox]' : ''}`,
      ),
    });
    return;
  }
  const message = planMessage(proposal, {
    sandbox: services.sandbox,
    approvers: approverWords(deps.policy, deps.groupName),
    kind,
  });
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
  if (message.truncated) await postPlanFile(deps, proposal, channel, posted.ts!, client);
  if (proposal.superseded.length > 0) {
    const link = await deps.links(client, channel, posted.ts!);
    for (const old of plansById(services, proposal.superseded))
      await closePlanMessage(deps, client, old, { status: 'superseded', by: link ? { link } : {} });
  }
}

/**
 * The whole plan, as a text file in the plan's thread: what a large plan's message only summarises
 * (Slack users cannot run `vpnbot plan`). If the upload fails, its first parts are posted as text.
 */
async function postPlanFile(
  deps: SlackDeps,
  proposal: Proposal,
  channel: string,
  threadTs: string,
  client: WebClient,
): Promise<void> {
  const { record } = proposal;
  const short = record.hash.slice(0, 12);
  try {
    await client.files.uploadV2({
      channel_id: channel,
      thread_ts: threadTs,
      content: record.text,
      filename: `${record.topology}-plan-${short}.txt`,
      title: `Plan ${short} for ${record.topology}${deps.services.sandbox ? ' (sandbox)' : ''}: every change, by site`,
    });
  } catch (e) {
    deps.log.warn({ err: e }, 'the plan file could not be uploaded; posting its first parts');
    const parts = planTextChunks(record.text, 3);
    await client.chat.postMessage({
      channel,
      thread_ts: threadTs,
      text: `The full plan could not be uploaded as a file; its first ${Math.min(3, parts.length)} parts follow. An operator can print all of it with \`vpnbot plan\`.`,
    });
    for (const chunk of parts) await client.chat.postMessage({ channel, thread_ts: threadTs, text: chunk });
  }
}
