/**
 * Which cloud vpnbot talks to. With credentials, Alibaba Cloud (or the endpoint configured);
 * with no credentials and no endpoint, an emulator started in-process (on its own thread): sandbox mode.
 */
import { dirname, join } from 'node:path';
import type { Config } from '../src/config';
import { VpnbotError } from '../src/errors';
import { startEmulatorThread } from '../src/emulator/server/emulator-thread';
import { claimSandbox } from './sandbox-claim';
import { lazyAlibabaCloud } from './lazy-cloud';
import { CONTROL_PREFIX, type Breakage } from '../src/emulator/server/control-api';
import type { CloudApi, PlayedDevice, SandboxControl } from '../src/cloud/cloud-api';

export interface ConnectedCloud {
  readonly cloud: CloudApi;
  /** The pace at which to poll and back off: the emulator's time scale in sandbox mode. */
  readonly pace: number;
  /** The emulator's control API: in-process for the sandbox, over HTTP for an emulator endpoint (undefined for Alibaba Cloud). */
  readonly control?: SandboxControl;
  /** Set when another process runs this data directory's sandbox and this one uses it: said to the user. */
  readonly sharing?: string;
  close(): Promise<void>;
}

/** The control API of an emulator at `endpoint` (`vpnbot emulator`); a real endpoint answers 404, said so. */
function httpControl(endpoint: string): SandboxControl {
  const post = async (b: Breakage | PlayedDevice | Record<string, unknown>, route = 'break') => {
    const r = await fetch(new URL(`${CONTROL_PREFIX}${route}`, endpoint), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(b),
    });
    if (r.ok) return undefined;
    if (r.status === 404)
      return `${endpoint} has no emulator control API: only the sandbox or \`vpnbot emulator\` can be broken on purpose`;
    return String(
      ((await r.json().catch(() => ({}))) as { error?: string }).error ?? `control API answered ${r.status}`,
    );
  };
  return {
    withdrawPublishedRoute: (cenId, childInstanceId, destinationCidrBlock) =>
      post({ action: 'withdraw-route', cenId, childInstanceId, destinationCidrBlock }),
    setTunnel: (vpnConnectionId, tunnel, up) =>
      post({ action: up ? 'tunnel-up' : 'tunnel-down', vpnConnectionId, tunnel }),
    playDevice: (device) => post(device, 'devices'),
    setPermissions: (change) => post({ ...change }, 'permissions'),
  };
}

export interface ConnectOptions {
  /** How this process is named to another that finds the sandbox held (`vpnbot local`). */
  readonly command?: string;
}

export async function connectCloud(config: Config, options: ConnectOptions = {}): Promise<ConnectedCloud> {
  if (config.alibabaEndpoint !== undefined || config.credentialsAvailable) {
    if (config.alibabaEndpoint !== undefined && !config.credentialsAvailable) {
      throw new VpnbotError(
        'config.no-credentials',
        `VPNBOT_ALIBABA_ENDPOINT is set (${config.alibabaEndpoint}) but no credentials are: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET`,
      );
    }
    const cloud = lazyAlibabaCloud({
      sandbox: false,
      site: config.accountSite,
      readTimeoutMs: config.cloudTimeoutMs,
      connectTimeoutMs: Math.min(5_000, config.cloudTimeoutMs),
      ...(config.alibabaEndpoint ? { endpoint: config.alibabaEndpoint } : {}),
      // Without explicit keys the SDK's default credentials chain (profiles, RAM roles) applies.
      ...(config.accessKey
        ? { credentials: { accessKeyId: config.accessKey.id, accessKeySecret: config.accessKey.secret } }
        : {}),
    });
    return {
      cloud,
      pace: config.alibabaEndpoint && config.endpointPace !== undefined ? config.endpointPace : 1,
      close: async () => undefined,
      ...(config.alibabaEndpoint ? { control: httpControl(config.alibabaEndpoint) } : {}),
    };
  }
  // One emulated cloud per data directory: a second process shares the first one's (sandbox-claim.ts).
  const dir = dirname(config.dbPath);
  const claim = await claimSandbox(
    dir,
    // On its own thread: the bot's event loop (Slack acks, planning) never waits on the emulated cloud.
    () =>
      startEmulatorThread({
        timeScale: config.sandboxTimeScale,
        ipsecConnectionQuota: config.ipsecConnectionQuota,
        statePath: join(dir, 'sandbox-cloud.json'),
      }),
    { timeScale: config.sandboxTimeScale, command: options.command ?? 'vpnbot' },
  );
  const emulator = claim.role === 'owner' ? claim.emulator : claim.holder;
  const cloud = lazyAlibabaCloud({
    sandbox: true,
    site: config.accountSite,
    endpoint: emulator.endpoint,
    credentials: { accessKeyId: emulator.accessKeyId, accessKeySecret: emulator.accessKeySecret },
  });
  return {
    cloud,
    // Shared: the owner's time scale, whatever this process was configured with.
    pace: claim.role === 'owner' ? config.sandboxTimeScale : claim.holder.timeScale,
    control: httpControl(emulator.endpoint),
    close: claim.role === 'owner' ? () => claim.close() : async () => undefined,
    ...(claim.role === 'shared'
      ? {
          sharing: `sharing the sandbox of ${dir} with \`${claim.holder.command}\` (pid ${claim.holder.pid}), which runs its emulated cloud: one per data directory`,
        }
      : {}),
  };
}
