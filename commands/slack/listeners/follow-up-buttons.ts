/**
 * Retry, Roll back and Keep as is, on a failed run's message in its thread. Retry runs what is left
 * under the same approval when it is part of what was approved (else proposes a new plan); Roll
 * back proposes deleting what the run created; Keep is audited and changes nothing.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import {
  followUpAllowed,
  keepRun,
  proposeRollback,
  retryRun,
  runInfo,
  type FollowUp,
} from '../../../src/app/use-cases';
import { decidedMessage, escapeMrkdwn, messageArgs } from '../blocks';
import { postProposal } from '../post-proposal';
import { replyFault, type Respond } from '../private-reply';
import { loggedListener, reportOutcome, startProgress } from '../run-thread';
import type { SlackDeps } from '../slack-deps';
import { ACTION_KEEP, ACTION_RETRY, ACTION_ROLLBACK } from '../slack-ids';
import { buttonClick, type ButtonClick } from './button-click';
import { afterPendingRequests } from '../after-pending-requests';

export type FollowUpKind = 'retry' | 'rollback' | 'keep';

export async function onFollowUp(
  deps: SlackDeps,
  what: FollowUpKind,
  click: ButtonClick,
  client: WebClient,
  respond: Respond,
): Promise<void> {
  const services = deps.services;
  try {
    const runId = click.value;
    const thread = { channel: click.channel, ts: click.threadTs };
    const who = {
      actor: click.user,
      now: Date.now(),
      policy: deps.policy,
      members: deps.members(client),
      channel: click.channel,
    };
    const done = (line: string) =>
      client.chat.update({
        channel: click.channel,
        ts: click.messageTs,
        ...messageArgs(decidedMessage(click.message, line)),
      });
    const refuse = (reason: string) =>
      respond({ response_type: 'ephemeral', replace_original: false, text: `Nothing done: ${escapeMrkdwn(reason)}.` });
    if (what === 'keep') {
      const kept = await keepRun(services, runId, who);
      if (!kept.ok) return void (await refuse(kept.reason));
      return void (await done(`Kept as is by <@${click.user}>.`));
    }
    let outcome: FollowUp;
    if (what === 'retry') {
      const run = runInfo(services, runId);
      // Asked before anything is posted: a refused click leaves the thread as it was.
      const allowed = run ? await followUpAllowed(services, 'retry', runId, run.planRequester, who) : undefined;
      if (allowed && !allowed.ok) return void (await refuse(allowed.reason));
      const progress = run ? await startProgress(deps, run.topology, run.kind, thread, client) : undefined;
      outcome = await retryRun(services, runId, {
        ...who,
        onEvent: loggedListener(deps, progress?.onEvent),
        thread,
      });
      if (progress) {
        if (outcome.kind === 'retried') await progress.finish();
        else
          await progress.close(
            outcome.kind === 'proposal'
              ? 'Not retried: what is left differs from what was approved; a new plan is posted for approval.'
              : `Not retried: ${escapeMrkdwn(outcome.reason)}.`,
          );
      }
    } else {
      outcome = await proposeRollback(services, runId, who);
    }
    if (outcome.kind === 'nothing') return void (await refuse(outcome.reason));
    if (outcome.kind === 'proposal') {
      await done(`${what === 'retry' ? 'Retry' : 'Rollback'} asked by <@${click.user}>: a new plan needs approval.`);
      return void (await postProposal(
        deps,
        { ok: true, proposal: outcome.proposal },
        what === 'rollback' ? 'destroy' : 'apply',
        click.channel,
        client,
        respond,
      ));
    }
    await done(`Retried by <@${click.user}>: ${outcome.outcome.result.status}.`);
    await reportOutcome(deps, outcome.outcome, thread, client);
  } catch (e) {
    await replyFault(deps.log, respond, e, `follow-up ${what}`, (t) => deps.links(client, t.channel, t.ts));
  }
}

export function register(app: App, deps: SlackDeps): void {
  for (const [actionId, what] of [
    [ACTION_RETRY, 'retry'],
    [ACTION_ROLLBACK, 'rollback'],
    [ACTION_KEEP, 'keep'],
  ] as const) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, client, respond }) => {
      await ack();
      await afterPendingRequests();
      await onFollowUp(deps, what, buttonClick(body, action), client, respond);
    });
  }
}
