/** Approve: refused for the requester, recorded until enough approvers, then the run and its matrix in the thread. */
import { onApprove } from '../../../commands/slack/listeners/approve-button';
import type { ButtonClick } from '../../../commands/slack/listeners/button-click';
import { proposeTopology } from '../../../src/app/use-cases';
import { type ListenerKit, listenerKit, recordingClient, recordingRespond } from '../../helpers/slack-listener-kit';

let kit: ListenerKit;
afterEach(() => kit.h.close());

async function proposeSeed(): Promise<string> {
  const r = await proposeTopology(kit.deps.services, { text: 'seed', form: 'line' }, kit.deps.validation, {
    requester: 'U1',
    now: Date.now(),
    policy: kit.deps.policy,
  });
  if (!r.ok) throw new Error('seed did not plan');
  return r.proposal.record.id;
}

const click = (planId: string, user: string): ButtonClick => ({
  user,
  value: planId,
  channel: 'C1',
  messageTs: '1700000000.000100',
  threadTs: '1700000000.000100',
  message: { text: 'plan', blocks: [] },
  triggerId: 't',
});

describe('Approve', () => {
  it('is refused for the requester, privately, and changes nothing', async () => {
    kit = await listenerKit();
    const planId = await proposeSeed();
    const slack = recordingClient();
    const { respond, said } = recordingRespond();
    await onApprove(kit.deps, click(planId, 'U1'), slack.client, respond);
    expect(said).toEqual([
      expect.objectContaining({ response_type: 'ephemeral', text: expect.stringMatching(/^Nothing changed: /) }),
    ]);
    expect(slack.calls).toEqual([]);
    expect(kit.h.store.plan(planId)?.status).toBe('pending');
  });

  it('records one approval of two, then runs the plan in the thread and posts its matrix there', async () => {
    kit = await listenerKit({ requiredApprovals: 2 });
    const planId = await proposeSeed();
    const slack = recordingClient();
    const { respond, said } = recordingRespond();
    await onApprove(kit.deps, click(planId, 'U2'), slack.client, respond);
    expect(said.map((m) => m.text)).toEqual(['Your approval is recorded; the plan needs 1 more.']);
    expect(slack.of('chat.update')).toHaveLength(1);

    await onApprove(kit.deps, click(planId, 'U3'), slack.client, respond);
    const inThread = slack.of('chat.postMessage').filter((c) => c.args.thread_ts === '1700000000.000100');
    expect(String(inThread[0]?.args.text)).toMatch(/^Applying ikev1test/);
    expect(inThread.some((c) => String(c.args.text).startsWith('Ping matrix for ikev1test'))).toBe(true);
    expect(slack.of('files.uploadV2')).toHaveLength(1);
    expect(JSON.stringify(slack.of('chat.update').at(-1)?.args)).toContain('Done');
    expect(kit.h.store.plan(planId)?.status).toBe('applied');
  });
});
