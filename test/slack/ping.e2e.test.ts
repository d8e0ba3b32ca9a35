/**
 * The ping matrix in Slack, end to end: the built bot against a fake Slack and an emulator this
 * test owns (so it can break the network). The apply ends with the matrix and its heat map in the
 * thread; `/vpn ping` measures on demand and names what broke; a scheduled re-check alerts once on
 * regression and once on recovery; the App Home tab shows the latest matrix.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { breakThing } from '../../src/emulator/server/control-api';
import type { SlackCall } from '../fakes/fake-slack';
import { serveOnEmulatorSuite } from '../helpers/serve-process';
import { buttonClick, postSigned, postSignedEvent, slashCommand } from '../helpers/slack-requests';

const SECRET = 'ping-test-signing-secret';
const SCALE = 0.002;
const suite = serveOnEmulatorSuite(SECRET, SCALE, {
  // Re-measure every 1.2 s: the schedule test below breaks and mends a tunnel between checks.
  VPNBOT_PING_INTERVAL_MINUTES: '0.02',
});

const buttonOf = (blocks: unknown, actionId: string) =>
  new RegExp(`"action_id":"${actionId.replace('.', '\\.')}"[^}]*?"value":"([^"]+)"`).exec(JSON.stringify(blocks))?.[1];
const textOf = (c: SlackCall) => `${String(c.args.text)} ${JSON.stringify(c.args.blocks ?? '')}`;
const matrixPosts = () =>
  suite.slack.of('chat.postMessage').filter((c) => String(c.args.text).startsWith('Ping matrix for ikev1test'));

describe('the ping matrix in Slack', () => {
  let thread = '';

  it("the apply ends with the measured matrix and its heat map in the run's thread; the plan showed the prediction", async () => {
    await postSigned(
      suite.url,
      SECRET,
      slashCommand('plan seed', 'U1', { responseUrl: `${suite.slack.url}/respond/p-plan` }),
    );
    const plan = await suite.slack.waitFor('the plan', () =>
      suite.slack.of('chat.postMessage').find((c) => buttonOf(c.args.blocks, 'plan.approve')),
    );
    expect(textOf(plan)).toContain('6 of 6 pairs reachable');
    thread = plan.ts!;
    await postSigned(
      suite.url,
      SECRET,
      buttonClick('plan.approve', buttonOf(plan.args.blocks, 'plan.approve')!, 'U2', {
        messageTs: plan.ts!,
        responseUrl: `${suite.slack.url}/respond/p-ok`,
        blocks: plan.args.blocks as unknown[],
      }),
    );
    const matrix = await suite.slack.waitFor(
      'the matrix in the thread',
      () => matrixPosts().find((c) => c.args.thread_ts === thread),
      90_000,
    );
    expect(textOf(matrix)).toContain('6 of 6 pairs pass, all as predicted');
    expect(textOf(matrix)).toContain('after the apply (the baseline)');
    const upload = await suite.slack.waitFor('the heat map uploaded into the thread', () =>
      [...suite.slack.uploads.values()].find((u) => u.completed?.thread_ts === thread),
    );
    expect(upload.bytes!.subarray(1, 4).toString()).toBe('PNG');
    expect(upload.filename).toMatch(/^ikev1test-ping-matrix-.*\.png$/);
    expect(upload.completed).toMatchObject({ channel_id: 'C1', title: 'Ping matrix: ikev1test' });
  });

  it('/vpn ping measures on demand; a withdrawn advertisement is a mismatch naming the route', async () => {
    const before = matrixPosts().length;
    await postSigned(
      suite.url,
      SECRET,
      slashCommand('ping ikev1test', 'U3', { responseUrl: `${suite.slack.url}/respond/p-ping` }),
    );
    const ok = await suite.slack.waitFor(
      'the on-demand matrix',
      () => matrixPosts().length > before && matrixPosts().at(-1),
    );
    expect(ok.args.thread_ts).toBeUndefined();
    expect(textOf(ok)).toContain('asked by <@U3>');
    await suite.slack.waitFor('its heat map in its thread', () =>
      [...suite.slack.uploads.values()].find((u) => u.completed?.thread_ts === ok.ts),
    );

    const cenId = [...suite.emu.world.cens.keys()][0]!;
    const published = suite.emu.world.cenPublished[0]!;
    expect(
      breakThing(suite.emu.world, {
        action: 'withdraw-route',
        cenId,
        childInstanceId: published.childInstanceId,
        destinationCidrBlock: published.destinationCidrBlock,
      }),
    ).toBeUndefined();
    const count = matrixPosts().length;
    await postSigned(
      suite.url,
      SECRET,
      slashCommand('ping ikev1test', 'U3', { responseUrl: `${suite.slack.url}/respond/p-ping2` }),
    );
    const broken = await suite.slack.waitFor('the matrix with the route withdrawn', () =>
      matrixPosts()
        .slice(count)
        .find((c) => c.args.thread_ts === undefined),
    );
    const text = textOf(broken);
    expect(text).toContain('4 of 6 pairs pass, 2 fail, 2 not as predicted');
    expect(text).toContain(
      'hongkong → us: expected via 192.168.0.0/16 advertised to the transit router by japan: it is not advertised now',
    );
    expect(text).toContain(
      'us → hongkong: expected via 192.168.0.0/16 advertised to the transit router by japan: it is not advertised now',
    );
    // Put it back: /vpn apply plans the one missing step, approved by another member.
    await postSigned(
      suite.url,
      SECRET,
      slashCommand('apply ikev1test', 'U1', { responseUrl: `${suite.slack.url}/respond/p-apply` }),
    );
    const repair = await suite.slack.waitFor('the repair plan', () =>
      suite.slack
        .of('chat.postMessage')
        .find((c) => c.ts !== thread && buttonOf(c.args.blocks, 'plan.approve') && textOf(c).includes('1 to create')),
    );
    await postSigned(
      suite.url,
      SECRET,
      buttonClick('plan.approve', buttonOf(repair.args.blocks, 'plan.approve')!, 'U2', {
        messageTs: repair.ts!,
        responseUrl: `${suite.slack.url}/respond/p-ok2`,
        blocks: repair.args.blocks as unknown[],
      }),
    );
    const mended = await suite.slack.waitFor(
      'the matrix after the repair',
      () => matrixPosts().find((c) => c.args.thread_ts === repair.ts),
      60_000,
    );
    expect(textOf(mended)).toContain('6 of 6 pairs pass, all as predicted');
  });

  it('a scheduled re-check alerts once when a tunnel goes down, not again while it stays down, and once when it recovers', async () => {
    const alerts = () =>
      suite.slack.of('chat.postMessage').filter((c) => /pair\(s\) (regressed|recovered)/.test(String(c.args.text)));
    const already = alerts().length;
    const conn = [...suite.emu.world.vpnConnections.values()].find((c) => c.name === 'ikev1test-hongkong-to-japan')!;
    breakThing(suite.emu.world, { action: 'tunnel-down', vpnConnectionId: conn.id });
    const down = await suite.slack.waitFor(
      'the regression alert',
      () =>
        alerts()
          .slice(already)
          .find((c) => String(c.args.text).includes('regressed')),
      30_000,
    );
    expect(down.args.thread_ts).toBeDefined();
    expect(textOf(down)).toMatch(
      /hongkong → japan: pass → fail: tunnel ikev1test-(hongkong-to-japan|japan-to-hongkong) is down/,
    );
    // Several more checks (RunCommand calls) while it stays down: no new alert.
    const runs = suite.emu.control.calls.get('RunCommand')!;
    await suite.slack.waitFor(
      'three more scheduled checks',
      () => suite.emu.control.calls.get('RunCommand')! >= runs + 9,
      30_000,
    );
    expect(
      alerts()
        .slice(already)
        .filter((c) => String(c.args.text).includes('regressed')),
    ).toHaveLength(1);
    breakThing(suite.emu.world, { action: 'tunnel-up', vpnConnectionId: conn.id });
    await suite.slack.waitFor(
      'the recovery alert',
      () =>
        alerts()
          .slice(already)
          .find((c) => String(c.args.text).includes('recovered')),
      30_000,
    );
    const after = suite.emu.control.calls.get('RunCommand')!;
    await suite.slack.waitFor(
      'three more scheduled checks',
      () => suite.emu.control.calls.get('RunCommand')! >= after + 9,
      30_000,
    );
    // Both directions through the tunnel: one alert for the two pairs, and one when they recover.
    expect(
      alerts()
        .slice(already)
        .map((c) => String(c.args.text)),
    ).toEqual(['ikev1test: 2 pair(s) regressed', 'ikev1test: 2 pair(s) recovered']);
  });

  it('/vpn ping NAME history shows the trend; the App Home tab shows the latest matrix', async () => {
    await postSigned(
      suite.url,
      SECRET,
      slashCommand('ping ikev1test history', 'U3', { responseUrl: `${suite.slack.url}/respond/p-hist` }),
    );
    const hist = await suite.slack.waitFor(
      'the history',
      () => suite.slack.responses.find((r) => r.id === 'p-hist')?.body,
    );
    expect(JSON.stringify(hist)).toMatch(/hongkong -&gt; us .*[\d.]+B/);
    const r = await postSignedEvent(suite.url, SECRET, {
      type: 'app_home_opened',
      user: 'U3',
      channel: 'D1',
      tab: 'home',
      event_ts: String(Date.now() / 1000),
    });
    expect(r.status).toBe(200);
    const home = await suite.slack.waitFor('the home view', () => suite.slack.of('views.publish').at(-1));
    expect(home.args.user_id).toBe('U3');
    expect(JSON.stringify(home.args.view)).toContain('ikev1test');
    expect(JSON.stringify(home.args.view)).toContain('Ping matrix: ');
  });

  it('a row pasted from a host on premises reads inetutils and `ping -D` output, and names an unreachable neighbour', async () => {
    const ipIn = (region: string) =>
      [...suite.emu.world.instances.values()].find((i) => i.regionId === region && i.deletingUntil === undefined)!
        .privateIp;
    const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', 'ping-linux', name), 'utf8');
    // Real outputs, their address replaced by a probe's: japan's neighbour does not answer (inetutils
    // says so in lines without a sequence number), us answers (iputils with -D timestamps).
    const pasted = [
      fixture('inetutils-neighbour-unreachable.txt').replaceAll('10.9.0.2', ipIn('ap-northeast-1')),
      fixture('iputils-timestamps-D-loopback.txt').replaceAll('127.0.0.1', ipIn('us-west-1')),
    ].join('');
    await postSigned(
      suite.url,
      SECRET,
      slashCommand(`ping ikev1test from hongkong\n\`\`\`\n${pasted}\`\`\``, 'U3', {
        responseUrl: `${suite.slack.url}/respond/p-paste`,
      }),
    );
    const row = await suite.slack.waitFor('the matrix with the pasted row', () =>
      suite.slack.of('chat.postMessage').find((c) => textOf(c).includes('pasted by <@U3>')),
    );
    const text = textOf(row);
    expect(text).toContain('hongkong (pasted)');
    expect(text).toContain('(Destination Host Unreachable from 10.9.0.1)');
    expect(suite.slack.responses.filter((r) => r.id === 'p-paste')).toEqual([]);
  });

  it('bad /vpn ping input gets a specific private answer', async () => {
    await postSigned(
      suite.url,
      SECRET,
      slashCommand('ping nosuch', 'U3', { responseUrl: `${suite.slack.url}/respond/p-bad` }),
    );
    const bad = await suite.slack.waitFor('the refusal', () =>
      suite.slack.responses
        .filter((r) => r.id === 'p-bad')
        .map((r) => r.body)
        .find((b) => String(b.text).includes('no topology')),
    );
    expect(bad).toMatchObject({ response_type: 'ephemeral', text: 'no topology named "nosuch"; known: ikev1test' });
  });
});
