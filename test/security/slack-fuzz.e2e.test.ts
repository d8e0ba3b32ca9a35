/**
 * Random and mutated `/vpn` texts, YAML bodies and interaction payloads through the real Slack
 * handler (`vpnbot serve`, signed requests): no crash, no unhandled rejection, every request
 * acknowledged within Slack's 3 s, and every command answered with a plan or a clear error, never
 * a stack trace. `VPNBOT_SLACK_FUZZ_RUNS` sets how many (400 by default; 10000 for the full run).
 */
import { FakeSlack } from '../fakes/fake-slack';
import { startServe, type ServeProcess } from '../helpers/serve-process';
import { buttonClick, postSigned, slashCommand } from '../helpers/slack-requests';

const SECRET = 'fuzz-test-signing-secret-1234';
const RUNS = Number(process.env.VPNBOT_SLACK_FUZZ_RUNS ?? 400);
let slack: FakeSlack;
let bot: ServeProcess;
let url = '';

beforeAll(async () => {
  slack = await new FakeSlack().start();
  bot = startServe(slack, { PORT: '0', SLACK_SIGNING_SECRET: SECRET, VPNBOT_TIME_SCALE: '0.002' });
  url = await bot.url;
});
afterAll(async () => {
  bot?.stop();
  await slack?.stop();
});

/** A small seeded generator, so a failure can be replayed from its seed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    return x / 2 ** 32;
  };
}

const CORPUS = [
  'help',
  'status',
  'status ikev1test',
  'plan seed',
  'ping ikev1test',
  'ping ikev1test history',
  'apply ikev1test',
  'destroy nope',
  'plan corp dc:hk@cn-hongkong=192.168.0.0/16 hub:jp@ap-northeast-1=172.16.0.0/12',
  'plan x dc:a@cn-hongkong=10.0.0.0/8;hub=b hub:b@tokyo=172.16.0.0/12 spoke:c@us-west-1=192.168.0.0/16',
  'plan\n```\nname: corp\nsites:\n  - name: jp\n    role: hub\n    region: ap-northeast-1\n    cidrs: [172.16.0.0/12]\n```',
  'ping ikev1test from dc1\n```\nPING 10.0.0.1 (10.0.0.1) 56(84) bytes of data.\n```',
];
const NASTY = [
  '<@U123>',
  '<!channel>',
  '&amp;',
  '```',
  '\u0000',
  '\u202e',
  '😀',
  '${x}',
  '$(id)',
  '`rm -rf /`',
  '%s%n',
  '\n',
  '\t',
  '    ',
  '"',
  "'",
  '\\',
  '{',
  '[',
  ']',
  '*',
  '&',
  '<',
  '>',
  '|',
  ':',
  '=',
  ';',
  ',',
  '@',
];

function mutate(r: () => number, text: string): string {
  let t = text;
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * (t.length + 1));
    switch (Math.floor(r() * 7)) {
      case 0:
        t = t.slice(0, at) + NASTY[Math.floor(r() * NASTY.length)]! + t.slice(at);
        break;
      case 1:
        t = t.slice(0, at) + t.slice(at + 1 + Math.floor(r() * 5));
        break;
      case 2:
        t = t.slice(0, at);
        break;
      case 3:
        t = t.slice(0, at) + t.slice(at).toUpperCase();
        break;
      case 4:
        t = t + t.slice(0, Math.floor(r() * 40));
        break;
      case 5:
        t = String.fromCharCode(...Array.from({ length: Math.floor(r() * 30) }, () => Math.floor(r() * 0xffff)));
        break;
      default:
        t = t.repeat(1 + Math.floor(r() * (r() < 0.05 ? 2000 : 3)));
    }
  }
  return t;
}

describe('the Slack handler under random input', () => {
  it(`answers ${RUNS} random commands and clicks within 3 s each, with a plan or a clear error, and keeps running`, async () => {
    const r = rng(20261125);
    const slow: string[] = [];
    const refused: string[] = [];
    const commands: { id: string; channel: string; text: string }[] = [];
    let next = 0;
    const one = async (i: number) => {
      const kind = r();
      let res: Awaited<ReturnType<typeof postSigned>>;
      if (kind < 0.8) {
        const text = mutate(r, CORPUS[Math.floor(r() * CORPUS.length)]!);
        const id = `fz${i}`;
        const channel = `CFZ${i}`;
        commands.push({ id, channel, text });
        res = await postSigned(
          url,
          SECRET,
          slashCommand(text, `U${Math.floor(r() * 5)}`, { channel, responseUrl: `${slack.url}/respond/${id}` }),
        );
      } else {
        // Clicks with tampered, foreign or absurd values on real and made-up action ids.
        const action = ['plan.approve', 'plan.reject', 'run.retry', 'run.rollback', 'run.keep', 'no.such'][
          Math.floor(r() * 6)
        ]!;
        const value = mutate(
          r,
          ['plan-0123456789abcdef', 'run-20261125-deadbeef', '{"planId":1}', ''][Math.floor(r() * 4)]!,
        );
        res = await postSigned(
          url,
          SECRET,
          buttonClick(action, value.slice(0, 2000), 'U9', {
            messageTs: '1700000000.000001',
            responseUrl: `${slack.url}/respond/fzb${i}`,
            blocks: [],
          }),
        );
      }
      if (res.status !== 200) refused.push(`#${i} ${res.status}`);
      if (res.ms > 3000) slow.push(`#${i} ${res.ms} ms`);
    };
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < RUNS) await one(next++);
      }),
    );
    expect({ slow, refused }).toEqual({ slow: [], refused: [] });

    // Every command gets an answer: a private reply, a plan posted in its channel, or the plan form (its channel in the form's metadata).
    const answered = (c: { id: string; channel: string }) =>
      slack.responses.some((x) => x.id === c.id) ||
      slack.calls.some(
        (x) =>
          x.args.channel === c.channel ||
          (x.method === 'views.open' && JSON.stringify(x.args.view).includes(`"${c.channel}"`)),
      );
    await slack.waitFor('an answer to every command', () => commands.every(answered), 120_000).catch(() => undefined);
    const unanswered = commands.filter((c) => !answered(c)).map((c) => JSON.stringify(c.text.slice(0, 80)));
    expect(unanswered).toEqual([]);
    const texts = JSON.stringify(slack.responses.filter((x) => x.id.startsWith('fz')));
    expect(texts).not.toMatch(/\bat [\w.<>]+ \(|\.js:\d+|TypeError|ReferenceError|Unhandled/);
    expect(bot.output()).not.toMatch(/Unhandled|uncaught/i);
    expect(bot.child.exitCode).toBeNull();
    const health = await fetch(url.replace('/slack/events', '/healthz'));
    expect(health.status).toBe(200);
  }, 900_000);
});
