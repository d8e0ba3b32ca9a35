/**
 * Approval rules through `vpnbot serve`: approvers given as a user and a user group (looked up
 * through the Web API), two approvals required, a non-approver refused, and a plan that expired.
 */
import { FakeSlack } from '../fakes/fake-slack';
import { proposeOverHttp, startServe, type ServeProcess } from '../helpers/serve-process';
import { buttonClick, postSigned, postSignedEvent, slashCommand } from '../helpers/slack-requests';

const SECRET = 'approval-rules-signing-secret';
let slack: FakeSlack;
let bot: ServeProcess;
let url = '';

beforeAll(async () => {
  slack = await new FakeSlack().start();
  slack.groups.set('SNETOPS', ['U7']);
  slack.channelMembers.set('C1', ['U1', 'U7', 'U9']);
  slack.groupHandles.set('SNETOPS', 'netops');
  // Plans live 15 s here, so that expiry can be seen (and a loaded machine still clicks in time).
  bot = startServe(slack, {
    PORT: '0',
    SLACK_SIGNING_SECRET: SECRET,
    VPNBOT_TIME_SCALE: '0.002',
    VPNBOT_APPROVERS: 'U9,SNETOPS',
    VPNBOT_REQUIRED_APPROVALS: '2',
    VPNBOT_PLAN_TTL_MINUTES: '0.25',
    VPNBOT_CHANNELS: 'C1',
  });
  url = await bot.url;
});

afterAll(async () => {
  bot?.stop();
  await slack?.stop();
});

const reply = (id: string) => slack.waitFor(`the reply ${id}`, () => slack.responses.find((r) => r.id === id)?.body);

async function planSeed(id: string, text = 'plan seed') {
  const { plan: post, planId, approve: click } = await proposeOverHttp(slack, url, SECRET, id, { text });
  return { post, planId, click };
}

describe('approval rules', () => {
  it('only approvers (by id or user group) count, two of them are needed, and the message says who approved so far', async () => {
    const { post, click } = await planSeed('a-plan');
    expect(JSON.stringify(post.args.blocks)).toContain('2 different approvers are needed');
    // The group is named by its handle, never mentioned: a mention would ping all of it on every plan.
    expect(JSON.stringify(post.args.blocks)).toContain('approvers: <@U9>, members of @netops (not the requester)');
    expect(JSON.stringify(post.args)).not.toContain('subteam');
    await click('U2', 'a-u2');
    expect(await reply('a-u2')).toMatchObject({ text: expect.stringContaining('you are not one of the approvers') });
    await click('U9', 'a-u9');
    expect(await reply('a-u9')).toMatchObject({ text: expect.stringContaining('needs 1 more') });
    await slack.waitFor('the approvals so far', () =>
      slack.of('chat.update').find((c) => JSON.stringify(c.args).includes('Approved by <@U9> (1 of 2)')),
    );
    await click('U7', 'a-u7');
    await slack.waitFor('the run to start', () =>
      slack
        .of('chat.update')
        .find((c) => JSON.stringify(c.args).includes('Approved by <@U9> and <@U7>: the run started')),
    );
    expect(slack.of('usergroups.users.list').map((c) => c.args.usergroup)).toContain('SNETOPS');
    await slack.waitFor(
      'the run done',
      () => slack.of('chat.update').find((c) => JSON.stringify(c.args).includes('Done')),
      60_000,
    );
  });

  it('a click from a channel not allowed, or carrying a tampered or foreign plan id, changes nothing and says why', async () => {
    // The first test applied the seed: another topology, so that there is a plan to click on.
    const { post, planId } = await planSeed(
      'c-plan',
      'plan corp dc:hk@cn-hongkong=192.168.0.0/16;hub=jp hub:jp@ap-northeast-1=172.16.0.0/12',
    );
    const click = (value: string, channel: string, rid: string) =>
      postSigned(
        url,
        SECRET,
        buttonClick('plan.approve', value, 'U9', {
          channel,
          messageTs: post.ts!,
          responseUrl: `${slack.url}/respond/${rid}`,
          blocks: post.args.blocks as unknown[],
        }),
      );
    await click(planId, 'C2', 'c-other-channel');
    expect(await reply('c-other-channel')).toMatchObject({
      text: expect.stringMatching(/^Nothing changed: .*channel/),
    });
    // One character changed (to a different one: an id may well end in 0 already).
    await click(`${planId.slice(0, -1)}${planId.endsWith('0') ? '1' : '0'}`, 'C1', 'c-tampered');
    expect(await reply('c-tampered')).toMatchObject({ text: 'Nothing changed: this plan is unknown to vpnbot.' });
    await click('plan-"><script>', 'C1', 'c-foreign');
    expect(await reply('c-foreign')).toMatchObject({ text: 'Nothing changed: this plan is unknown to vpnbot.' });
    // None of these counted: the plan still waits for two approvals.
    expect(slack.of('chat.update').filter((c) => c.args.ts === post.ts)).toEqual([]);
  });

  it('when the last approval arrives, the earlier ones are checked again: one whose approver left the group no longer counts', async () => {
    const { post, click } = await planSeed(
      'l-plan',
      'plan lapse dc:hk@cn-hongkong=192.168.0.0/16;hub=jp hub:jp@ap-northeast-1=172.20.0.0/16',
    );
    await click('U7', 'l-u7');
    expect(await reply('l-u7')).toMatchObject({ text: expect.stringContaining('needs 1 more') });
    // U7 leaves the group (the bot's cache of it is still fresh), then U9 gives what would be the last approval.
    slack.groups.set('SNETOPS', []);
    try {
      await click('U9', 'l-u9');
      expect(await reply('l-u9')).toMatchObject({
        text: 'Your approval is recorded; the plan needs 1 more (<@U7>: no longer allowed to approve, so that approval does not count).',
      });
      expect(
        slack.of('chat.update').filter((c) => c.args.ts === post.ts && JSON.stringify(c.args).includes('run started')),
      ).toEqual([]);
    } finally {
      slack.groups.set('SNETOPS', ['U7']);
      slack.channelMembers.set('C1', ['U1', 'U7', 'U9']);
      slack.groupHandles.set('SNETOPS', 'netops');
    }
  });

  it('the App Home and /vpn status are for the channels vpnbot may be used in', async () => {
    const home = async (user: string) => {
      const before = slack.of('views.publish').length;
      await postSignedEvent(url, SECRET, { type: 'app_home_opened', user, channel: 'D9', tab: 'home' });
      return JSON.stringify(
        (await slack.waitFor(`the home of ${user}`, () => slack.of('views.publish').slice(before)[0])).args.view,
      );
    };
    // A member of C1 sees the topologies; someone who is in none of vpnbot's channels is told where it is used.
    expect(await home('U9')).toContain('ikev1test');
    const outside = await home('U5');
    expect(outside).not.toContain('ikev1test');
    expect(outside).toContain('vpnbot is used in <#C1>');
    await postSigned(
      url,
      SECRET,
      slashCommand('status', 'U5', { channel: 'D9', responseUrl: `${slack.url}/respond/h-status` }),
    );
    const status = JSON.stringify(await reply('h-status'));
    expect(status).toContain('/vpn is not enabled in this channel');
    expect(status).not.toContain('ikev1test');
  });

  it('a plan superseded by a newer one loses its buttons and links to the newer one', async () => {
    const first = await planSeed('s-first', 'plan sup hub:jp@ap-northeast-1=172.24.0.0/16');
    const second = await planSeed('s-second', 'plan sup hub:jp@ap-northeast-1=172.25.0.0/16');
    const closed = await slack.waitFor('the first plan closed', () =>
      slack.of('chat.update').find((c) => c.args.ts === first.post.ts && JSON.stringify(c.args).includes('Superseded')),
    );
    const text = JSON.stringify(closed.args);
    expect(text).toContain(
      `Superseded by <https://acme.slack.com/archives/C1/p${second.post.ts!.replace('.', '')}|a newer plan>`,
    );
    expect(text).not.toContain('plan.approve');
    expect(closed.args.text).toBe('Plan for sup: superseded');
  });

  it('an expired plan loses its buttons by itself, and a late click changes nothing and says so', async () => {
    // The first test applied the seed; destroy makes a plan with changes again.
    const { post, click } = await planSeed('e-plan', 'destroy ikev1test');
    const closed = await slack.waitFor(
      'the expired plan closed',
      () => slack.of('chat.update').find((c) => c.args.ts === post.ts && JSON.stringify(c.args).includes('Expired')),
      30_000,
    );
    expect(JSON.stringify(closed.args)).not.toContain('plan.approve');
    await click('U9', 'e-late');
    expect(await reply('e-late')).toMatchObject({ text: expect.stringContaining('expired') });
  });
});
