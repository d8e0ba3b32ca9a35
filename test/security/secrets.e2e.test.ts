/**
 * No secret in plain text anywhere a person or a log collector can see it: every Slack payload
 * (messages, edits, private replies, uploaded files and their metadata), every line vpnbot logs (at trace level),
 * the CLI's output and status JSON, and every column of every table of its database. The secrets:
 * the tunnels' pre-shared keys (read from the emulator), the Alibaba access key secret, the Slack
 * bot token and signing secret, and the key that encrypts secrets at rest.
 *
 * The network fails on every call that carries a key (connection resets, read timeouts, resets
 * after the change was made), in the apply, in a retry and in a run resumed after a crash: HTTP
 * layers put the request's URL, query and all, into their errors. Which calls carry a key is read
 * from the emulator, so a new one is caught here until its faults are added.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server/start-emulator';
import type { FaultKind, ForcedFault } from '../../src/emulator/server/faults';
import { FakeSlack } from '../fakes/fake-slack';
import { proposeOverHttp, startServe, type ServeProcess } from '../helpers/serve-process';
import { buttonClick, postSigned, slashCommand } from '../helpers/slack-requests';
import { ONPREM_YAML } from '../helpers/topologies';

const SECRET = 'secrets-test-signing-secret';
const SCALE = 0.002;
const BIN = join(__dirname, '..', '..', 'dist', 'commands', 'main.js');
/** The calls that carry a pre-shared key, each failed on the network below: creating a connection, rotating a key. */
const CREATE = ['CreateVpnConnection'];
const ROTATE = ['ModifyVpnConnectionAttribute'];
const SECRET_ACTIONS = [...CREATE, ...ROTATE];

let slack: FakeSlack;
let emu: RunningEmulator;
const bots: ServeProcess[] = [];

beforeAll(async () => {
  slack = await new FakeSlack().start();
  emu = await startEmulator({ timeScale: SCALE });
});
afterAll(async () => {
  for (const b of bots) b.stop();
  await slack?.stop();
  await emu?.close();
});

const env = () => ({
  PORT: '0',
  SLACK_SIGNING_SECRET: SECRET,
  VPNBOT_ALIBABA_ENDPOINT: emu.endpoint,
  ALIBABA_CLOUD_ACCESS_KEY_ID: emu.accessKeyId,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: emu.accessKeySecret,
  VPNBOT_ENDPOINT_PACE: String(SCALE * 4),
  VPNBOT_SECRET_KEY: `${SECRET}-secret-key`,
  VPNBOT_LOG_LEVEL: 'trace',
  VPNBOT_CLOUD_TIMEOUT_MS: '1500',
  VPNBOT_RUN_LEASE_SECONDS: '5',
});

const buttonOf = (blocks: unknown, actionId: string) =>
  new RegExp(`"action_id":"${actionId.replace('.', '\\.')}"[^}]*?"value":"([^"]+)"`).exec(JSON.stringify(blocks))?.[1];

/** Every text value of every column of every table. */
function databaseText(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
      (t) => t.name,
    );
    return tables
      .map((t) =>
        JSON.stringify(db.prepare(`SELECT * FROM "${t}"`).all(), (_k, v: unknown) =>
          Buffer.isBuffer(v) ? v.toString('latin1') : v,
        ),
      )
      .join('\n');
  } finally {
    db.close();
  }
}

/** Network faults on each call that carries a key: what an HTTP layer reports with the URL in it. */
const networkFaults = (actions: readonly string[], kinds: readonly FaultKind[]): ForcedFault[] =>
  actions.flatMap((action) => kinds.map((fault) => ({ fault, action })));

describe('secrets', () => {
  it('appear in no Slack payload, log line, CLI output, status JSON or database column, with the network failing on every call that carries one', async () => {
    const first = startServe(slack, env());
    bots.push(first);
    const url = await first.url;
    await postSigned(url, SECRET, slashCommand('plan seed', 'U1', { responseUrl: `${slack.url}/respond/s-plan` }));
    const plan = await slack.waitFor('the plan', () =>
      slack.of('chat.postMessage').find((c) => buttonOf(c.args.blocks, 'plan.approve')),
    );

    // The apply: a change made and its answer cut, two calls left unanswered, then resets and a
    // 5xx until three of the four connections run out of attempts and the run fails.
    emu.forceFaults([
      ...networkFaults(CREATE, ['appliedThenReset', 'readTimeout', 'readTimeout']),
      { fault: 'serverError', action: 'CreateVpnConnection' },
      ...Array.from({ length: 40 }, () => ({ fault: 'connectionReset' as const, action: 'CreateVpnConnection' })),
    ]);
    await postSigned(
      url,
      SECRET,
      buttonClick('plan.approve', buttonOf(plan.args.blocks, 'plan.approve')!, 'U2', {
        messageTs: plan.ts!,
        responseUrl: `${slack.url}/respond/s-ok`,
        blocks: plan.args.blocks as unknown[],
      }),
    );
    const failure = await slack.waitFor(
      'the failure in the thread',
      () =>
        slack.of('chat.postMessage').find((c) => c.args.thread_ts === plan.ts && buttonOf(c.args.blocks, 'run.retry')),
      120_000,
    );
    expect(JSON.stringify(failure.args)).toContain('transport error');
    emu.control.forced.length = 0;

    // The retry: the network fails again, and the bot dies while a call waits for its answer.
    emu.forceFaults(
      networkFaults(CREATE, ['connectionReset', 'appliedThenReset', 'readTimeout', 'readTimeout', 'readTimeout']),
    );
    const heldBefore = emu.injected()['no answer'] ?? 0;
    const click = buttonClick('run.retry', buttonOf(failure.args.blocks, 'run.retry')!, 'U2', {
      messageTs: failure.ts!,
      responseUrl: `${slack.url}/respond/s-retry`,
      blocks: failure.args.blocks as unknown[],
    });
    const payload = JSON.parse(click.payload!) as { message: Record<string, unknown> };
    payload.message.thread_ts = plan.ts;
    await postSigned(url, SECRET, { payload: JSON.stringify(payload) });
    await slack.waitFor(
      'a retried call left unanswered',
      () => (emu.injected()['no answer'] ?? 0) > heldBefore || undefined,
      60_000,
    );
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));

    // The resume: the next process finishes the run through more resets and timeouts.
    emu.control.forced.length = 0;
    emu.forceFaults(networkFaults(CREATE, ['readTimeout', 'connectionReset', 'appliedThenReset']));
    const second = startServe(slack, env(), first.cwd);
    bots.push(second);
    const url2 = await second.url;
    await slack.waitFor(
      'the resume note',
      () => slack.of('chat.postMessage').find((c) => String(c.args.text).startsWith('vpnbot restarted: resuming')),
      60_000,
    );
    await slack.waitFor(
      'the matrix after the resumed run',
      () => slack.of('chat.postMessage').find((c) => String(c.args.text).startsWith('Ping matrix for ikev1test')),
      120_000,
    );
    await postSigned(
      url2,
      SECRET,
      slashCommand('status ikev1test', 'U1', { responseUrl: `${slack.url}/respond/s-status` }),
    );
    await postSigned(url2, SECRET, slashCommand('plan nonsense', 'U1', { responseUrl: `${slack.url}/respond/s-bad` }));
    await slack.waitFor('the answers', () =>
      ['s-status', 's-bad'].every((id) => slack.responses.some((r) => r.id === id)),
    );
    /** Every key the cloud holds now: collected before and after the rotation, so old and new keys are scanned for. */
    const keysSeen = new Set<string>();
    const collectKeys = () => {
      for (const c of emu.world.vpnConnections.values())
        for (const k of c.tunnels ? c.tunnels.map((t) => t.ike.Psk) : [c.ike!.Psk]) keysSeen.add(k);
    };
    collectKeys();

    // An on-premises data centre: the apply waits for its device; its owner gets the keys in a direct
    // message, anyone else the file masked.
    const onprem = await proposeOverHttp(slack, url2, SECRET, 's-onprem', {
      text: `plan \`\`\`yaml\n${ONPREM_YAML}\n\`\`\``,
    });
    await onprem.approve('U2', 's-onprem-ok');
    await slack.waitFor(
      'the apply waiting for the device',
      () =>
        slack
          .of('chat.postMessage')
          .find(
            (c) => c.args.thread_ts === onprem.plan.ts && String(c.args.text).startsWith("Waiting for dc1's device"),
          ),
      120_000,
    );
    collectKeys();
    for (const [user, rid] of [
      ['UOWNER1', 's-cfg-owner'],
      ['U3', 's-cfg-other'],
    ] as const)
      await postSigned(
        url2,
        SECRET,
        slashCommand('config hybrid dc1 strongswan', user, { responseUrl: `${slack.url}/respond/${rid}` }),
      );
    const delivered = await slack.waitFor('both files', () => {
      const files = [...slack.uploads.values()].filter((u) => u.filename.endsWith('.swanctl.conf') && u.completed);
      return files.length === 2 ? files : undefined;
    });
    const owners = delivered.filter((u) => u.completed!.channel_id === 'DOWNER1');
    expect(owners).toHaveLength(1);
    const dcKeys = [...owners[0]!.bytes!.toString('utf8').matchAll(/secret = "([^"]+)"/g)].map((m) => m[1]!);
    expect(dcKeys).toHaveLength(2);
    for (const k of dcKeys) expect(keysSeen.has(k)).toBe(true);

    // A key rotation of the seed, the network failing on every call that carries a new key.
    const rotation = await proposeOverHttp(slack, url2, SECRET, 's-rotate', { text: 'rotate ikev1test' });
    emu.forceFaults(networkFaults(ROTATE, ['connectionReset', 'appliedThenReset', 'readTimeout']));
    await rotation.approve('U2', 's-rotate-ok');
    await slack.waitFor(
      'the rotation done',
      () =>
        slack
          .of('chat.update')
          .find((c) => JSON.stringify(c.args.blocks ?? '').includes('Done: rotate of *ikev1test*')),
      120_000,
    );
    collectKeys();

    // Every call that carried a key got each kind of network fault at least once.
    for (const action of emu.control.secretActions)
      expect({ action, covered: SECRET_ACTIONS.includes(action) }).toEqual({ action, covered: true });
    for (const action of SECRET_ACTIONS) {
      for (const fault of ['connectionReset', 'appliedThenReset', 'readTimeout'])
        expect({ action, fault, injected: (emu.control.injectedCalls.get(`${action} ${fault}`) ?? 0) > 0 }).toEqual({
          action,
          fault,
          injected: true,
        });
    }

    const cli = (args: string[]) => {
      try {
        const { SLACK_SIGNING_SECRET: _slack, PORT: _port, ...cloud } = env();
        return execFileSync(process.execPath, [BIN, ...args], {
          cwd: first.cwd,
          env: { PATH: process.env.PATH, HOME: first.cwd, ...cloud },
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (e) {
        const x = e as { stdout?: string; stderr?: string };
        return `${x.stdout ?? ''}${x.stderr ?? ''}`;
      }
    };

    // Every tunnel's key, before and after the rotation: dual-tunnel connections hold one per
    // tunnel, single-tunnel ones one in IkeConfig.
    collectKeys();
    const psks = [...keysSeen];
    expect(psks.length).toBeGreaterThan(0);
    for (const k of psks) expect(k.length).toBeGreaterThanOrEqual(16);
    const secrets: Record<string, string> = {
      ...Object.fromEntries(psks.map((k, i) => [`pre-shared key ${i + 1}`, k])),
      ...Object.fromEntries(psks.map((k, i) => [`pre-shared key ${i + 1} (URL-encoded)`, encodeURIComponent(k)])),
      'access key secret': emu.accessKeySecret,
      'Slack bot token': 'xoxb-test-token',
      'Slack signing secret': SECRET,
      'secret key': `${SECRET}-secret-key`,
    };
    const logs = bots.map((b) => b.output()).join('\n');
    const seen: Record<string, string> = {
      // Bolt authenticates to Slack's own API with the token (auth.test's `token` argument): that is
      // its purpose, not a payload anyone reads; everything else sent to Slack is scanned.
      'Slack payloads': JSON.stringify([
        slack.calls.map((c) => ({ ...c, args: { ...c.args, token: undefined } })),
        slack.responses,
        // Uploaded files too, whole (the plan file of a large plan, the heat map), but the one an
        // owner received in their direct message: the one place a key is meant to go.
        [...slack.uploads.values()].map((u) => ({
          ...u,
          bytes: u.completed?.channel_id === 'DOWNER1' ? "the owner's file" : u.bytes?.toString('latin1'),
        })),
      ]),
      'log lines': logs,
      'CLI status': cli(['status', 'ikev1test']),
      'CLI status JSON': cli(['status', '--json']),
      database: databaseText(join(first.cwd, 'data', 'vpnbot.db')),
    };
    expect(logs.length).toBeGreaterThan(1000);
    // The transport errors were there to leak: they reached the logs, redacted.
    expect(logs).toContain('transport error');
    expect(logs).toContain('[redacted]');
    expect(seen['CLI status JSON']).toContain('"topologies"');
    const leaks = Object.entries(seen).flatMap(([where, text]) =>
      Object.entries(secrets)
        .filter(([, v]) => text.includes(v))
        .map(([what]) => `${what} in ${where}`),
    );
    expect(leaks).toEqual([]);
  });
});
