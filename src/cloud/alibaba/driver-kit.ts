/** What every Alibaba driver shares: the clients, a call wrapper that maps errors and counts calls, tag helpers. */
import type { Observation } from '../cloud-api';
import type { AlibabaClients } from './alibaba-clients';
import { SITE_BILLING, type AccountSite, type SiteBilling } from '../billing';
import { mapSdkError } from './map-error';

export interface DriverContext {
  readonly clients: AlibabaClients;
  /** How this account pays for what the drivers buy (its site's row of billing.ts). */
  readonly billing: SiteBilling;
  readonly site: AccountSite;
  /** Runs one SDK call: counts it and maps its errors to CloudError. */
  call<T>(action: string, fn: () => Promise<T>): Promise<T>;
}

export function createDriverContext(
  clients: AlibabaClients,
  site: AccountSite = 'international',
): DriverContext & { count: () => number } {
  let calls = 0;
  return {
    clients,
    billing: SITE_BILLING[site],
    site,
    count: () => calls,
    async call(action, fn) {
      calls++;
      try {
        return await fn();
      } catch (e) {
        throw mapSdkError(e, action);
      }
    },
  };
}

export const vpcTags = (tags: Readonly<Record<string, string>>) =>
  Object.entries(tags).map(([key, value]) => ({ key, value }));
/** Tags as CEN's generic calls send them: `Tag.N.Key` / `Tag.N.Value`. */
export const capitalTags = (tags: Readonly<Record<string, string>>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** Tags from any SDK model shape: `tags.tag[]` or `tag.tag[]`, with key/value or tagKey/tagValue. */
export function tagsOf(model: unknown): Record<string, string> {
  const o = model as { tags?: { tag?: unknown[] }; tag?: { tag?: unknown[] } } | undefined;
  const list = (o?.tags?.tag ?? (typeof o?.tag === 'object' ? o?.tag?.tag : undefined) ?? []) as {
    key?: string;
    value?: string;
    tagKey?: string;
    tagValue?: string;
  }[];
  return Object.fromEntries(
    list.map((t) => [t.key ?? t.tagKey ?? '', t.value ?? t.tagValue ?? '']).filter(([k]) => k !== ''),
  );
}

export const matches = (tags: Record<string, string>, wanted: Readonly<Record<string, string>>) =>
  Object.entries(wanted).every(([k, v]) => tags[k] === v);

export const GONE: Observation = { state: 'gone', outputs: {}, settled: true };
export const ready = (outputs: Record<string, string>, settled = true): Observation => ({
  state: 'ready',
  outputs,
  settled,
});
export const pending = (detail?: string, settled = false, outputs: Record<string, string> = {}): Observation => ({
  state: 'pending',
  outputs,
  settled,
  ...(detail ? { detail } : {}),
});

/** Reads that answer "not found" mean gone. */
export async function orGone<T>(
  call: Promise<T>,
  onFound: (v: T) => Observation | Promise<Observation>,
): Promise<Observation> {
  try {
    return await onFound(await call);
  } catch (e) {
    if ((e as { category?: string }).category === 'not-found') return GONE;
    throw e;
  }
}
