/**
 * `vpnbot serve` in Socket Mode: no inbound HTTP; the app opens a WebSocket (apps.connections.open
 * with its xapp- token) to a local server speaking Slack's envelope protocol (`hello`, envelopes,
 * acks by envelope id), and answers through the Web API of the local fake Slack.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeSlack } from '../fakes/fake-slack';
import { buttonClick, slashCommand } from '../helpers/slack-requests';

const BIN = join(__dirname, '..', '..', 'dist', 'commands', 'main.js');
let slack: FakeSlack;
let bot: ChildProcess;
let out = '';

beforeAll(async () => {
  slack = await new FakeSlack().start();
  slack.enableSocketMode();
  const cwd = mkdtempSync(join(tmpdir(), 'vpnbot-socket-'));
  bot = spawn(process.execPath, [BIN, 'serve'], {
    cwd,
    env: {
      PATH: process.env.PATH, HOME: cwd, SLACK_APP_TOKEN: 'xapp-1-test', SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: `${slack.url}/api/`,
      VPNBOT_TIME_SCALE: '0.002', VPNBOT_PROGRESS_INTERVAL_MS: '200', VPNBOT_LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  bot.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  bot.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await slack.waitFor('the app to connect over the socket', () => slack.socketConnected, 30_000);
  await slack.waitFor('the app to say it serves', () => out.includes('serving Slack'), 30_000);
});

afterAll(async () => {
  bot?.kill('SIGTERM');
  await slack?.stop();
});

describe('vpnbot serve (Socket Mode)', () => {
  it('says so, and opened the socket with the app-level token', () => {
    expect(out).toContain('Socket Mode');
    expect(slack.of('apps.connections.open')).toHaveLength(1);
  });

  it('acks a slash command envelope, plans in the channel, and runs the plan approved by a button envelope', async () => {
    const help = slack.sendEnvelope('slash_commands', slashCommand('help', 'U1', { responseUrl: `${slack.url}/respond/s-help` }));
    await slack.waitFor('the ack of the help envelope', () => slack.acks.get(help));
    expect(JSON.stringify(await slack.waitFor('help', () => slack.responses.find((r) => r.id === 's-help')?.body))).toContain('/vpn plan');

    const plan = slack.sendEnvelope('slash_commands', slashCommand('plan seed', 'U1', { responseUrl: `${slack.url}/respond/s-plan` }));
    await slack.waitFor('the ack of the plan envelope', () => slack.acks.get(plan));
    const post = await slack.waitFor('the plan in the channel', () => slack.of('chat.postMessage').find((c) => JSON.stringify(c.args.blocks ?? '').includes('plan.approve')));
    const planId = /"value":"(plan-[0-9a-f]+)"/.exec(JSON.stringify(post.args.blocks))![1]!;

    const click = JSON.parse(buttonClick('plan.approve', planId, 'U2', { messageTs: post.ts!, responseUrl: `${slack.url}/respond/s-click`, blocks: post.args.blocks as unknown[] }).payload!) as Record<string, unknown>;
    const approve = slack.sendEnvelope('interactive', click);
    await slack.waitFor('the ack of the click', () => slack.acks.get(approve));
    const done = await slack.waitFor('the final progress state', () => slack.of('chat.update').find((c) => JSON.stringify(c.args).includes('Done')), 60_000);
    expect(JSON.stringify(done.args)).toContain('33/33 steps');
  });
});
