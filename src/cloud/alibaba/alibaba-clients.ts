/**
 * The official SDK clients, built once per endpoint. With an explicit endpoint (an emulator, or a
 * VPNBOT_ALIBABA_ENDPOINT), every product's calls go there; otherwise each product's client picks
 * Alibaba's regional endpoint, and CEN goes to its one global endpoint.
 */
import Credential from '@alicloud/credentials';
import Ecs from '@alicloud/ecs20140526';
import OpenApi, { $OpenApiUtil, OpenApiUtil } from '@alicloud/openapi-core';
import Vpc from '@alicloud/vpc20160428';
import * as $dara from '@darabonba/typescript';
import type { AccountSite } from '../billing';
import { releaseReadTimers } from './release-read-timers';

export interface AlibabaCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

export interface AlibabaClientOptions {
  readonly credentials?: AlibabaCredentials;
  /** e.g. `http://127.0.0.1:9000`: one endpoint for every product. */
  readonly endpoint?: string;
  /** Per-call timeouts in ms. */
  readonly connectTimeoutMs?: number;
  readonly readTimeoutMs?: number;
  /** The account's site: which BSS endpoint answers for it (billing.ts). International when absent. */
  readonly site?: AccountSite;
}

/** An answer as JSON, read field by field as the SDK's models name them (CEN has no typed SDK to cast to). */
// biome-ignore lint/suspicious/noExplicitAny: untyped wire JSON; each reader checks the fields it uses.
export type RawAnswer = Record<string, any>;

export type CenCall = (action: string, query: Record<string, unknown>) => Promise<RawAnswer>;

/**
 * An action sent by its product's client with some parameters moved from the query to the form
 * body. The SDKs put every parameter in the URL: a single-tunnel connection's IkeConfig (its
 * pre-shared key), which HTTP layers repeat in their errors and logs, and the 100 rules of an
 * AuthorizeSecurityGroup (about 25 KB, past what HTTP front ends commonly take in a request head).
 * RPC endpoints read parameters from either place.
 */
export type FormCall = (
  region: string,
  action: string,
  query: Record<string, unknown>,
  body: Record<string, unknown>,
) => Promise<RawAnswer>;

export interface AlibabaClients {
  /** VPC clients per region (the regional endpoint matters on the real cloud). */
  readonly vpc: (region: string) => Vpc;
  readonly ecs: (region: string) => Ecs;
  /** CEN (Cbn 2017-09-12) through openapi-core's generic callApi: no typed SDK is installable. */
  readonly cen: CenCall;
  /** STS (2015-04-01) and BSS OpenAPI (2017-12-14), generic calls like CEN's: the preflight's identity and site. */
  readonly sts: CenCall;
  readonly bss: CenCall;
  /** Quota Center (2020-05-10): the quotas a plan consumes. */
  readonly quotas: CenCall;
  readonly vpcForm: FormCall;
  readonly ecsForm: FormCall;
  readonly runtime: $dara.RuntimeOptions;
}

export const CEN_GLOBAL_ENDPOINT = 'cbn.aliyuncs.com';
export const STS_ENDPOINT = 'sts.aliyuncs.com';
export const QUOTAS_ENDPOINT = 'quotas.aliyuncs.com';
/** UNVERIFIED: that each site's accounts are answered at their own BSS endpoint (the docs list both). */
export const BSS_ENDPOINTS: Readonly<Record<AccountSite, string>> = {
  international: 'business.ap-southeast-1.aliyuncs.com',
  china: 'business.aliyuncs.com',
};

export function createAlibabaClients(options: AlibabaClientOptions): AlibabaClients {
  releaseReadTimers();
  const url = options.endpoint ? new URL(options.endpoint) : undefined;
  // Without explicit keys: @alicloud/credentials' default chain (environment, profile file, RAM role).
  const chain = options.credentials ? undefined : new Credential();
  const config = (regionId: string, fallbackEndpoint?: string) =>
    new $OpenApiUtil.Config({
      ...(options.credentials ?? { credential: chain }),
      regionId,
      ...(url
        ? { endpoint: url.host, protocol: url.protocol.replace(':', '').toUpperCase() }
        : fallbackEndpoint
          ? { endpoint: fallbackEndpoint }
          : {}),
      connectTimeout: options.connectTimeoutMs ?? 5_000,
      readTimeout: options.readTimeoutMs ?? 20_000,
    });
  const perRegion = <T>(make: (region: string) => T) => {
    const cache = new Map<string, T>();
    return (region: string) => {
      let client = cache.get(region);
      if (!client) {
        client = make(region);
        cache.set(region, client);
      }
      return client;
    };
  };
  const runtime = new $dara.RuntimeOptions({
    autoretry: false,
    readTimeout: options.readTimeoutMs ?? 20_000,
    connectTimeout: options.connectTimeoutMs ?? 5_000,
  });
  /** An RPC action's parameters for openapi-core's callApi: signed and sent as the typed SDKs do. */
  const rpc = (action: string, version: string) =>
    new $OpenApiUtil.Params({
      action,
      version,
      protocol: 'HTTPS',
      pathname: '/',
      method: 'POST',
      authType: 'AK',
      style: 'RPC',
      reqBodyType: 'formData',
      bodyType: 'json',
    });
  /** An RPC product without a typed SDK here, through openapi-core's generic callApi. */
  const generic = (endpoint: string, version: string, regionId = 'cn-hangzhou'): CenCall => {
    const client = new OpenApi(config(regionId, endpoint));
    return async (action, query) => {
      const request = new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query(query) });
      const r = await client.callApi(rpc(action, version), request, runtime);
      return r.body as RawAnswer;
    };
  };
  const site = options.site ?? 'international';
  const sts = generic(STS_ENDPOINT, '2015-04-01');
  const bss = generic(BSS_ENDPOINTS[site], '2017-12-14', site === 'china' ? 'cn-hangzhou' : 'ap-southeast-1');
  const quotas = generic(QUOTAS_ENDPOINT, '2020-05-10');
  const cen = generic(CEN_GLOBAL_ENDPOINT, '2017-09-12');
  const vpc = perRegion((r) => new Vpc(config(r)));
  const form =
    (client: (region: string) => OpenApi, version: string): FormCall =>
    async (region, action, query, body) => {
      const request = new $OpenApiUtil.OpenApiRequest({
        query: OpenApiUtil.query(query),
        body: OpenApiUtil.parseToMap(OpenApiUtil.query(body)),
      });
      const r = await client(region).callApi(rpc(action, version), request, runtime);
      return r.body as RawAnswer;
    };
  const ecs = perRegion((r) => new Ecs(config(r)));
  return {
    vpc,
    ecs,
    cen,
    sts,
    bss,
    quotas,
    vpcForm: form(vpc, '2016-04-28'),
    ecsForm: form(ecs, '2014-05-26'),
    runtime,
  };
}
