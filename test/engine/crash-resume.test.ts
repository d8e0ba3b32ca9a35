import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server/start-emulator';
import { buildPlan } from '../../src/planner/build-plan';
import { EMPTY_OBSERVED } from '../../src/planner/observed';
import { openDatabase } from '../../storage/open-database';
import { createSecretBox } from '../../storage/secret-box';
import { createSqliteStore } from '../../storage/sqlite-store';
import { countsOfPlan } from '../helpers/engine-harness';
import { seedTopology, SEED_STEPS } from '../helpers/topologies';

const BIN = join(__dirname, '..', '..', 'dist', 'commands', 'main.js');
const TIME_SCALE = 0.002;
const SECRET = 'crash-test-secret-key-material!!';

function apply(emu: RunningEmulator, dbPath: string) {
  const child = spawn(process.execPath, [BIN, 'apply', 'seed', '--auto-approve'], {
    env: {
      PATH: process.env.PATH,
      VPNBOT_DB: dbPath,
      VPNBOT_SECRET_KEY: SECRET,
      VPNBOT_ALIBABA_ENDPOINT: emu.endpoint,
      VPNBOT_ENDPOINT_PACE: String(TIME_SCALE * 4),
      ALIBABA_CLOUD_ACCESS_KEY_ID: emu.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: emu.accessKeySecret,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output, exit: once(child, 'exit') as Promise<[number | null, string | null]> };
}

const total = (emu: RunningEmulator) => Object.values(emu.inventory().counts).reduce((a, b) => a + b, 0);

/** Resolves once `check` holds, polling every millisecond; fails with `what` after `timeoutMs`. */
async function waitFor(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

describe('crash and restart', () => {
  // Each trial kills the apply once the cloud holds this many of the seed's resources: points
  // spread over the whole run, chosen by what exists rather than by the clock, so every trial
  // lands mid-apply on any machine and runs alone.
  const KILL_AT_RESOURCES = [0, 1, 2, 4, 6, 9, 12, 15, 18, 21, 24];
  const SEED_RESOURCES = SEED_STEPS;

  it.each(KILL_AT_RESOURCES.map((n, i) => [i + 1, n]))(
    'trial %i: SIGKILL once %i resources exist, then a restart resumes and converges with no duplicate and no orphan',
    async (_trial, killAt) => {
      const emu = await startEmulator({ timeScale: TIME_SCALE });
      const dbPath = join(mkdtempSync(join(tmpdir(), 'vpnbot-crash-')), 'vpnbot.db');
      try {
        const first = apply(emu, dbPath);
        await waitFor('the apply to start', () => first.output().includes('Starting apply'));
        await waitFor(`${killAt} resources`, () => total(emu) >= killAt);
        first.child.kill('SIGKILL');
        await first.exit;
        const atKill = total(emu);
        expect(atKill).toBeGreaterThanOrEqual(killAt);
        expect(atKill).toBeLessThan(SEED_RESOURCES);

        const second = apply(emu, dbPath);
        const [code] = await second.exit;
        expect({ code, output: code === 0 ? '' : second.output() }).toEqual({ code: 0, output: '' });
        expect(second.output()).toContain('Resuming apply');

        const cloud = emu.inventory();
        expect(cloud.counts).toEqual(countsOfPlan(buildPlan(seedTopology(), EMPTY_OBSERVED).steps));
        // No orphan: every resource in the cloud is one the store knows, for the step it was made for.
        const db = openDatabase(dbPath);
        try {
          const store = createSqliteStore(db, createSecretBox(SECRET));
          const known = new Set(store.resources('ikev1test').map((r) => r.cloudId));
          expect(cloud.ids.filter((id) => !known.has(id))).toEqual([]);
          expect(store.unfinishedRuns()).toEqual([]);
          // Both sides of every tunnel share one key, so every tunnel is up.
          expect(cloud.tunnels.map((t) => t.sameKey)).toEqual([true, true, true, true]);
        } finally {
          db.close();
        }
      } finally {
        await emu.close();
      }
    },
  );
});
