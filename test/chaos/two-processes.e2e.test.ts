/**
 * Two processes on one database: the bot applying a topology after an approval, and someone
 * running `vpnbot apply` from a terminal at the same time. One run per topology: the second is
 * refused with who holds it, and the first converges undisturbed.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildPlan } from '../../src/planner/build-plan';
import { EMPTY_OBSERVED } from '../../src/planner/observed';
import { countsOfPlan } from '../helpers/engine-harness';
import { proposeOverHttp, serveOnEmulatorSuite } from '../helpers/serve-process';
import { seedTopology } from '../helpers/topologies';

const run = promisify(execFile);
const BIN = join(__dirname, '..', '..', 'dist', 'commands', 'main.js');
const SECRET = 'two-processes-signing-secret';
// Slow enough (a VPN gateway takes 6 s) that the bot's run is still going when the CLI starts.
const SCALE = 0.05;
const suite = serveOnEmulatorSuite(SECRET, SCALE);

describe('the bot and a CLI apply on one database', () => {
  it('runs one apply per topology: the CLI is refused with who holds it, the bot converges', async () => {
    const { approve } = await proposeOverHttp(suite.slack, suite.url, SECRET, 'tp-plan');
    await approve('U2', 'tp-ok');
    await suite.slack.waitFor(
      'the run under way',
      () => Object.values(suite.emu.inventory().counts).reduce((a, b) => a + b, 0) >= 3,
      60_000,
    );

    const env = {
      PATH: process.env.PATH ?? '',
      HOME: suite.bot.cwd,
      VPNBOT_DB: join(suite.bot.cwd, 'data', 'vpnbot.db'),
      VPNBOT_ALIBABA_ENDPOINT: suite.emu.endpoint,
      ALIBABA_CLOUD_ACCESS_KEY_ID: suite.emu.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: suite.emu.accessKeySecret,
      VPNBOT_ENDPOINT_PACE: String(SCALE * 4),
      VPNBOT_SECRET_KEY: `${SECRET}-secret-key`,
      VPNBOT_LOG_LEVEL: 'silent',
    };
    const cli = await run(process.execPath, [BIN, 'apply', 'seed', '--auto-approve'], { cwd: suite.bot.cwd, env }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );
    expect(cli.code).toBe(1);
    expect(cli.out).toMatch(
      /topology "ikev1test" is being changed by apply run-\S+, requested by U1|is changing this topology/,
    );

    await suite.slack.waitFor(
      'the bot run done',
      () => suite.slack.of('chat.update').find((c) => JSON.stringify(c.args).includes('Done')),
      90_000,
    );
    expect(suite.emu.inventory().counts).toEqual(countsOfPlan(buildPlan(seedTopology(), EMPTY_OBSERVED).steps));
  });
});
