/** The official SDK clients pointed at an emulator, as a user of the real cloud would build them. */
import Ecs, * as $Ecs from '@alicloud/ecs20140526';
import OpenApi, { $OpenApiUtil, OpenApiUtil } from '@alicloud/openapi-core';
import Vpc, * as $Vpc from '@alicloud/vpc20160428';
import * as $dara from '@darabonba/typescript';

export { $Ecs, $Vpc };

export interface Credentials {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
}

function config(c: Credentials) {
  const url = new URL(c.endpoint);
  return new $OpenApiUtil.Config({ accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, endpoint: url.host, protocol: url.protocol.replace(':', '').toUpperCase(), regionId: 'cn-hongkong' });
}

export function sdkClients(c: Credentials) {
  const cbn = new OpenApi(config(c));
  const runtime = new $dara.RuntimeOptions({});
  /** CEN through the generic client: @alicloud/cbn20170912 is not published where we install from. */
  const cen = async (action: string, query: Record<string, unknown> = {}): Promise<Record<string, any>> => {
    const params = new $OpenApiUtil.Params({ action, version: '2017-09-12', protocol: 'HTTPS', pathname: '/', method: 'POST', authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json' });
    const r = await cbn.callApi(params, new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query(query) }), runtime);
    return r.body as Record<string, any>;
  };
  return { vpc: new Vpc(config(c)), ecs: new Ecs(config(c)), cen };
}

/** Polls until `check` returns a value, or fails after `timeoutMs`. */
export async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 20_000, everyMs = 5): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
