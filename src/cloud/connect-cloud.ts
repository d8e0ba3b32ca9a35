/**
 * Which cloud vpnbot talks to. With credentials, Alibaba Cloud (or the endpoint configured);
 * with no credentials and no endpoint, an emulator started in-process: sandbox mode.
 */
import { dirname, join } from 'node:path';
import type { Config } from '../config';
import { VpnbotError } from '../errors';
import { startEmulator } from '../emulator/start-emulator';
import { createAlibabaCloud } from './alibaba/alibaba-cloud';
import type { CloudApi } from './cloud-api';

export interface ConnectedCloud {
  readonly cloud: CloudApi;
  /** The pace at which to poll and back off: the emulator's time scale in sandbox mode. */
  readonly pace: number;
  close(): Promise<void>;
}

export async function connectCloud(config: Config): Promise<ConnectedCloud> {
  if (config.alibabaEndpoint !== undefined || config.credentialsAvailable) {
    if (config.alibabaEndpoint !== undefined && !config.credentialsAvailable) {
      throw new VpnbotError('config.no-credentials', `VPNBOT_ALIBABA_ENDPOINT is set (${config.alibabaEndpoint}) but no credentials are: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET`);
    }
    const cloud = createAlibabaCloud({
      sandbox: false,
      ...(config.alibabaEndpoint ? { endpoint: config.alibabaEndpoint } : {}),
      // Without explicit keys the SDK's default credentials chain (profiles, RAM roles) applies.
      ...(config.accessKey ? { credentials: { accessKeyId: config.accessKey.id, accessKeySecret: config.accessKey.secret } } : {}),
    });
    return { cloud, pace: config.alibabaEndpoint && config.endpointPace !== undefined ? config.endpointPace : 1, close: async () => undefined };
  }
  const emulator = await startEmulator({
    timeScale: config.sandboxTimeScale,
    ipsecConnectionQuota: config.ipsecConnectionQuota,
    statePath: join(dirname(config.dbPath), 'sandbox-cloud.json'),
  });
  const cloud = createAlibabaCloud({ sandbox: true, endpoint: emulator.endpoint, credentials: { accessKeyId: emulator.accessKeyId, accessKeySecret: emulator.accessKeySecret } });
  return { cloud, pace: config.sandboxTimeScale, close: () => emulator.close() };
}
