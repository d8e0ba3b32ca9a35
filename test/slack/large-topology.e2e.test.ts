/**
 * Thirty sites in Slack, through `vpnbot serve` on the sandbox: the plan's whole text, the matrix
 * (870 pairs), its history and the App Home stay readable: digests (counts, worst pairs,
 * mismatches) instead of 575-character table lines, the heat map, and the full tables as files.
 */
import { FakeSlack } from '../fakes/fake-slack';
import { proposeOverHttp, startServe, type ServeProcess } from '../helpers/serve-process';
import { postSigned, postSignedEvent, slashCommand } from '../helpers/slack-requests';

const SECRET = 'large-topology-signing-secret';
let slack: FakeSlack;
let bot: ServeProcess;
let url = '';

beforeAll(async () => {
  slack = await new FakeSlack().start();
  bot = startServe(slack, { PORT: '0', SLACK_SIGNING_SECRET: SECRET, VPNBOT_TIME_SCALE: '0.001' });
  url = await bot.url;
});
afterAll(async () => {
  bot?.stop();
  await slack?.stop();
});

const REGIONS = ['ap-northeast-1', 'us-west-1', 'cn-hongkong', 'eu-central-1', 'ap-southeast-1', 'us-east-1'];
/** A hub and 29 spokes, five to a region, each in a /16 of its own. */
const THIRTY = [
  'plan thirty hub:hub@ap-northeast-1=10.0.0.0/16',
  ...Array.from({ length: 29 }, (_, i) => `spoke:s${i + 1}@${REGIONS[(i + 1) % REGIONS.length]}=10.${i + 1}.0.0/16`),
].join(' ');

/** Code blocks of every Slack payload: no table line wider than Slack shows. */
const widestCodeLine = (payload: unknown) =>
  Math.max(
    0,
    ...[...JSON.stringify(payload).matchAll(/```([\s\S]*?)```/g)].flatMap((m) =>
      m[1]!.split('\\n').map((l) => l.length),
    ),
  );

describe('thirty sites', () => {
  it('plan, apply, matrix, history and App Home: digests, the heat map and the full tables as files', async () => {
    const { plan, approve } = await proposeOverHttp(slack, url, SECRET, 'l-plan', { text: THIRTY });
    // The plan: a summary, its whole text as a file in the thread.
    await slack.waitFor('the plan file', () =>
      [...slack.uploads.values()].find((u) => u.completed?.thread_ts === plan.ts && u.filename.endsWith('.txt')),
    );
    await approve('U2', 'l-approve');
    const matrix = await slack.waitFor(
      'the matrix after the apply',
      () =>
        slack
          .of('chat.postMessage')
          .find((c) => c.args.thread_ts === plan.ts && String(c.args.text).startsWith('Ping matrix for thirty')),
      240_000,
    );
    const blocks = JSON.stringify(matrix.args.blocks);
    expect(blocks).toContain('30 sites, 870 pairs: *870 pass*, 0 warn, *0 fail*');
    expect(blocks).toContain('*Worst pairs:*');
    expect(blocks).toContain('the heat map and the full table (CSV) are in the thread');
    expect(widestCodeLine(matrix.args)).toBeLessThanOrEqual(100);
    const csv = await slack.waitFor('the matrix CSV', () =>
      [...slack.uploads.values()].find((u) => u.completed?.thread_ts === plan.ts && u.filename.endsWith('.csv')),
    );
    const rows = csv.bytes!.toString('utf8').trim().split('\r\n');
    expect(rows[0]).toMatch(/^from,to,verdict,as_predicted,/);
    expect(rows).toHaveLength(871);
    expect(
      [...slack.uploads.values()].some((u) => u.completed?.thread_ts === plan.ts && u.filename.endsWith('.png')),
    ).toBe(true);

    await postSigned(
      url,
      SECRET,
      slashCommand('ping thirty history', 'U3', { responseUrl: `${slack.url}/respond/l-history` }),
    );
    const history = await slack.waitFor('the history', () => slack.responses.find((r) => r.id === 'l-history')?.body);
    expect(JSON.stringify(history)).toContain('870 pairs over the last 1 measurement(s); 0 fail in the latest');
    expect(widestCodeLine(history)).toBeLessThanOrEqual(100);
    const historyFile = await slack.waitFor('the history CSV', () =>
      [...slack.uploads.values()].find((u) => u.filename === 'thirty-ping-history.csv' && u.completed),
    );
    expect(historyFile.bytes!.toString('utf8').trim().split('\r\n')).toHaveLength(871);

    await postSignedEvent(url, SECRET, { type: 'app_home_opened', user: 'U3', channel: 'D1', tab: 'home' });
    const home = await slack.waitFor('the App Home', () => slack.of('views.publish').at(-1));
    expect(JSON.stringify(home.args.view)).toContain('30 sites, 870 pairs');
    expect(widestCodeLine(home.args.view)).toBeLessThanOrEqual(100);
  });
});
