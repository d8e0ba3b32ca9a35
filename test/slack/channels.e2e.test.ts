/**
 * Slack as teams use it, through `vpnbot serve`: `/vpn` typed where vpnbot cannot post (a channel
 * it was not invited to, a private one it cannot see, a direct message) is answered with what to do,
 * never a fault; the plan form is acknowledged before planning against a slow cloud, and answers
 * privately through the command's response URL wherever it was opened.
 */
import { serveOnEmulatorSuite } from '../helpers/serve-process';
import { postSigned, slashCommand } from '../helpers/slack-requests';

const SECRET = 'channels-test-signing-secret';
const suite = serveOnEmulatorSuite(SECRET, 0.002);

const reply = (id: string) =>
  suite.slack.waitFor(`the reply ${id}`, () => suite.slack.responses.find((r) => r.id === id)?.body);
const command = (text: string, channel: string, rid: string, user = 'U1') =>
  postSigned(
    suite.url,
    SECRET,
    slashCommand(text, user, { channel, responseUrl: `${suite.slack.url}/respond/${rid}` }),
  );
const planPosts = () =>
  suite.slack.of('chat.postMessage').filter((c) => JSON.stringify(c.args.blocks ?? '').includes('plan.approve'));

/** Submits the plan form whose views.open was the `n`th, with `yaml`. */
function submitForm(view: { private_metadata: string }, yaml: string, user = 'U1') {
  return postSigned(suite.url, SECRET, {
    payload: JSON.stringify({
      type: 'view_submission',
      team: { id: 'T1' },
      user: { id: user, team_id: 'T1' },
      api_app_id: 'A1',
      trigger_id: 't',
      view: {
        id: 'V1',
        callback_id: 'plan.submit',
        private_metadata: view.private_metadata,
        state: { values: { topology: { yaml: { type: 'plain_text_input', value: yaml } } } },
      },
    }),
  });
}

const TWO_SITES =
  'name: slowcloud\nsites:\n  - {name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12]}\n  - {name: hk, role: dc, region: cn-hongkong, cidrs: [192.168.0.0/16], hub: jp}\n';

describe('where vpnbot cannot post', () => {
  it('a channel it was not invited to, a private one it cannot see, a DM: told what to do, nothing planned', async () => {
    suite.slack.outside.add('COUT');
    suite.slack.hidden.add('GPRIV');
    const before = planPosts().length;
    await command('plan seed', 'COUT', 'c-out');
    await command('ping ikev1test', 'GPRIV', 'c-priv');
    await command('plan seed', 'D5', 'c-dm');
    await command('plan', 'D5', 'c-dm-form');
    for (const id of ['c-out', 'c-priv']) {
      const r = await reply(id);
      expect(r).toMatchObject({ response_type: 'ephemeral' });
      expect(String(r.text)).toContain('vpnbot is not a member of this channel');
      expect(String(r.text)).toContain('/invite @vpnbot');
    }
    for (const id of ['c-dm', 'c-dm-form']) expect(String((await reply(id)).text)).toContain('use `/vpn` in a channel');
    expect(JSON.stringify(suite.slack.responses)).not.toContain('engine.fault');
    expect(planPosts().length).toBe(before);
    expect(suite.slack.of('views.open')).toEqual([]);
  });

  it('a form whose channel no longer has vpnbot answers through the response URL, and the plan is withdrawn', async () => {
    await command('plan', 'CGONE', 'c-form');
    const open = await suite.slack.waitFor('the form', () => suite.slack.of('views.open').at(-1));
    // Between opening the form and sending it, vpnbot was removed from the channel.
    suite.slack.outside.add('CGONE');
    const ack = await submitForm(
      open.args.view as { private_metadata: string },
      TWO_SITES.replace('slowcloud', 'gone'),
    );
    expect(ack.status).toBe(200);
    expect(String((await reply('c-form')).text)).toContain(
      '`/invite @vpnbot`, then ask again. The plan was withdrawn.',
    );
  });
});

describe('the plan form', () => {
  it('is acknowledged before planning against a slow cloud (250 ms a call), then posts the plan', async () => {
    // A two-site plan makes a few dozen calls: well past Slack's 3 s at this pace.
    suite.emu.setFaults({ callLatencyMs: 250 });
    try {
      await command('plan', 'C1', 'f-open');
      const open = await suite.slack.waitFor('the form', () =>
        suite.slack.of('views.open').find((c) => JSON.stringify(c.args.view).includes('f-open')),
      );
      const before = planPosts().length;
      const ack = await submitForm(open.args.view as { private_metadata: string }, TWO_SITES);
      // Acknowledged with nothing to show in the form (Slack closes it), before the plan exists.
      expect(ack.status).toBe(200);
      expect(ack.body).toBe('');
      expect(planPosts().length).toBe(before);
      const post = await suite.slack.waitFor('the plan of the form', () => planPosts().slice(before)[0], 90_000);
      expect(post.args.channel).toBe('C1');
      expect(JSON.stringify(post.args.blocks)).toContain('slowcloud');
    } finally {
      suite.emu.setFaults({ callLatencyMs: 0 });
    }
  });

  it('shows what the text alone gets wrong in the form itself, at once', async () => {
    await command('plan', 'C1', 'f-bad');
    const open = await suite.slack.waitFor('the form', () =>
      suite.slack.of('views.open').find((c) => JSON.stringify(c.args.view).includes('f-bad')),
    );
    const r = await submitForm(open.args.view as { private_metadata: string }, 'name: x\nsites: [\n');
    expect(JSON.parse(r.body)).toMatchObject({ response_action: 'errors', errors: { topology: expect.any(String) } });
  });
});
