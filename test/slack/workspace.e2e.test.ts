/**
 * vpnbot in a real workspace, through `vpnbot serve` (signed requests, the fake Slack): it refuses
 * to start with nobody named to approve unless told that anyone may; it serves only the workspace
 * its token belongs to (auth.test), refusing commands and clicks from another one, and clicks by a
 * user of another organisation; it says where it really listens.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { FakeSlack } from '../fakes/fake-slack';
import { proposeOverHttp, startServe, type ServeProcess } from '../helpers/serve-process';
import { buttonClick, postSigned, slashCommand } from '../helpers/slack-requests';

const SECRET = 'workspace-test-signing-secret';
let slack: FakeSlack;
const bots: ServeProcess[] = [];

beforeAll(async () => {
  slack = await new FakeSlack().start();
});
afterAll(async () => {
  for (const b of bots) b.stop();
  await slack?.stop();
});

const exitOf = (bot: ServeProcess) => new Promise<number | null>((r) => bot.child.once('exit', (code) => r(code)));

describe('starting', () => {
  it('refuses to start when nobody is named to approve, and says how to choose', async () => {
    const bot = startServe(slack, { PORT: '0', SLACK_SIGNING_SECRET: SECRET, VPNBOT_ANYONE_MAY_APPROVE: 'false' });
    bots.push(bot);
    void bot.url.catch(() => undefined);
    expect(await exitOf(bot)).toBe(2);
    expect(bot.output()).toContain('vpnbot serve needs to know who may approve plans');
    expect(bot.output()).toContain('VPNBOT_ANYONE_MAY_APPROVE=true');
  });

  it('prints the address it really listens on: every interface when HOST is unset', async () => {
    const bot = startServe(slack, { PORT: '0', SLACK_SIGNING_SECRET: SECRET, HOST: '' });
    bots.push(bot);
    void bot.url.catch(() => undefined);
    const line = await slack.waitFor(
      'the listening line',
      () => /HTTP on (\S+)\/slack\/events.*/.exec(bot.output()) ?? undefined,
    );
    expect(line[1]).toMatch(/^http:\/\/(\[::\]|0\.0\.0\.0):\d+$/);
    expect(line[0]).toContain('every interface');
    const port = /:(\d+)$/.exec(line[1]!)![1];
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    bot.stop();
  });
});

describe('one workspace', () => {
  let bot: ServeProcess;
  let url = '';
  beforeAll(async () => {
    bot = startServe(slack, { PORT: '0', SLACK_SIGNING_SECRET: SECRET, VPNBOT_TIME_SCALE: '0.002' });
    bots.push(bot);
    url = await bot.url;
  });

  it('learns its workspace from auth.test and refuses a command from another one, in words, changing nothing', async () => {
    await slack.waitFor('auth.test', () => slack.of('auth.test')[0]);
    const before = slack.of('chat.postMessage').length;
    const r = await postSigned(
      url,
      SECRET,
      slashCommand('plan seed', 'U1', { team: 'T2', responseUrl: `${slack.url}/respond/w-foreign` }),
    );
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({
      response_type: 'ephemeral',
      text: 'This vpnbot serves another Slack workspace: nothing was done.',
    });
    await new Promise((res) => setTimeout(res, 500));
    expect(slack.of('chat.postMessage').length).toBe(before);
    expect(slack.responses.find((x) => x.id === 'w-foreign')).toBeUndefined();
  });

  it('refuses clicks from another workspace and from a user of another organisation; the plan still waits', async () => {
    const { plan, planId } = await proposeOverHttp(slack, url, SECRET, 'w-plan');
    for (const [rid, o] of [
      ['w-team', { team: 'T2' }],
      ['w-guest', { team: 'T1', userTeam: 'TGUEST' }],
    ] as const) {
      const r = await postSigned(
        url,
        SECRET,
        buttonClick('plan.approve', planId, 'U2', {
          ...o,
          messageTs: plan.ts!,
          responseUrl: `${slack.url}/respond/${rid}`,
          blocks: plan.args.blocks as unknown[],
        }),
      );
      expect(r.status).toBe(200);
    }
    await new Promise((res) => setTimeout(res, 500));
    expect(slack.of('chat.update').filter((c) => c.args.ts === plan.ts)).toEqual([]);
    // The same click from this workspace is the one that counts.
    await postSigned(
      url,
      SECRET,
      buttonClick('plan.approve', planId, 'U2', {
        messageTs: plan.ts!,
        responseUrl: `${slack.url}/respond/w-home`,
        blocks: plan.args.blocks as unknown[],
      }),
    );
    await slack.waitFor('the approval', () =>
      slack.of('chat.update').find((c) => c.args.ts === plan.ts && JSON.stringify(c.args).includes('Approved by')),
    );
    const db = new Database(join(bot.cwd, 'data', 'sandbox.db'), { readonly: true });
    try {
      const refused = db
        .prepare("SELECT actor, subject, detail FROM audit_log WHERE action = 'request.refused' ORDER BY id")
        .all() as { actor: string; subject: string; detail: string }[];
      expect(refused.map((x) => [x.actor, x.subject, JSON.parse(x.detail).why])).toEqual([
        ['U1', 'T2', 'it comes from workspace T2'],
        ['U2', 'T2', 'it comes from workspace T2'],
        ['U2', 'T1', 'its user belongs to workspace TGUEST'],
      ]);
    } finally {
      db.close();
    }
  });
});
