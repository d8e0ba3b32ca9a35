/** `/vpn`: each kind of command answered as a plain function call (no HTTP, no Bolt). */
import { onVpnCommand } from '../../../commands/slack/listeners/vpn-command';
import { PLAN_VIEW } from '../../../commands/slack/slack-ids';
import { runToEnd } from '../../../src/app/run-to-end';
import { decidePlan, proposeTopology } from '../../../src/app/use-cases';
import { ONPREM_YAML } from '../../helpers/topologies';
import {
  type ListenerKit,
  listenerKit,
  recordingClient,
  recordingRespond,
  slash,
} from '../../helpers/slack-listener-kit';

let kit: ListenerKit;
beforeEach(async () => {
  kit = await listenerKit();
});
afterEach(() => kit.h.close());

const run = async (text: string, deps = kit.deps, channel = 'C1') => {
  const slack = recordingClient();
  const { respond, said } = recordingRespond();
  await onVpnCommand(deps, { command: slash(text, 'U1', channel), respond, client: slack.client });
  return { slack, said, text: JSON.stringify(said) };
};

describe('/vpn', () => {
  it('help and invalid input are answered privately', async () => {
    const help = await run('help');
    expect(help.said[0]).toMatchObject({ response_type: 'ephemeral' });
    expect(help.text).toContain('/vpn plan');
    const bad = await run('plna seed');
    expect(bad.said[0]).toMatchObject({ response_type: 'ephemeral' });
    expect(bad.text).toContain('did you mean');
    expect(bad.slack.calls).toEqual([]);
  });

  it('plan posts the plan in the channel with Approve and Reject, and records where', async () => {
    const r = await run('plan seed');
    const [post] = r.slack.of('chat.postMessage');
    expect(post?.args.channel).toBe('C1');
    expect(JSON.stringify(post?.args.blocks)).toContain('plan.approve');
    expect(JSON.stringify(post?.args.blocks)).toContain('plan.reject');
    const planId = /"value":"(plan-[0-9a-f]{16})"/.exec(JSON.stringify(post?.args.blocks))![1]!;
    expect(kit.h.store.plan(planId)?.message).toEqual({ channel: 'C1', ts: post?.answer.ts });
  });

  it('plan alone opens the plan form for this channel', async () => {
    const r = await run('plan');
    const [open] = r.slack.of('views.open');
    const view = open?.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(PLAN_VIEW);
    expect(JSON.parse(view.private_metadata)).toMatchObject({ channel: 'C1' });
  });

  it('a channel outside VPNBOT_CHANNELS is refused privately, with nothing planned', async () => {
    const r = await run('plan seed', { ...kit.deps, policy: { ...kit.deps.policy, channels: ['C9'] } });
    expect(r.said[0]).toMatchObject({ response_type: 'ephemeral' });
    expect(r.slack.calls).toEqual([]);
  });

  it('status and ping of an unknown topology say so privately', async () => {
    expect((await run('status nosuch')).text).toContain('No topology named \\"nosuch\\"');
    const ping = await run('ping nosuch');
    expect(ping.text).toContain('no topology named \\"nosuch\\"');
    expect(ping.slack.of('chat.postMessage')).toEqual([]);
  });

  it("config sends the device file to the asker's direct message (keys for an owner only); rotate of an unknown topology is refused privately", async () => {
    const policy = { ...kit.deps.policy, allowSelfApproval: true };
    const p = await proposeTopology(
      kit.deps.services,
      { text: ONPREM_YAML, form: 'yaml' },
      { ipsecConnectionQuota: 10 },
      { requester: 'U1', now: Date.now(), policy },
    );
    if (!p.ok) throw new Error(JSON.stringify(p));
    const d = await decidePlan(kit.deps.services, {
      planId: p.proposal.record.id,
      actor: 'U1',
      decision: 'approve',
      now: Date.now(),
      policy,
    });
    if (!d.ok) throw new Error(d.reason);
    await runToEnd(kit.deps.services, d.record);
    const ask = async (user: string) => {
      const slack = recordingClient();
      const { respond, said } = recordingRespond();
      await onVpnCommand(kit.deps, {
        command: slash('config hybrid dc1 fortios', user),
        respond,
        client: slack.client,
      });
      return { slack, said };
    };
    const owner = await ask('UOWNER1');
    expect(owner.slack.of('conversations.open')[0]?.args).toEqual({ users: 'UOWNER1' });
    const [upload] = owner.slack.of('files.uploadV2');
    expect(upload?.args).toMatchObject({ channel_id: 'DOWNER1', filename: 'vpnbot-hybrid-dc1.fortios.conf' });
    expect(String(upload?.args.file)).toMatch(/set psksecret [A-Za-z0-9]{32}/);
    expect(owner.said[0]).toMatchObject({ response_type: 'ephemeral' });
    const other = await ask('U9');
    expect(String(other.slack.of('files.uploadV2')[0]?.args.file)).toContain('set psksecret ********');
    expect(JSON.stringify(other.said)).toContain('with the keys masked');

    const r = await run('rotate nosuch');
    expect(r.said[0]).toMatchObject({ response_type: 'ephemeral' });
    expect(r.text).toContain('no topology named \\"nosuch\\"');
    expect(r.slack.calls).toEqual([]);
  });
});
