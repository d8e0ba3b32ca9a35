/** `vpnbot serve` as a child process (the built binary), and what it prints. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server/start-emulator';
import { FakeSlack as FakeSlackClass, type FakeSlack } from '../fakes/fake-slack';
import { buttonClick, planIdOf, postSigned, slashCommand } from './slack-requests';

const BIN = join(__dirname, '..', '..', 'dist', 'commands', 'main.js');

export interface ServeProcess {
  readonly child: ChildProcess;
  /** Its working directory (the database is under ./data/): a restart reuses it. */
  readonly cwd: string;
  /** Everything printed so far, stdout and stderr. */
  output(): string;
  /** The events URL once it listens (HTTP mode). */
  readonly url: Promise<string>;
  stop(): void;
}

/** Starts `vpnbot serve` in a directory of its own, its Web API calls going to `slack`. */
export function startServe(
  slack: FakeSlack,
  env: Record<string, string>,
  cwd = mkdtempSync(join(tmpdir(), 'vpnbot-serve-')),
): ServeProcess {
  let out = '';
  const child = spawn(process.execPath, [BIN, 'serve'], {
    cwd,
    env: {
      PATH: process.env.PATH,
      HOME: cwd,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_API_URL: `${slack.url}/api/`,
      VPNBOT_PROGRESS_INTERVAL_MS: '200',
      VPNBOT_LOG_LEVEL: 'error',
      // Loopback only, and an open approval policy unless the test names approvers.
      HOST: '127.0.0.1',
      ...(env.VPNBOT_APPROVERS ? {} : { VPNBOT_ANYONE_MAY_APPROVE: 'true' }),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  const url = env.SLACK_APP_TOKEN
    ? Promise.resolve('')
    : slack.waitFor(
        'the bot to listen',
        () => {
          if (exited) throw new Error(`vpnbot serve exited: ${out}`);
          return /HTTP on (http:\/\/\S+:\d+\/slack\/events)/.exec(out)?.[1];
        },
        30_000,
      );
  return { child, cwd, output: () => out, url, stop: () => void child.kill('SIGTERM') };
}

/**
 * A fake Slack, an emulator the test owns (so it can make the cloud fail or break the network) and
 * `vpnbot serve` in HTTP mode talking to both. `stop()` ends all three.
 */
export async function startServeOnEmulator(
  secret: string,
  scale: number,
  env: Record<string, string> = {},
): Promise<{ slack: FakeSlack; emu: RunningEmulator; bot: ServeProcess; url: string; stop(): Promise<void> }> {
  const slack = await new FakeSlackClass().start();
  const emu = await startEmulator({ timeScale: scale });
  const bot = startServe(slack, {
    PORT: '0',
    SLACK_SIGNING_SECRET: secret,
    VPNBOT_ALIBABA_ENDPOINT: emu.endpoint,
    ALIBABA_CLOUD_ACCESS_KEY_ID: emu.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: emu.accessKeySecret,
    VPNBOT_ENDPOINT_PACE: String(scale * 4),
    VPNBOT_SECRET_KEY: `${secret}-secret-key`,
    VPNBOT_LOG_LEVEL: 'silent',
    ...env,
  });
  const url = await bot.url;
  return {
    slack,
    emu,
    bot,
    url,
    async stop() {
      bot.stop();
      await slack.stop();
      await emu.close();
    },
  };
}

export type ServeOnEmulator = Awaited<ReturnType<typeof startServeOnEmulator>>;

/**
 * The same, for a whole test file: started before its tests and stopped after them. The returned
 * object is filled in by the time the first test runs.
 */
export function serveOnEmulatorSuite(secret: string, scale: number, env: Record<string, string> = {}): ServeOnEmulator {
  const suite = {} as { -readonly [K in keyof ServeOnEmulator]: ServeOnEmulator[K] };
  beforeAll(async () => {
    Object.assign(suite, await startServeOnEmulator(secret, scale, env));
  });
  afterAll(() => suite.stop?.());
  return suite;
}

/**
 * Posts `/vpn <text>` (`plan seed` unless told) to the bot at `url` and waits for the plan message it
 * posts next (in `channel`, when given); answers with the message, its plan id, and a click on its
 * Approve button.
 */
export async function proposeOverHttp(
  slack: FakeSlack,
  url: string,
  secret: string,
  rid: string,
  o: { text?: string; channel?: string } = {},
) {
  const before = slack.of('chat.postMessage').length;
  await postSigned(
    url,
    secret,
    slashCommand(o.text ?? 'plan seed', 'U1', {
      ...(o.channel ? { channel: o.channel } : {}),
      responseUrl: `${slack.url}/respond/${rid}`,
    }),
  );
  const plan = await slack.waitFor('the plan', () =>
    slack
      .of('chat.postMessage')
      .slice(before)
      .find(
        (c) =>
          (!o.channel || c.args.channel === o.channel) && JSON.stringify(c.args.blocks ?? '').includes('plan.approve'),
      ),
  );
  const planId = planIdOf(plan.args.blocks);
  const approve = (user: string, clickRid: string) =>
    postSigned(
      url,
      secret,
      buttonClick('plan.approve', planId, user, {
        ...(o.channel ? { channel: o.channel } : {}),
        messageTs: plan.ts!,
        responseUrl: `${slack.url}/respond/${clickRid}`,
        blocks: plan.args.blocks as unknown[],
      }),
    );
  return { plan, planId, approve };
}
