/** Reject: the button asks why (a form); the form rejects with the reason and says so in the plan message. */
import type { ButtonClick } from '../../../commands/slack/listeners/button-click';
import { onReject } from '../../../commands/slack/listeners/reject-button';
import { onRejectForm } from '../../../commands/slack/listeners/reject-form';
import { REJECT_VIEW } from '../../../commands/slack/slack-ids';
import { proposeTopology } from '../../../src/app/use-cases';
import { type ListenerKit, listenerKit, recordingClient, recordingRespond } from '../../helpers/slack-listener-kit';

let kit: ListenerKit;
beforeEach(async () => {
  kit = await listenerKit();
});
afterEach(() => kit.h.close());

describe('Reject', () => {
  it('opens the reject form carrying the plan and its message, then rejects with the reason, escaped', async () => {
    const r = await proposeTopology(kit.deps.services, { text: 'seed', form: 'line' }, kit.deps.validation, {
      requester: 'U1',
      now: Date.now(),
      policy: kit.deps.policy,
    });
    if (!r.ok) throw new Error('no plan');
    const planId = r.proposal.record.id;
    const slack = recordingClient();
    const { respond, said } = recordingRespond();
    const button: ButtonClick = {
      user: 'U2',
      value: planId,
      channel: 'C1',
      messageTs: '1.5',
      threadTs: '1.5',
      message: { text: '', blocks: [] },
      triggerId: 'trig-9',
    };
    await onReject(kit.deps, button, slack.client, respond);
    const [open] = slack.of('views.open');
    expect(open?.args).toMatchObject({ trigger_id: 'trig-9', view: { callback_id: REJECT_VIEW } });
    const meta = String((open?.args.view as { private_metadata?: string } | undefined)?.private_metadata);
    expect(JSON.parse(meta)).toEqual({ planId, channel: 'C1', ts: '1.5' });

    await onRejectForm(kit.deps, { meta, reason: '  not <@U0> today  ', user: 'U2', client: slack.client });
    const [update] = slack.of('chat.update');
    expect(update?.args).toMatchObject({
      channel: 'C1',
      ts: '1.5',
      text: ':no_entry: Rejected by <@U2>: not &lt;@U0&gt; today',
    });
    expect(kit.h.store.plan(planId)?.status).toBe('rejected');
    expect(said).toEqual([]);
  });

  it('ignores a form whose metadata is not its own', async () => {
    const slack = recordingClient();
    await onRejectForm(kit.deps, { meta: 'not json', reason: '', user: 'U2', client: slack.client });
    expect(slack.calls).toEqual([]);
  });
});
