/**
 * The plan form's submission, acknowledged first, always: what can be judged from the text alone
 * (syntax, shape, CIDRs) is shown in the form itself at once; planning against the cloud comes
 * after the acknowledgement (with a slow cloud it takes longer than Slack's 3 s), and its answer is
 * the plan in the channel, or the problems privately through the command's response URL.
 */
import type { AckFn, App, ViewResponseAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { precheckTopology, proposeTopology } from '../../../src/app/use-cases';
import { planFormMeta } from '../forms';
import { busyText } from '../per-user-limit';
import { postProposal } from '../post-proposal';
import { replyFault, respondVia, type Respond } from '../private-reply';
import type { SlackDeps } from '../slack-deps';
import { PLAN_VIEW } from '../slack-ids';

export interface PlanFormArgs {
  /** The YAML typed in, and the form's metadata (the channel it was opened in, the command's response URL). */
  readonly text: string;
  readonly meta: string;
  readonly user: string;
  readonly ack: AckFn<ViewResponseAction>;
  readonly client: WebClient;
}

export async function onPlanForm(deps: SlackDeps, { text, meta: raw, user, ack, client }: PlanFormArgs): Promise<void> {
  const meta = planFormMeta(raw);
  const problems = precheckTopology({ text, form: 'yaml' }, deps.validation);
  if (problems.length > 0) {
    const words = problems
      .slice(0, 5)
      .map((p) => `${p.path ? `${p.path}: ` : ''}${p.message} (${p.hint})`)
      .join('\n');
    await ack({ response_action: 'errors', errors: { topology: words.slice(0, 1900) } });
    return;
  }
  await ack();
  const respond: Respond = meta.responseUrl
    ? respondVia(meta.responseUrl)
    : (m) =>
        client.chat.postEphemeral({
          channel: meta.channel,
          user,
          text: String(m.text ?? ''),
          ...(m.blocks ? { blocks: m.blocks as never[] } : {}),
        });
  const slot = deps.perUser.enter(user);
  if (!slot)
    return void (await respond({ response_type: 'ephemeral', text: busyText(deps.perUser) }).catch(() => undefined));
  try {
    const release = await deps.heavyWork.turn();
    try {
      const result = await proposeTopology(deps.services, { text, form: 'yaml' }, deps.validation, {
        requester: user,
        now: Date.now(),
        policy: deps.policy,
      });
      await postProposal(deps, result, 'apply', meta.channel, client, respond);
    } finally {
      release();
    }
  } catch (e) {
    await replyFault(deps.log, respond, e, 'view', (t) => deps.links(client, t.channel, t.ts));
  } finally {
    slot();
  }
}

export function register(app: App, deps: SlackDeps): void {
  app.view(PLAN_VIEW, async ({ ack, view, body, client }) => {
    // A view submission's ack may carry a response action (the form's errors).
    const respondInForm = ack as AckFn<ViewResponseAction>;
    await onPlanForm(deps, {
      text: String(view.state.values.topology?.yaml?.value ?? ''),
      meta: view.private_metadata,
      user: body.user.id,
      ack: respondInForm,
      client,
    });
  });
}
