/** The official SDK clients pointed at an emulator, as a user of the real cloud would build them. */
import * as $Ecs from '@alicloud/ecs20140526';
import * as $Vpc from '@alicloud/vpc20160428';
import { createAlibabaClients } from '../../src/cloud/alibaba/alibaba-clients';

export { $Ecs, $Vpc };

export interface Credentials {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
}

/** The product clients vpnbot itself uses, pointed at `c.endpoint`; requests carry their own RegionId. */
export function sdkClients(c: Credentials) {
  const clients = createAlibabaClients({
    endpoint: c.endpoint,
    credentials: { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret },
  });
  return {
    vpc: clients.vpc('cn-hongkong'),
    ecs: clients.ecs('cn-hongkong'),
    cen: (action: string, query: Record<string, unknown> = {}) => clients.cen(action, query),
  };
}

/** Polls until `check` returns a value, or fails after `timeoutMs`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
  everyMs = 5,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
