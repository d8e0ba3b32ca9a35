/** Retry, Roll back, Keep as is: on a failed run's message in its thread. */
import type { ButtonClick } from '../../../commands/slack/listeners/button-click';
import { onFollowUp } from '../../../commands/slack/listeners/follow-up-buttons';
import { onUnknownButton } from '../../../commands/slack/listeners/unknown-button';
import { buildPlan } from '../../../src/planner/build-plan';
import { EMPTY_OBSERVED } from '../../../src/planner/observed';
import { type ListenerKit, listenerKit, recordingClient, recordingRespond } from '../../helpers/slack-listener-kit';
import { seedTopology } from '../../helpers/topologies';

let kit: ListenerKit;
beforeEach(async () => {
  kit = await listenerKit();
});
afterEach(() => kit.h.close());

const click = (value: string): ButtonClick => ({
  user: 'U2',
  value,
  channel: 'C1',
  messageTs: '2.2',
  threadTs: '1.1',
  message: { text: 'failed', blocks: [] },
  triggerId: 't',
});

describe('follow-up buttons', () => {
  it('Keep as is is audited and marks the message, changing nothing in the cloud', async () => {
    // A failed run of U1's: U2 may decide what becomes of it, as they may approve U1's plans.
    const plan = buildPlan(seedTopology(), EMPTY_OBSERVED);
    kit.h.store.claimRun({
      id: 'run-20261202-abcdef01',
      topology: 'ikev1test',
      kind: 'apply',
      plan,
      requester: 'U1',
      startedAt: 1,
      owner: 'gone/1/x',
      leaseUntil: 0,
    });
    kit.h.store.finishRun('run-20261202-abcdef01', 'failed', 2);
    const slack = recordingClient();
    const { respond, said } = recordingRespond();
    await onFollowUp(kit.deps, 'keep', click('run-20261202-abcdef01'), slack.client, respond);
    expect(said).toEqual([]);
    expect(slack.of('chat.update')[0]?.args).toMatchObject({
      channel: 'C1',
      ts: '2.2',
      text: expect.stringContaining('Kept as is by <@U2>'),
    });
    expect(kit.h.store.auditLog(5).find((a) => a.action === 'run.keep')).toMatchObject({
      actor: 'U2',
      subject: 'run-20261202-abcdef01',
    });
    expect(kit.h.emu.control.calls.size).toBe(0);
  });

  it('Retry, Roll back and Keep of a run vpnbot does not know answer privately, and do nothing', async () => {
    for (const what of ['retry', 'rollback', 'keep'] as const) {
      const slack = recordingClient();
      const { respond, said } = recordingRespond();
      await onFollowUp(kit.deps, what, click('run-unknown'), slack.client, respond);
      expect(said).toEqual([
        expect.objectContaining({ response_type: 'ephemeral', text: 'Nothing done: that run is unknown to vpnbot.' }),
      ]);
      expect(slack.calls).toEqual([]);
    }
  });

  it('a button this vpnbot does not know is answered, not left to time out', async () => {
    const { respond, said } = recordingRespond();
    await onUnknownButton(respond);
    expect(String(said[0]?.text)).toMatch(/^Nothing changed: that button is not one this vpnbot knows/);
  });
});
