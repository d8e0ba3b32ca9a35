/**
 * The preflight in Slack: `/vpn doctor` answers the asker alone with each check and each finding's
 * fix; a plan posted with a blocking finding says so, and its Approve is refused with the reason
 * until the emulated account is fixed.
 */
import { onApprove } from '../../../commands/slack/listeners/approve-button';
import type { ButtonClick } from '../../../commands/slack/listeners/button-click';
import { onVpnCommand } from '../../../commands/slack/listeners/vpn-command';
import { handleControl } from '../../../src/emulator/server/control-api';
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

const run = async (text: string) => {
  const slack = recordingClient();
  const { respond, said } = recordingRespond();
  await onVpnCommand(kit.deps, { command: slash(text, 'U1', 'C1'), respond, client: slack.client });
  return { slack, said, text: JSON.stringify(said) };
};
const withhold = (actions: string[], grant = false) =>
  handleControl(kit.h.emu.world, kit.h.emu.control, 'POST', '/__emulator/permissions', {
    [grant ? 'grant' : 'withhold']: actions,
  });

describe('/vpn doctor', () => {
  it('answers the asker alone: every check passes on a clean account', async () => {
    const r = await run('doctor seed');
    expect(r.said).toHaveLength(1);
    expect(r.said[0]).toMatchObject({ response_type: 'ephemeral' });
    expect(r.text).toMatch(/Preflight of ikev1test\*: preflight: \d+ checks pass/);
    expect(r.text).toContain(':white_check_mark: permission: dry run of RunInstances');
    expect(r.slack.of('chat.postMessage')).toEqual([]);
    const alone = await run('doctor');
    expect(alone.text).toContain('preflight: 2 checks pass');
  });

  it('names a withheld permission, the RAM action to add, and that it blocks', async () => {
    withhold(['RunInstances']);
    const r = await run('doctor seed');
    expect(r.text).toContain('`preflight.permission.denied` ecs:RunInstances');
    expect(r.text).toContain(':no_entry: *blocking*');
    expect(r.text).toContain('fix: add `ecs:RunInstances`');
  });

  it('a bad topology is answered with its problems', async () => {
    const r = await run('doctor nowhere:10.0.0.0/8@mars');
    expect(r.said[0]).toMatchObject({ response_type: 'ephemeral' });
    expect(r.text).toMatch(/\[[a-z.-]+\]/);
  });

  it('a plan with a blocking finding says so, and Approve is refused with the reason until it is fixed', async () => {
    withhold(['CreateVpc']);
    const r = await run('plan seed');
    const [post] = r.slack.of('chat.postMessage');
    const blocks = JSON.stringify(post?.args.blocks);
    expect(blocks).toContain('approval is refused until these are fixed');
    expect(blocks).toContain('`preflight.permission.denied` vpc:CreateVpc');
    const planId = /"value":"(plan-[0-9a-f]{16})"/.exec(blocks)![1]!;
    const click: ButtonClick = {
      user: 'U2',
      value: planId,
      channel: 'C1',
      messageTs: String(post?.answer.ts),
      threadTs: String(post?.answer.ts),
      message: { text: 'plan', blocks: [] },
      triggerId: 't',
    };
    const slack = recordingClient();
    const { respond, said } = recordingRespond();
    await onApprove(kit.deps, click, slack.client, respond);
    expect(JSON.stringify(said)).toContain('preflight.permission.denied (vpc:CreateVpc)');
    expect(kit.h.store.plan(planId)?.status).toBe('pending');
    expect(kit.h.emu.inventory().counts.vpc).toBe(0);
    withhold(['CreateVpc'], true);
    await onApprove(kit.deps, click, slack.client, respond);
    expect(kit.h.store.plan(planId)?.status).toBe('applied');
  });
});
