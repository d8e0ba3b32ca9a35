/**
 * Chaos: `vpnbot serve` killed with SIGKILL at moments spread over an approved apply (by how many
 * resources exist, from the first to the last), then started again on the same database. Each
 * trial: the run converges, the cloud holds exactly the plan's resources (no duplicate), every
 * resource in the cloud is recorded and every recorded one exists (no orphan), the database passes
 * SQLite's integrity check (a kill mid-write leaves it consistent), and the thread's progress
 * message reaches its final state. `VPNBOT_CHAOS_TRIALS` sets how many (3 by default; 20 for the
 * full run).
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server/start-emulator';
import { buildPlan } from '../../src/planner/build-plan';
import { EMPTY_OBSERVED } from '../../src/planner/observed';
import { FakeSlack } from '../fakes/fake-slack';
import { countsOfPlan } from '../helpers/engine-harness';
import { proposeOverHttp, startServe, type ServeProcess } from '../helpers/serve-process';
import { seedTopology } from '../helpers/topologies';

const TRIALS = Number(process.env.VPNBOT_CHAOS_TRIALS ?? 3);
const SECRET = 'chaos-test-signing-secret';
const SCALE = 0.005;
const PLANNED = countsOfPlan(buildPlan(seedTopology(), EMPTY_OBSERVED).steps);
const STEPS = Object.values(PLANNED).reduce((a, b) => a + b, 0);
/** Kill points spread over the whole run: after 1 resource exists, ..., after all but one do. */
const KILL_AT = Array.from({ length: TRIALS }, (_, i) => 1 + Math.round((i * (STEPS - 2)) / Math.max(1, TRIALS - 1)));

let slack: FakeSlack;
const bots: ServeProcess[] = [];
beforeAll(async () => {
  slack = await new FakeSlack().start();
});
afterAll(async () => {
  for (const b of bots) b.stop();
  await slack?.stop();
});

const env = (emu: RunningEmulator) => ({
  PORT: '0',
  SLACK_SIGNING_SECRET: SECRET,
  VPNBOT_ALIBABA_ENDPOINT: emu.endpoint,
  ALIBABA_CLOUD_ACCESS_KEY_ID: emu.accessKeyId,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: emu.accessKeySecret,
  VPNBOT_ENDPOINT_PACE: String(SCALE * 4),
  VPNBOT_SECRET_KEY: 'chaos-test-secret-key',
  VPNBOT_LOG_LEVEL: 'silent',
  VPNBOT_RUN_LEASE_SECONDS: '5',
});

describe('SIGKILL of vpnbot serve during an approved apply', () => {
  it.each(KILL_AT.map((n, i) => [i + 1, n]))(
    'trial %i: killed once %i resources exist; the restart converges, no duplicate, no orphan, the thread ends',
    async (trial, killAt) => {
      const emu = await startEmulator({ timeScale: SCALE });
      const total = () => Object.values(emu.inventory().counts).reduce((a, b) => a + b, 0);
      try {
        const first = startServe(slack, env(emu));
        bots.push(first);
        const url = await first.url;
        const channel = `CK${trial}`;
        const { plan, approve } = await proposeOverHttp(slack, url, SECRET, `k${trial}`, { channel });
        await approve('U2', `k${trial}-ok`);
        await slack.waitFor(`${killAt} resources`, () => total() >= killAt, 60_000);
        first.child.kill('SIGKILL');
        await new Promise((r) => first.child.once('exit', r));

        const mark = slack.calls.length;
        const second = startServe(slack, env(emu), first.cwd);
        bots.push(second);
        // The restarted bot says so in the thread and edits its progress message to the end.
        await slack.waitFor(
          'the resume note',
          () =>
            slack.calls
              .slice(mark)
              .find(
                (c) =>
                  c.args.thread_ts === plan.ts && String(c.args.text).startsWith('vpnbot restarted: resuming apply'),
              ),
          60_000,
        );
        const done = await slack.waitFor(
          'the progress message at its final state',
          () =>
            slack.calls
              .slice(mark)
              .find(
                (c) =>
                  c.method === 'chat.update' && c.args.channel === channel && JSON.stringify(c.args).includes('Done'),
              ),
          90_000,
        );
        expect(JSON.stringify(done.args)).toMatch(/\d+\/\d+ steps/);
        await slack.waitFor(
          'the matrix in the thread',
          () =>
            slack.calls
              .slice(mark)
              .find((c) => c.args.thread_ts === plan.ts && String(c.args.text).startsWith('Ping matrix for ikev1test')),
          60_000,
        );
        await slack.waitFor(
          'the cloud to hold the plan',
          () => JSON.stringify(emu.inventory().counts) === JSON.stringify(PLANNED) || undefined,
          30_000,
        );
        second.stop();
        await new Promise((r) => second.child.once('exit', r));

        expect(emu.inventory().counts).toEqual(PLANNED);
        expect(emu.inventory().tunnels.every((t) => t.sameKey)).toBe(true);
        const db = new Database(join(first.cwd, 'data', 'vpnbot.db'), { readonly: true });
        try {
          expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
          const recorded = db
            .prepare("SELECT kind, cloud_id FROM resources WHERE topology = 'ikev1test' AND deleted_at IS NULL")
            .all() as { kind: string; cloud_id: string }[];
          const known = new Set(recorded.map((r) => r.cloud_id));
          const ids = new Set(emu.inventory().ids);
          expect(emu.inventory().ids.filter((id) => !known.has(id))).toEqual([]);
          // Resources with ids of their own (not rules, attachments, published routes) exist in the cloud.
          expect(
            recorded.filter((r) => !r.cloud_id.includes('|') && !r.cloud_id.includes('/') && !ids.has(r.cloud_id)),
          ).toEqual([]);
          expect(db.prepare("SELECT count(*) AS n FROM runs WHERE status = 'running'").get()).toEqual({ n: 0 });
        } finally {
          db.close();
        }
      } finally {
        await emu.close();
      }
    },
    240_000,
  );
});
