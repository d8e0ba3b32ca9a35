/** The plan form's submission: errors in the form itself, or the plan posted in its channel. */
import { onPlanForm } from '../../../commands/slack/listeners/plan-form';
import { type ListenerKit, listenerKit, recordingClient } from '../../helpers/slack-listener-kit';

let kit: ListenerKit;
beforeEach(async () => {
  kit = await listenerKit();
});
afterEach(() => kit.h.close());

describe('the plan form', () => {
  it('keeps an invalid topology in the form, with the problem under the field', async () => {
    const slack = recordingClient();
    const acks: unknown[] = [];
    await onPlanForm(kit.deps, {
      text: 'name: x\nsites: []\n',
      meta: JSON.stringify({ channel: 'C1' }),
      user: 'U1',
      ack: async (r) => void acks.push(r),
      client: slack.client,
    });
    expect(acks).toEqual([{ response_action: 'errors', errors: { topology: expect.stringContaining('sites') } }]);
    expect(slack.calls).toEqual([]);
  });

  it("posts a valid topology's plan in the channel the form was opened in", async () => {
    const slack = recordingClient();
    const acks: unknown[] = [];
    const yaml =
      'name: f\nsites:\n  - { name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12] }\n  - { name: us, role: spoke, region: us-west-1, cidrs: [10.0.0.0/8] }\n';
    await onPlanForm(kit.deps, {
      text: yaml,
      meta: JSON.stringify({ channel: 'C7' }),
      user: 'U1',
      ack: async (r) => void acks.push(r),
      client: slack.client,
    });
    expect(acks).toEqual([undefined]);
    expect(slack.of('chat.postMessage').map((c) => c.args.channel)).toEqual(['C7']);
  });
});
