/**
 * The bot killed (SIGKILL) during an approved apply: the next `vpnbot serve` resumes the run, says
 * so in the plan's thread, and brings its progress message to the final state; the cloud holds
 * exactly the plan's resources.
 */
import { startEmulator, type RunningEmulator } from '../../src/emulator/server/start-emulator';
import { buildPlan } from '../../src/planner/build-plan';
import { EMPTY_OBSERVED } from '../../src/planner/observed';
import { FakeSlack } from '../fakes/fake-slack';
import { countsOfPlan } from '../helpers/engine-harness';
import { proposeOverHttp, startServe, type ServeProcess } from '../helpers/serve-process';
import { seedTopology } from '../helpers/topologies';

const SECRET = 'restart-test-signing-secret';
const SCALE = 0.005;
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
  VPNBOT_SECRET_KEY: 'restart-test-secret-key',
  VPNBOT_LOG_LEVEL: 'silent',
});
const total = () => Object.values(emu.inventory().counts).reduce((a, b) => a + b, 0);

describe('a restart during an approved apply', () => {
  it('resumes the run, says so in its thread, and reaches the final state', async () => {
    const first = startServe(slack, env());
    bots.push(first);
    const url = await first.url;
    const { plan, approve } = await proposeOverHttp(slack, url, SECRET, 'r-plan');
    await approve('U2', 'r-ok');
    // Killed once part of the topology exists, by what the cloud holds rather than by the clock.
    await slack.waitFor('some resources to exist', () => total() >= 8, 60_000);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    expect(total()).toBeLessThan(33);

    const second = startServe(slack, env(), first.cwd);
    bots.push(second);
    const note = await slack.waitFor(
      'the resume note in the thread',
      () =>
        slack
          .of('chat.postMessage')
          .find(
            (c) => c.args.thread_ts === plan.ts && String(c.args.text).startsWith('vpnbot restarted: resuming apply'),
          ),
      60_000,
    );
    const after = slack.calls.indexOf(note);
    const done = await slack.waitFor(
      'the resumed run done',
      () => slack.calls.slice(after).find((c) => c.method === 'chat.update' && JSON.stringify(c.args).includes('Done')),
      60_000,
    );
    expect(JSON.stringify(done.args)).toMatch(/\d+\/\d+ steps/);
    expect(emu.inventory().counts).toEqual(countsOfPlan(buildPlan(seedTopology(), EMPTY_OBSERVED).steps));
    expect(emu.inventory().tunnels.every((t) => t.sameKey)).toBe(true);
  });
});
