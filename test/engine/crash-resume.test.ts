import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator';
import { buildPlan } from '../../src/planner/build-plan';
import { EMPTY_OBSERVED } from '../../src/planner/observed';
import { openDatabase } from '../../storage/open-database';
import { createSecretBox } from '../../storage/secret-box';
import { createSqliteStore } from '../../storage/sqlite-store';
import { countsOfPlan, worldCounts } from '../helpers/engine-harness';
import { seedTopology } from '../helpers/topologies';

const BIN = join(__dirname, '..', '..', 'dist', 'commands', 'main.js');
const TIME_SCALE = 0.002;
const SECRET = 'crash-test-secret-key-material!!';

function apply(emu: RunningEmulator, dbPath: string) {
  const child = spawn(process.execPath, [BIN, 'apply', 'seed', '--auto-approve'], {
    env: {
      PATH: process.env.PATH, VPNBOT_DB: dbPath, VPNBOT_SECRET_KEY: SECRET, VPNBOT_ALIBABA_ENDPOINT: emu.endpoint, VPNBOT_ENDPOINT_PACE: String(TIME_SCALE * 4),
      ALIBABA_CLOUD_ACCESS_KEY_ID: emu.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: emu.accessKeySecret,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output, exit: once(child, 'exit') as Promise<[number | null, string | null]> };
}

/** Per trial: how many resources existed when the first process died, and whether the restart resumed its run. */
const observed: { atKill: number; resumed: boolean }[] = [];

describe('crash and restart', () => {
  // Kill times, counted from the moment provisioning starts, from a fixed sequence spread over a whole apply.
  const KILL_AFTER_MS = [0, 60, 140, 220, 320, 420, 540, 680, 820, 1000, 1250];

  it.each(KILL_AFTER_MS.map((ms, i) => [i + 1, ms]))('trial %i: SIGKILL after %i ms, then a restart converges with no duplicate and no orphan', async (_trial, killAfter) => {
    const emu = await startEmulator({ timeScale: TIME_SCALE });
    const dbPath = join(mkdtempSync(join(tmpdir(), 'vpnbot-crash-')), 'vpnbot.db');
    try {
      const first = apply(emu, dbPath);
      await new Promise<void>((resolve) => {
        const check = () => (first.output().includes('Starting apply') ? resolve() : setTimeout(check, 2));
        check();
      });
      await new Promise((r) => setTimeout(r, killAfter));
      first.child.kill('SIGKILL');
      await first.exit;
      const atKill = Object.values(worldCounts(emu.world)).reduce((a, b) => a + b, 0);

      const second = apply(emu, dbPath);
      const [code] = await second.exit;
      expect({ code, output: code === 0 ? '' : second.output() }).toEqual({ code: 0, output: '' });
      observed.push({ atKill, resumed: second.output().includes('Resuming apply') });

      const expected = countsOfPlan(buildPlan(seedTopology(), EMPTY_OBSERVED).steps);
      expect(worldCounts(emu.world)).toEqual(expected);
      // No orphan: every resource in the cloud is one the store knows, for the step it was made for.
      const db = openDatabase(dbPath);
      try {
        const store = createSqliteStore(db, createSecretBox(SECRET));
        const known = new Set(store.resources('ikev1test').map((r) => r.cloudId));
        const cloudIds = [
          ...emu.world.vpcs.keys(), ...emu.world.vswitches.keys(), ...emu.world.vpnGateways.keys(), ...emu.world.customerGateways.keys(),
          ...emu.world.vpnConnections.keys(), ...emu.world.cens.keys(), ...emu.world.securityGroups.keys(), ...emu.world.instances.keys(),
        ];
        expect(cloudIds.filter((id) => !known.has(id))).toEqual([]);
        expect(store.unfinishedRuns()).toEqual([]);
        // Both sides of every tunnel share one key, so every tunnel is up.
        expect([...emu.world.vpnConnections.values()].map((c) => c.ike.Psk === [...emu.world.vpnConnections.values()].find((m) => m.id !== c.id && m.localSubnet.join() === c.remoteSubnet.join() && m.remoteSubnet.join() === c.localSubnet.join())?.ike.Psk)).toEqual([true, true, true, true]);
      } finally {
        db.close();
      }
    } finally {
      await emu.close();
    }
  });

  it('the kills landed mid-apply: resources half built, runs resumed', () => {
    expect(observed).toHaveLength(KILL_AFTER_MS.length);
    expect(observed.filter((o) => o.atKill > 0 && o.atKill < 33).length).toBeGreaterThanOrEqual(5);
    expect(observed.filter((o) => o.resumed).length).toBeGreaterThanOrEqual(5);
  });
});
