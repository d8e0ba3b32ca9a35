/** An engine wired as in production (SQLite store, Alibaba drivers, official SDKs) against an in-process emulator. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { AppServices } from '../../src/app/app-services';
import type { AppStore } from '../../src/app/app-store';
import { createAlibabaCloud } from '../../src/cloud/alibaba/alibaba-cloud';
import type { CloudApi } from '../../src/cloud/cloud-api';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/server/start-emulator';
import { createEngine, type Engine } from '../../src/engine/create-engine';
import { realPacing } from '../../src/engine/retry-policy';
import { createLogger } from '../../src/log/create-logger';
import { STEP_KINDS } from '../../src/planner/plan';
import { openDatabase } from '../../storage/open-database';
import { createSecretBox } from '../../storage/secret-box';
import { createSqliteStore } from '../../storage/sqlite-store';

export const TIME_SCALE = 0.0005;

export interface Harness {
  readonly emu: RunningEmulator;
  readonly cloud: CloudApi;
  readonly store: AppStore;
  readonly db: Database.Database;
  readonly engine: Engine;
  readonly dir: string;
  close(): Promise<void>;
}

export async function startHarness(
  options: EmulatorOptions & { parallelism?: number; dbPath?: string } = {},
): Promise<Harness> {
  const emu = await startEmulator({ timeScale: TIME_SCALE, ...options });
  const dir = mkdtempSync(join(tmpdir(), 'vpnbot-engine-'));
  const db = openDatabase(options.dbPath ?? join(dir, 'vpnbot.db'));
  const store = createSqliteStore(db, createSecretBox('test-secret-key-material'));
  const cloud = createAlibabaCloud({
    sandbox: true,
    endpoint: emu.endpoint,
    credentials: { accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret },
  });
  const engine = createEngine({
    cloud,
    store,
    parallelism: options.parallelism ?? 10,
    pacing: realPacing(TIME_SCALE * 4),
  });
  return {
    emu,
    cloud,
    store,
    db,
    engine,
    dir,
    close: async () => {
      db.close();
      await emu.close();
    },
  };
}

/** The services front ends work with, over a harness (sandbox, silent log). */
export function servicesOf(h: Harness): AppServices {
  return {
    store: h.store,
    cloud: h.cloud,
    engine: h.engine,
    pacing: realPacing(TIME_SCALE * 4),
    sandbox: true,
    logger: createLogger('silent'),
    close: async () => undefined,
  };
}

/** Resources a plan asks for, by kind, in the order of STEP_KINDS: 0 for the kinds it has none of. */
export function countsOfPlan(steps: readonly { kind: string; action: string }[]): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(STEP_KINDS.map((k) => [k, 0]));
  for (const s of steps) if (s.action !== 'delete') out[s.kind] = (out[s.kind] ?? 0) + 1;
  return out;
}
