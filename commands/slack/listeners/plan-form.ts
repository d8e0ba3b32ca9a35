/** The plan form's submission: refused in the form itself when the topology is invalid, posted otherwise. */
import type { AckFn, App, ViewResponseAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { proposeTopology } from '../../../src/app/use-cases';
import { postProposal } from '../post-proposal';
import { replyFault, type Respond } from '../private-reply';
import type { SlackDeps } from '../slack-deps';
import { PLAN_VIEW } from '../slack-ids';

export interface PlanFormArgs {
  /** The YAML typed in, and the channel the form was opened in. */
  readonly text: string;
  readonly channel: string;
  readonly user: string;
  readonly ack: AckFn<ViewResponseAction>;
  readonly client: WebClient;
}

export async function onPlanForm(deps: SlackDeps, { text, channel, user, ack, client }: PlanFormArgs): Promise<void> {
  const result = await proposeTopology(deps.services, { text, form: 'yaml' }, deps.validation, {
    requester: user,
    now: Date.now(),
    policy: deps.policy,
  });
  if (!result.ok) {
    const words =
      'refusal' in result
        ? result.refusal
        : result.problems
            .slice(0, 5)
            .map((p) => `${p.path ? `${p.path}: ` : ''}${p.message} (${p.hint})`)
            .join('\n');
    await ack({ response_action: 'errors', errors: { topology: words.slice(0, 1900) } });
    return;
  }
  await ack();
  const respond: Respond = (m) =>
    client.chat.postEphemeral({
      channel,
      user,
      text: String(m.text ?? ''),
      ...(m.blocks ? { blocks: m.blocks as never[] } : {}),
    });
  try {
    await postProposal(deps, result, 'apply', channel, client, respond);
  } catch (e) {
    await replyFault(deps.log, respond, e, 'view');
  }
}

export function register(app: App, deps: SlackDeps): void {
  app.view(PLAN_VIEW, async ({ ack, view, body, client }) => {
    // A view submission's ack may carry a response action (the form's errors).
    const respondInForm = ack as AckFn<ViewResponseAction>;
    await onPlanForm(deps, {
      text: String(view.state.values.topology?.yaml?.value ?? ''),
      channel: view.private_metadata,
      user: body.user.id,
      ack: respondInForm,
      client,
    });
  });
}
