/** The composition root's wiring: configuration -> database, secret key, cloud, engine. */
import type { AppServices } from '../src/app/app-services';
import { connectCloud, type ConnectOptions } from './connect-cloud';
import type { Config } from '../src/config';
import { createEngine } from '../src/engine/create-engine';
import { realPacing } from '../src/engine/retry-policy';
import { createLogger } from '../src/log/create-logger';
import { openDatabase } from '../storage/open-database';
import { createSecretBox } from '../storage/secret-box';
import { loadSecretKey } from '../storage/secret-key';
import { createSqliteStore } from '../storage/sqlite-store';

export async function openServices(config: Config, options: ConnectOptions = {}): Promise<AppServices> {
  const logger = createLogger(config.logLevel);
  const db = openDatabase(config.dbPath, { onRepaired: (message) => logger.warn(message) });
  try {
    const store = createSqliteStore(db, createSecretBox(loadSecretKey(config.secretKey, config.dbPath)));
    const connected = await connectCloud(config, options);
    const pacing = realPacing(connected.pace);
    const engine = createEngine({
      cloud: connected.cloud,
      store,
      parallelism: config.parallelism,
      pacing,
      leaseMs: config.runLeaseSeconds * 1000,
      refreshBudgetMs: config.refreshBudgetMs,
      log: logger,
    });
    return {
      store,
      cloud: connected.cloud,
      engine,
      pacing,
      ...(connected.control ? { control: connected.control } : {}),
      sandbox: connected.cloud.sandbox,
      ...(connected.sharing ? { sandboxNote: connected.sharing } : {}),
      logger,
      deviceKeyWaitMs: config.rotationDeviceWaitMs,
      close: async () => {
        await connected.close();
        db.close();
      },
    };
  } catch (e) {
    db.close();
    throw e;
  }
}
