/**
 * The request guard in front of `vpnbot serve` (HTTP mode), over real sockets: headers are judged
 * before the body is read, a replay is refused after a restart too, connections are capped, and
 * one user cannot fill the queue with heavy commands.
 */
import { connect, type Socket } from 'node:net';
import { request } from 'node:http';
import { FakeSlack } from '../fakes/fake-slack';
import { startServe, startServeOnEmulator, type ServeProcess } from '../helpers/serve-process';
import { postSigned, slackSignature, slashCommand } from '../helpers/slack-requests';

const SECRET = 'guard-test-signing-secret';
let slack: FakeSlack;
const bots: ServeProcess[] = [];

beforeAll(async () => {
  slack = await new FakeSlack().start();
});
afterAll(async () => {
  for (const b of bots) b.stop();
  await slack?.stop();
});

/**
 * Sends the headers and `sent` of a body that declares `declared` bytes, and never the rest:
 * resolves with the status the bot answers (it must answer without the rest of the body).
 */
function partial(url: string, headers: Record<string, string>, sent: string, declared: number): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': String(declared),
          ...headers,
        },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      },
    );
    req.on('error', reject);
    req.write(sent);
  });
}

describe('the request guard', () => {
  let bot: ServeProcess;
  let url = '';
  beforeAll(async () => {
    bot = startServe(slack, { PORT: '0', SLACK_SIGNING_SECRET: SECRET, VPNBOT_HTTP_MAX_CONNECTIONS: '4' });
    bots.push(bot);
    url = await bot.url;
  });

  it('refuses a request whose headers already fail before reading its body', async () => {
    const now = Math.floor(Date.now() / 1000);
    const body = 'command=%2Fvpn&text=help';
    // Each declares a body far longer than what is sent: only an answer given from the headers arrives.
    expect(
      await partial(
        url,
        {
          'x-slack-request-timestamp': String(now - 600),
          'x-slack-signature': slackSignature(SECRET, now - 600, body),
        },
        body,
        900_000,
      ),
    ).toBe(401);
    expect(
      await partial(url, { 'x-slack-request-timestamp': String(now), 'x-slack-signature': 'v0=nothex' }, body, 900_000),
    ).toBe(401);
    expect(await partial(url, { 'x-slack-request-timestamp': String(now) }, body, 900_000)).toBe(401);
    expect(
      await partial(
        url,
        { 'x-slack-request-timestamp': String(now), 'x-slack-signature': slackSignature(SECRET, now, body) },
        body,
        2 * 1024 * 1024,
      ),
    ).toBe(413);
  });

  it('caps the connections open at once: one more is closed unanswered until another ends', async () => {
    const u = new URL(url);
    const open = () =>
      new Promise<Socket>((resolve, reject) => {
        const s = connect(Number(u.port), u.hostname, () => resolve(s));
        s.on('error', reject);
      });
    /** What a raw GET /healthz on a new connection gets: the answer's first line, or '' when closed unanswered. */
    const probe = async () => {
      const s = await open();
      return new Promise<string>((resolve) => {
        let data = '';
        s.on('data', (d: Buffer) => {
          data += d.toString();
          if (data.includes('\r\n')) {
            resolve(data.split('\r\n')[0]!);
            s.destroy();
          }
        });
        s.on('close', () => resolve(data.split('\r\n')[0] ?? ''));
        s.on('error', () => resolve(''));
        s.write(`GET /healthz HTTP/1.1\r\nHost: ${u.host}\r\nConnection: close\r\n\r\n`);
      });
    };
    const held: Socket[] = [];
    try {
      for (let i = 0; i < 4; i++) held.push(await open());
      expect(await probe()).toBe('');
    } finally {
      for (const s of held) s.destroy();
    }
    // Once they are gone, connections are served again (the server notices the closes a moment later).
    let line = '';
    for (let i = 0; i < 100 && !line.startsWith('HTTP/1.1 200'); i++) line = await probe();
    expect(line).toBe('HTTP/1.1 200 OK');
  });

  it('refuses a replay after a restart: the signatures seen are kept in the database', async () => {
    const ts = Math.floor(Date.now() / 1000);
    const form = slashCommand('help', 'U1', { responseUrl: `${slack.url}/respond/g-replay` });
    expect((await postSigned(url, SECRET, form, { timestamp: ts })).status).toBe(200);
    const exited = new Promise((r) => bot.child.once('exit', r));
    bot.stop();
    await exited;
    const again = startServe(slack, { PORT: '0', SLACK_SIGNING_SECRET: SECRET }, bot.cwd);
    bots.push(again);
    const url2 = await again.url;
    expect((await postSigned(url2, SECRET, form, { timestamp: ts })).status).toBe(401);
    // A new request (another signature) is served as ever.
    expect(
      (await postSigned(url2, SECRET, slashCommand('help', 'U1', { responseUrl: `${slack.url}/respond/g-new` })))
        .status,
    ).toBe(200);
    await slack.waitFor('the new request answered', () => slack.responses.find((r) => r.id === 'g-new'));
    expect(slack.responses.filter((r) => r.id === 'g-replay')).toHaveLength(1);
  });
});

describe('heavy commands per user', () => {
  it('a user with two plans in flight is told to wait; others are served', async () => {
    const s = await startServeOnEmulator(SECRET, 0.002);
    try {
      // Every API call takes a quarter of a second: plans take a while, as against the real cloud.
      s.emu.setFaults({ callLatencyMs: 250 });
      const send = (user: string, rid: string) =>
        postSigned(s.url, SECRET, slashCommand('plan seed', user, { responseUrl: `${s.slack.url}/respond/${rid}` }));
      const acks = await Promise.all([send('U1', 'h1'), send('U1', 'h2'), send('U1', 'h3'), send('U1', 'h4')]);
      expect(acks.map((a) => a.status)).toEqual([200, 200, 200, 200]);
      await send('U2', 'h5');
      const busy = await s.slack.waitFor('two refusals', () => {
        const b = s.slack.responses.filter((r) => String(r.body.text).startsWith('You already have 2 plans'));
        return b.length >= 2 ? b : undefined;
      });
      expect(busy.map((b) => b.id).sort()).toEqual(expect.arrayContaining([expect.stringMatching(/^h[1-4]$/)]));
      expect(busy.every((b) => b.body.response_type === 'ephemeral')).toBe(true);
      // U2 was not held back by U1's plans: its plan is posted.
      await s.slack.waitFor(
        'plans in the channel',
        () =>
          s.slack.of('chat.postMessage').filter((c) => JSON.stringify(c.args.blocks ?? '').includes('plan.approve'))
            .length >= 1 || undefined,
        60_000,
      );
      expect(s.slack.responses.filter((r) => r.id === 'h5' && String(r.body.text).startsWith('You already'))).toEqual(
        [],
      );
    } finally {
      await s.stop();
    }
  });
});
