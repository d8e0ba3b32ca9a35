/** Whether vpnbot can work: its database answers, and the cloud answers a cheap signed read. */
import type { AppServices } from './app-services';

export interface Health {
  readonly ok: boolean;
  readonly database: 'open' | 'unreadable';
  /** Where calls go ('sandbox' in sandbox mode), never credentials. */
  readonly cloud: string;
  readonly cloudReachable: boolean;
}

/** A health check that asks the cloud at most once every `cloudEveryMs` (a probe may poll often). */
export function createHealthCheck(
  services: AppServices,
  cloudEveryMs = 30_000,
  now: () => number = Date.now,
): () => Promise<Health> {
  let cloudCheck: { at: number; ok: Promise<boolean> } | undefined;
  const cloudReachable = (): Promise<boolean> => {
    if (!cloudCheck || now() - cloudCheck.at > cloudEveryMs) {
      cloudCheck = {
        at: now(),
        ok: services.cloud.zones('cn-hangzhou').then(
          () => true,
          () => false,
        ),
      };
    }
    return cloudCheck.ok;
  };
  return async () => {
    let database = true;
    try {
      services.store.topologies();
    } catch {
      database = false;
    }
    const reachable = await cloudReachable();
    return {
      ok: database && reachable,
      database: database ? 'open' : 'unreadable',
      cloud: services.sandbox ? 'sandbox' : services.cloud.target,
      cloudReachable: reachable,
    };
  };
}
