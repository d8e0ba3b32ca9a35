/**
 * `vpnbot serve` end to end: the built binary in HTTP mode, requests signed as Slack signs them,
 * Web API calls through the real @slack/web-api client to a local fake Slack, and the engine on
 * the sandbox emulator at a small time scale.
 */
import { FakeSlack } from '../fakes/fake-slack';
import { startServe, type ServeProcess } from '../helpers/serve-process';
import { buttonClick, postSigned, slashCommand } from '../helpers/slack-requests';
import { SEED_STEPS } from '../helpers/topologies';

const SECRET = 'test-signing-secret-8f742231b10e';

let slack: FakeSlack;
let bot: ServeProcess;
let url = '';
const output = () => bot.output();

beforeAll(async () => {
  slack = await new FakeSlack().start();
  bot = startServe(slack, { PORT: '0', SLACK_SIGNING_SECRET: SECRET, VPNBOT_TIME_SCALE: '0.002' });
  url = await bot.url;
});

afterAll(async () => {
  await slack?.stop();
});

const respondTo = (id: string) => `${slack.url}/respond/${id}`;
const responseOf = (id: string) =>
  slack.waitFor(`a reply on response_url ${id}`, () => slack.responses.find((r) => r.id === id)?.body);
const approveButtonOf = (blocks: unknown): string | undefined =>
  /"action_id":"plan\.approve"[^}]*"value":"(plan-[0-9a-f]+)"|"value":"(plan-[0-9a-f]+)"[^}]*"action_id":"plan\.approve"/
    .exec(JSON.stringify(blocks))
    ?.slice(1)
    .find((x) => x);

describe('vpnbot serve (HTTP mode)', () => {
  it('says it is in sandbox mode, and answers /healthz', async () => {
    expect(output()).toContain('SANDBOX');
    const r = await fetch(url.replace('/slack/events', '/healthz'));
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ok: true, database: 'open', cloud: 'sandbox', cloudReachable: true });
  });

  it('refuses forged signatures, stale or future timestamps and replayed bodies with 401, and changes nothing', async () => {
    const before = slack.calls.length;
    const audit = () => JSON.stringify(slack.responses);
    expect(
      (
        await postSigned(url, SECRET, slashCommand('plan seed', 'U1', { responseUrl: respondTo('forged') }), {
          secret: 'not-the-secret',
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await postSigned(url, SECRET, slashCommand('plan seed', 'U1', { responseUrl: respondTo('stale') }), {
          timestamp: Math.floor(Date.now() / 1000) - 600,
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await postSigned(url, SECRET, slashCommand('plan seed', 'U1', { responseUrl: respondTo('future') }), {
          timestamp: Math.floor(Date.now() / 1000) + 600,
        })
      ).status,
    ).toBe(401);
    // The same signed body twice: the first is answered, the copy is refused.
    const ts = Math.floor(Date.now() / 1000);
    const form = slashCommand('help', 'U1', { responseUrl: respondTo('replay') });
    expect((await postSigned(url, SECRET, form, { timestamp: ts })).status).toBe(200);
    expect((await postSigned(url, SECRET, form, { timestamp: ts })).status).toBe(401);
    await slack.waitFor('the one answer to the first copy', () => slack.responses.find((r) => r.id === 'replay'));
    await new Promise((r) => setTimeout(r, 300));
    expect(slack.calls.length).toBe(before);
    expect(slack.responses.filter((r) => ['forged', 'stale', 'future'].includes(r.id))).toEqual([]);
    expect(slack.responses.filter((r) => r.id === 'replay')).toHaveLength(1);
    expect(audit()).not.toContain('not-the-secret');
  });

  it('`/vpn plan` alone opens a form; its errors are shown in the form; a valid topology is planned in the channel', async () => {
    await postSigned(url, SECRET, slashCommand('plan', 'U5', { channel: 'C9', responseUrl: respondTo('modal') }));
    const open = await slack.waitFor('views.open', () => slack.of('views.open')[0]);
    const view = open.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe('plan.submit');
    expect(JSON.parse(view.private_metadata)).toEqual({ channel: 'C9', responseUrl: respondTo('modal') });
    const submit = (yaml: string) =>
      postSigned(url, SECRET, {
        payload: JSON.stringify({
          type: 'view_submission',
          team: { id: 'T1' },
          user: { id: 'U5', team_id: 'T1' },
          api_app_id: 'A1',
          trigger_id: 't',
          view: {
            id: 'V1',
            callback_id: 'plan.submit',
            private_metadata: 'C9',
            state: { values: { topology: { yaml: { type: 'plain_text_input', value: yaml } } } },
          },
        }),
      });
    const bad = await submit('name: t\nsites:\n  - {name: jp, role: hub, region: tokyo, cidrs: [172.16.0.0/12]}\n');
    expect(bad.status).toBe(200);
    expect(JSON.parse(bad.body)).toMatchObject({
      response_action: 'errors',
      errors: { topology: expect.stringContaining('did you mean ap-northeast-1?') },
    });
    const good = await submit(
      'name: formtest\nsites:\n  - {name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12]}\n',
    );
    expect(good.status).toBe(200);
    await slack.waitFor("the form's plan in its channel", () =>
      slack
        .of('chat.postMessage')
        .find((c) => c.args.channel === 'C9' && JSON.stringify(c.args.blocks ?? '').includes('formtest')),
    );
  });

  it('help and bad input are answered privately with what to write', async () => {
    expect((await postSigned(url, SECRET, slashCommand('help', 'U1', { responseUrl: respondTo('help') }))).status).toBe(
      200,
    );
    expect(JSON.stringify(await responseOf('help'))).toContain('/vpn plan');
    await postSigned(url, SECRET, slashCommand('plna seed', 'U1', { responseUrl: respondTo('typo') }));
    expect(await responseOf('typo')).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('did you mean `/vpn plan`?'),
    });
    await postSigned(
      url,
      SECRET,
      slashCommand('plan corp dc:hk@cn-hongkong=192.168.0.0/33', 'U1', { responseUrl: respondTo('bad') }),
    );
    const bad = JSON.stringify(await responseOf('bad'));
    expect(bad).toContain('a VPC CIDR needs a mask from /8 to /28, got /33');
    expect(bad).not.toMatch(/at .*\.js:\d+/);
  });

  it('plans in the channel, refuses the requester, runs once on a double click by another user, reports progress in the thread, then plans no changes', async () => {
    const ack = await postSigned(url, SECRET, slashCommand('plan seed', 'U1', { responseUrl: respondTo('plan') }));
    expect(ack.status).toBe(200);
    const planPost = await slack.waitFor(`the plan in the channel (bot: ${output()})`, () =>
      slack.of('chat.postMessage').find((c) => c.args.channel === 'C1' && approveButtonOf(c.args.blocks)),
    );
    expect(planPost.args.channel).toBe('C1');
    expect(JSON.stringify(planPost.args.blocks)).toContain(
      'IKEv1 carries one CIDR pair per connection: 4 connections for 1 gateway pair',
    );
    expect(JSON.stringify(planPost.args.blocks)).toContain('SANDBOX');
    const planId = approveButtonOf(planPost.args.blocks)!;
    const planTs = planPost.ts!;
    const click = (user: string, id: string) =>
      postSigned(
        url,
        SECRET,
        buttonClick('plan.approve', planId, user, {
          messageTs: planTs,
          responseUrl: respondTo(id),
          blocks: planPost.args.blocks as unknown[],
        }),
      );

    await click('U1', 'self');
    expect(await responseOf('self')).toMatchObject({ text: expect.stringContaining('someone else must approve it') });

    // Slack pushes back while the run reports: a 429 with Retry-After and a 503; nothing is lost or doubled.
    slack.failNext('chat.update', 429, 1);
    slack.failNext('chat.update', 503);
    const [a, b] = await Promise.all([click('U2', 'first'), click('U2', 'second')]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const refusal = await slack.waitFor(
      'the second click refused',
      () => slack.responses.find((r) => ['first', 'second'].includes(r.id))?.body,
    );
    expect(refusal).toMatchObject({ text: expect.stringContaining('already approved') });

    await slack.waitFor('the plan message updated', () =>
      slack.of('chat.update').find((c) => JSON.stringify(c.args).includes('Approved by <@U2>')),
    );
    const done = await slack.waitFor(
      'the final progress state',
      () => slack.of('chat.update').find((c) => JSON.stringify(c.args).includes('Done')),
      60_000,
    );
    expect(JSON.stringify(done.args)).toContain(`${SEED_STEPS}/${SEED_STEPS} steps`);
    // The notification text follows the final state, not the last progress.
    expect(done.args.text).toBe(
      `Done: apply of ikev1test, ${SEED_STEPS}/${SEED_STEPS} steps (${SEED_STEPS} succeeded, 0 failed)`,
    );
    expect(slack.calls.filter((c) => /^chat\.update \(answered (429|503)\)$/.test(c.method))).toHaveLength(2);
    const threadPosts = slack.of('chat.postMessage').filter((c) => c.args.thread_ts === planTs);
    expect(threadPosts.filter((c) => String(c.args.text).startsWith('Applying'))).toHaveLength(1);

    await postSigned(url, SECRET, slashCommand('plan seed', 'U3', { responseUrl: respondTo('again') }));
    expect(await responseOf('again')).toMatchObject({ text: expect.stringContaining('No changes') });
    await postSigned(url, SECRET, slashCommand('apply ikev1test', 'U3', { responseUrl: respondTo('reapply') }));
    expect(await responseOf('reapply')).toMatchObject({ text: expect.stringContaining('No changes') });
    await postSigned(url, SECRET, slashCommand('status ikev1test', 'U3', { responseUrl: respondTo('status') }));
    const status = JSON.stringify(await responseOf('status'));
    expect(status).toMatch(new RegExp(`${SEED_STEPS} resources .*last apply .*succeeded`));
    // The thread link opens the thread (chat.getPermalink), not just the channel.
    expect(status).toContain(`<https://acme.slack.com/archives/C1/p${planTs.replace('.', '')}|thread>`);
  });
});

describe('rejecting', () => {
  it('Reject asks why in a form; the plan message then says who rejected it and why, and its buttons are gone', async () => {
    const before = slack.of('chat.postMessage').length;
    await postSigned(
      url,
      SECRET,
      slashCommand('plan other hub:jp@ap-northeast-1=172.20.0.0/16', 'U1', { responseUrl: respondTo('r-plan') }),
    );
    const post = await slack.waitFor('the plan', () =>
      slack
        .of('chat.postMessage')
        .slice(before)
        .find((c) => approveButtonOf(c.args.blocks)),
    );
    const planId = approveButtonOf(post.args.blocks)!;
    const opened = slack.of('views.open').length;
    await postSigned(
      url,
      SECRET,
      buttonClick('plan.reject', planId, 'U4', {
        messageTs: post.ts!,
        responseUrl: respondTo('r-click'),
        blocks: post.args.blocks as unknown[],
      }),
    );
    const form = await slack.waitFor('the reject form', () => slack.of('views.open').slice(opened)[0]);
    const view = form.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe('plan.reject.submit');
    await postSigned(url, SECRET, {
      payload: JSON.stringify({
        type: 'view_submission',
        team: { id: 'T1' },
        user: { id: 'U4', team_id: 'T1' },
        api_app_id: 'A1',
        trigger_id: 't',
        view: {
          id: 'V2',
          callback_id: view.callback_id,
          private_metadata: view.private_metadata,
          state: { values: { reason: { text: { type: 'plain_text_input', value: 'not during the <freeze>' } } } },
        },
      }),
    });
    const update = await slack.waitFor('the rejected plan message', () =>
      slack
        .of('chat.update')
        .find((c) => c.args.ts === post.ts && JSON.stringify(c.args).includes('Rejected by <@U4>')),
    );
    expect(JSON.stringify(update.args)).toContain('not during the &lt;freeze&gt;');
    expect(JSON.stringify(update.args)).not.toContain('plan.approve');
  });
});

// Last: it stops the bot the tests above use.
it('SIGTERM: stops taking commands and exits 0', async () => {
  const exited = new Promise<number | null>((r) => bot.child.once('exit', (code) => r(code)));
  bot.stop();
  expect(await exited).toBe(0);
  expect(bot.output()).toContain('stopping: no new commands');
});
