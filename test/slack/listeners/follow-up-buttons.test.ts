/** Retry, Roll back, Keep as is: on a failed run's message in its thread. */
import type { ButtonClick } from '../../../commands/slack/listeners/button-click';
import { onFollowUp } from '../../../commands/slack/listeners/follow-up-buttons';
import { onUnknownButton } from '../../../commands/slack/listeners/unknown-button';
import { type ListenerKit, listenerKit, recordingClient, recordingRespond } from '../../helpers/slack-listener-kit';

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
    const slack = recordingClient();
    const { respond } = recordingRespond();
    await onFollowUp(kit.deps, 'keep', click('run-20261202-abcdef01'), slack.client, respond);
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

  it('Retry and Roll back of a run vpnbot does not know answer privately, and do nothing', async () => {
    for (const what of ['retry', 'rollback'] as const) {
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
