/**
 * `vpnbot serve` in Socket Mode: no inbound HTTP; the app opens a WebSocket (apps.connections.open
 * with its xapp- token) to a local server speaking Slack's envelope protocol (`hello`, envelopes,
 * acks by envelope id), and answers through the Web API of the local fake Slack.
 */
import { FakeSlack } from '../fakes/fake-slack';
import { startServe, type ServeProcess } from '../helpers/serve-process';
import { buttonClick, planIdOf, slashCommand } from '../helpers/slack-requests';
import { SEED_STEPS } from '../helpers/topologies';

let slack: FakeSlack;
let bot: ServeProcess;

beforeAll(async () => {
  slack = await new FakeSlack().start();
  slack.enableSocketMode();
  bot = startServe(slack, { SLACK_APP_TOKEN: 'xapp-1-test', VPNBOT_TIME_SCALE: '0.002' });
  await slack.waitFor('the app to connect over the socket', () => slack.socketConnected, 30_000);
  await slack.waitFor('the app to say it serves', () => bot.output().includes('serving Slack'), 30_000);
});

afterAll(async () => {
  bot?.stop();
  await slack?.stop();
});

describe('vpnbot serve (Socket Mode)', () => {
  it('says so, and opened the socket with the app-level token', () => {
    expect(bot.output()).toContain('Socket Mode');
    expect(slack.of('apps.connections.open')).toHaveLength(1);
  });

  it('acks a slash command envelope, plans in the channel, and runs the plan approved by a button envelope', async () => {
    const help = slack.sendEnvelope(
      'slash_commands',
      slashCommand('help', 'U1', { responseUrl: `${slack.url}/respond/s-help` }),
    );
    await slack.waitFor('the ack of the help envelope', () => slack.acks.get(help));
    expect(
      JSON.stringify(await slack.waitFor('help', () => slack.responses.find((r) => r.id === 's-help')?.body)),
    ).toContain('/vpn plan');

    const plan = slack.sendEnvelope(
      'slash_commands',
      slashCommand('plan seed', 'U1', { responseUrl: `${slack.url}/respond/s-plan` }),
    );
    await slack.waitFor('the ack of the plan envelope', () => slack.acks.get(plan));
    const post = await slack.waitFor('the plan in the channel', () =>
      slack.of('chat.postMessage').find((c) => JSON.stringify(c.args.blocks ?? '').includes('plan.approve')),
    );
    const planId = planIdOf(post.args.blocks);

    const click = JSON.parse(
      buttonClick('plan.approve', planId, 'U2', {
        messageTs: post.ts!,
        responseUrl: `${slack.url}/respond/s-click`,
        blocks: post.args.blocks as unknown[],
      }).payload!,
    ) as Record<string, unknown>;
    const approve = slack.sendEnvelope('interactive', click);
    await slack.waitFor('the ack of the click', () => slack.acks.get(approve));
    const done = await slack.waitFor(
      'the final progress state',
      () => slack.of('chat.update').find((c) => JSON.stringify(c.args).includes('Done')),
      60_000,
    );
    expect(JSON.stringify(done.args)).toContain(`${SEED_STEPS}/${SEED_STEPS} steps`);
  });
});
