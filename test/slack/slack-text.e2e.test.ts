/**
 * Slash-command text as Slack really sends it (`&`, `<`, `>` as entities) through `vpnbot serve`:
 * decoded before parsing (a YAML anchor works), every echo escaped exactly once, vpnbot's own
 * `<placeholders>` shown as text, and nothing typed comes back as a live mention or link.
 */
import { FakeSlack } from '../fakes/fake-slack';
import { startServe, type ServeProcess } from '../helpers/serve-process';
import { postSigned, slashCommand } from '../helpers/slack-requests';

const SECRET = 'slack-text-signing-secret';
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

/** What Slack puts in a slash command's `text` for what the user typed. */
const asSlackSends = (typed: string) => typed.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

async function ask(typed: string, rid: string): Promise<string> {
  await postSigned(
    url,
    SECRET,
    slashCommand(asSlackSends(typed), 'U1', { responseUrl: `${slack.url}/respond/${rid}` }),
  );
  return JSON.stringify(await slack.waitFor(rid, () => slack.responses.find((r) => r.id === rid)?.body));
}

describe('slash-command text as Slack sends it', () => {
  it('a YAML topology with an anchor and an alias is read as typed, and planned', async () => {
    const typed = [
      'plan',
      '```',
      'name: anchors',
      'sites:',
      '  - {name: jp, role: hub, region: &tokyo ap-northeast-1, cidrs: [172.16.0.0/12]}',
      '  - {name: sp, role: spoke, region: *tokyo, cidrs: [10.0.0.0/8]}',
      '  - {name: hk, role: dc, region: cn-hongkong, cidrs: [192.168.0.0/16], hub: jp}',
      '```',
    ].join('\n');
    const before = slack.of('chat.postMessage').length;
    await postSigned(
      url,
      SECRET,
      slashCommand(asSlackSends(typed), 'U1', { responseUrl: `${slack.url}/respond/t-yaml` }),
    );
    const post = await slack.waitFor('the plan of anchors', () =>
      slack
        .of('chat.postMessage')
        .slice(before)
        .find((c) => JSON.stringify(c.args.blocks ?? '').includes('plan.approve')),
    );
    expect(JSON.stringify(post.args.blocks)).toContain('anchors');
    expect(slack.responses.filter((r) => r.id === 't-yaml')).toEqual([]);
  });

  it('echoes what was typed escaped exactly once: `a&b` shows as a&b, a typed <!channel> never pings', async () => {
    const amp = await ask('apply a&b', 't-amp');
    expect(amp).toContain('\\"a&amp;b\\" is not a topology name');
    expect(amp).not.toContain('&amp;amp;');
    // A problem found in the topology names the site as typed, escaped once.
    const problem = await ask('plan corp dc:a&b@cn-hongkong=10.0.0.0/8', 't-problem');
    expect(problem).toContain('a&amp;b');
    expect(problem).not.toContain('&amp;amp;');
    const channel = await ask('status <!channel>', 't-channel');
    expect(channel).toContain('&lt;!channel&gt;');
    const mention = await ask('destroy <@U0ADMIN>', 't-mention');
    expect(mention).toContain('&lt;@U0ADMIN&gt;');
    const link = await ask('plna <https://evil.example|click>', 't-link');
    expect(link).toContain('unknown subcommand');
    const all = JSON.stringify([slack.responses, slack.calls]);
    for (const live of ['<!channel>', '<@U0ADMIN>', '<https://evil.example', '&amp;amp;', '&amp;lt;', '&amp;gt;'])
      expect({ live, found: all.includes(live) }).toEqual({ live, found: false });
  });

  it("shows vpnbot's own <placeholders> as text, in help and in hints", async () => {
    const help = await ask('help', 't-help');
    expect(help).toContain('/vpn plan &lt;topology&gt;');
    expect(help).not.toMatch(/[^;]<topology>/);
    const hint = await ask('ping ikev1test from dc1', 't-hint');
    expect(hint).toContain('ping -c 5 &lt;probe ip&gt;');
  });
});
