/**
 * The on-premises side in Slack, end to end: the built bot, a fake Slack and an emulator this test
 * owns (it plays the data centre's device through the control API). A topology with an on-premises
 * DC, a hub and a spoke applies and ends waiting for the device, with a checklist in the plan's
 * thread; an owner receives the device's file with its keys in a direct message (anyone else, the
 * keys masked); the device configured from that file with a wrong peer address gets that diagnosed,
 * configured right its tunnels tick off and the ping matrix follows.
 */
import type { SlackCall } from '../fakes/fake-slack';
import { deviceFromTable } from '../helpers/device-table';
import { proposeOverHttp, serveOnEmulatorSuite } from '../helpers/serve-process';
import { postSigned, slashCommand } from '../helpers/slack-requests';
import { ONPREM_YAML } from '../helpers/topologies';

const SECRET = 'onprem-test-signing-secret';
const SCALE = 0.002;
const suite = serveOnEmulatorSuite(SECRET, SCALE, {
  VPNBOT_DEVICE_CHECK_SECONDS: '0.2',
  // Diagnosed at once: the test configures the device with a mistake on purpose.
  VPNBOT_DEVICE_DIAGNOSIS_MINUTES: '0.001',
});

const textOf = (c: SlackCall) => `${String(c.args.text)} ${JSON.stringify(c.args.blocks ?? '')}`;

describe('an on-premises data centre in Slack', () => {
  let thread = '';
  let table = '';

  it('the apply ends waiting for the device, with a checklist of its four tunnels in the thread', async () => {
    const { plan, approve } = await proposeOverHttp(suite.slack, suite.url, SECRET, 'o-plan', {
      text: `plan \`\`\`yaml\n${ONPREM_YAML}\n\`\`\``,
    });
    thread = plan.ts!;
    await approve('U2', 'o-ok');
    const waiting = await suite.slack.waitFor(
      'the progress message ending waiting for the device',
      () =>
        suite.slack
          .of('chat.update')
          .find((c) => textOf(c).includes("Waiting for dc1's device: the cloud side of *hybrid* is done")),
      120_000,
    );
    expect(textOf(waiting)).not.toContain('Failed');
    const checklist = await suite.slack.waitFor('the checklist in the thread', () =>
      suite.slack
        .of('chat.postMessage')
        .find((c) => c.args.thread_ts === thread && String(c.args.text).startsWith("Waiting for dc1's device")),
    );
    expect(String(checklist.args.text)).toBe("Waiting for dc1's device: 0 of 4 tunnels up");
    expect(textOf(checklist)).toContain('hybrid-hub-to-dc1 master tunnel');
    expect(textOf(checklist)).toContain('hybrid-spoke-to-dc1 backup tunnel');
    expect(textOf(checklist)).toContain('/vpn config hybrid dc1 &lt;vendor&gt;');
    // No matrix yet: it follows once the device is up.
    expect(
      suite.slack.of('chat.postMessage').some((c) => String(c.args.text).startsWith('Ping matrix for hybrid')),
    ).toBe(false);
  });

  it('an owner gets the file with its keys in a direct message; anyone else, masked; each said privately', async () => {
    await postSigned(
      suite.url,
      SECRET,
      slashCommand('config hybrid dc1 table', 'UOWNER1', { responseUrl: `${suite.slack.url}/respond/o-owner` }),
    );
    const owned = await suite.slack.waitFor('the owner’s file', () =>
      [...suite.slack.uploads.values()].find((u) => u.completed?.channel_id === 'DOWNER1'),
    );
    expect(owned.filename).toBe('vpnbot-hybrid-dc1.table.txt');
    table = owned.bytes!.toString('utf8');
    const keys = [
      ...new Set(
        table
          .split('\n')
          .filter((l) => l.startsWith('hub-'))
          .map((l) => l.split(/\s+/)[4]!),
      ),
    ];
    expect(keys).toHaveLength(2);
    for (const k of keys) expect(k).toMatch(/^[A-Za-z0-9]{32}$/);
    const said = await suite.slack.waitFor('the private note', () =>
      suite.slack.responses.find((r) => r.id === 'o-owner'),
    );
    expect(said.body).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(said.body)).toContain('with the pre-shared keys');

    await postSigned(
      suite.url,
      SECRET,
      slashCommand('config hybrid dc1 cisco', 'USTRANGER', { responseUrl: `${suite.slack.url}/respond/o-other` }),
    );
    const masked = await suite.slack.waitFor('the masked file', () =>
      [...suite.slack.uploads.values()].find((u) => u.completed?.channel_id === 'DSTRANGER'),
    );
    const text = masked.bytes!.toString('utf8');
    for (const k of keys) expect(text).not.toContain(k);
    expect(text).toContain('crypto isakmp key ******** address');
    const note = await suite.slack.waitFor('the private note', () =>
      suite.slack.responses.find((r) => r.id === 'o-other'),
    );
    expect(JSON.stringify(note.body)).toContain('with the keys masked: only the owners of dc1 receive its keys');
    // No file went to a channel, and no channel message holds a key.
    expect([...suite.slack.uploads.values()].filter((u) => !String(u.completed?.channel_id).startsWith('D'))).toEqual(
      [...suite.slack.uploads.values()].filter((u) => u.filename.endsWith('.png')),
    );
    const said2 = JSON.stringify([suite.slack.calls.map((c) => c.args), suite.slack.responses]);
    for (const k of keys) expect(said2).not.toContain(k);
  });

  it('the device configured from that file with a wrong peer address: the backups tick, the masters are diagnosed', async () => {
    const device = deviceFromTable(table, '203.0.113.10');
    // The master rows' cloud address: the gateway's first (column 4 of the table).
    const masters = new Set(
      table
        .split('\n')
        .filter((l) => /^\S+\s+master\s/.test(l))
        .map((l) => l.split(/\s+/)[3]!),
    );
    suite.emu.setDevice({
      ...device,
      tunnels: device.tunnels.map((t) =>
        masters.has(t.Remote)
          ? { ...t, Remote: '198.51.100.77', IkeConfig: { ...t.IkeConfig, RemoteId: '198.51.100.77' } }
          : t,
      ),
    });
    const diagnosis = await suite.slack.waitFor(
      'the diagnosis in the thread',
      () =>
        suite.slack
          .of('chat.postMessage')
          .find((c) => c.args.thread_ts === thread && textOf(c).includes('wrong peer IP')),
      60_000,
    );
    expect(textOf(diagnosis)).toContain('the master tunnel');
    expect(textOf(diagnosis)).toContain('NO_PROPOSAL_CHOSEN');
    await suite.slack.waitFor('the checklist at 2 of 4', () =>
      suite.slack.of('chat.update').find((c) => String(c.args.text) === "Waiting for dc1's device: 2 of 4 tunnels up"),
    );
  });

  it('configured right: all four tunnels tick off, the thread says so, and the ping matrix follows', async () => {
    suite.emu.setDevice(deviceFromTable(table, '203.0.113.10'));
    await suite.slack.waitFor(
      'the checklist at 4 of 4',
      () => suite.slack.of('chat.update').find((c) => String(c.args.text) === "dc1's device is up: 4 of 4 tunnels up"),
      60_000,
    );
    await suite.slack.waitFor('the news', () =>
      suite.slack
        .of('chat.postMessage')
        .find((c) => c.args.thread_ts === thread && String(c.args.text).includes("dc1's device is up: all 4 tunnels")),
    );
    const matrix = await suite.slack.waitFor(
      'the matrix in the thread',
      () =>
        suite.slack
          .of('chat.postMessage')
          .find((c) => c.args.thread_ts === thread && String(c.args.text).startsWith('Ping matrix for hybrid')),
      60_000,
    );
    expect(textOf(matrix)).toContain("after dc1's device came up (the baseline)");
    expect(textOf(matrix)).toContain('2 of 2 pairs pass, all as predicted');
    await postSigned(
      suite.url,
      SECRET,
      slashCommand('status hybrid', 'U3', { responseUrl: `${suite.slack.url}/respond/o-status` }),
    );
    const status = await suite.slack.waitFor('the status', () =>
      suite.slack.responses.find((r) => r.id === 'o-status'),
    );
    expect(JSON.stringify(status.body)).not.toContain('waiting for');
  });

  it('a key rotation waits for the device to take each new key, which its owner fetches again, and keeps the matrix green', async () => {
    const { plan, approve } = await proposeOverHttp(suite.slack, suite.url, SECRET, 'o-rotate', {
      text: 'rotate hybrid dc1',
    });
    expect(textOf(plan)).toContain('Key rotation for hybrid');
    expect(textOf(plan)).toContain("dc1's device must take the new key");
    await approve('U2', 'o-rotate-ok');
    const progress = (needle: string) =>
      suite.slack.waitFor(
        needle,
        () => suite.slack.of('chat.update').find((c) => JSON.stringify(c.args.blocks ?? '').includes(needle)),
        90_000,
      );
    /** The owner asks for the file again and the device is configured from it. */
    const owner = async (rid: string) => {
      const before = suite.slack.uploads.size;
      await postSigned(
        suite.url,
        SECRET,
        slashCommand('config hybrid dc1 table', 'UOWNER1', { responseUrl: `${suite.slack.url}/respond/${rid}` }),
      );
      const file = await suite.slack.waitFor('the new file', () =>
        [...suite.slack.uploads.values()].slice(before).find((u) => u.completed?.channel_id === 'DOWNER1'),
      );
      suite.emu.setDevice(deviceFromTable(file.bytes!.toString('utf8'), '203.0.113.10'));
    };
    await progress("waiting for dc1's device to take the new master key");
    await owner('o-key-1');
    await progress('1/2: the master key of dc1 and hub rotated; the ping matrix is green (2 pairs as predicted)');
    await progress("waiting for dc1's device to take the new slave key");
    await owner('o-key-2');
    await progress('2/2: the slave key of dc1 and hub rotated; the ping matrix is green (2 pairs as predicted)');
    await progress('Done: rotate of *hybrid*');
  });
});
