/**
 * The Alibaba Cloud emulator's HTTP server: one endpoint for VPC, ECS and CEN, speaking RPC as the
 * official SDKs send it (action and version in x-acs-* headers, parameters in the query), checking
 * ACS3-HMAC-SHA256 signatures, with ClientToken replay and fault injection. Binds to loopback.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from '../api/api-error';
import type { ActionTable } from '../api/api-kit';
import { CallParams } from '../api/call-params';
import { CEN_ACTIONS } from '../cen/cen-actions';
import { CEN_ROUTE_VIEW_ACTIONS } from '../cen/cen-route-views';
import { TRANSIT_ROUTER_ACTIONS } from '../cen/transit-router-actions';
import { CONTROL_PREFIX, handleControl, setTunnelModes, type ControlState } from './control-api';
import type { DeviceInput } from './device-control';
import { ECS_ACTIONS } from '../ecs/ecs-actions';
import { createClock } from '../state/emulator-clock';
import { FAULT_CODES, NO_FAULTS, type FaultKind, type Faults, type ForcedFault } from './faults';
import { inventory, type Inventory } from '../state/inventory';
import { NonceCache, verifyRequest } from './signature';
import { VPC_NETWORK_ACTIONS } from '../vpc/vpc-actions';
import { CEN_TAG_ACTIONS, VPC_TAG_ACTIONS } from '../tags/tag-actions';
import { VPN_ACTIONS } from '../vpc/vpn-actions';
import { VPN_ROUTE_ACTIONS } from '../vpc/vpn-route-actions';
import { ECS_CATALOGUE_ACTIONS, VPC_CATALOGUE_ACTIONS } from '../ecs/catalogue-actions';
import { World } from '../state/world';
import { BSS_ACTIONS, QUOTA_ACTIONS, STS_ACTIONS } from '../account/account-actions';
import { newAccount } from '../state/account';

export const PRODUCTS: Readonly<Record<string, { readonly name: string; readonly actions: ActionTable }>> = {
  '2016-04-28': {
    name: 'Vpc',
    actions: {
      ...VPC_NETWORK_ACTIONS,
      ...VPN_ACTIONS,
      ...VPN_ROUTE_ACTIONS,
      ...VPC_TAG_ACTIONS,
      ...VPC_CATALOGUE_ACTIONS,
    },
  },
  '2014-05-26': { name: 'Ecs', actions: { ...ECS_ACTIONS, ...ECS_CATALOGUE_ACTIONS } },
  '2017-09-12': {
    name: 'Cbn',
    actions: { ...CEN_ACTIONS, ...CEN_ROUTE_VIEW_ACTIONS, ...TRANSIT_ROUTER_ACTIONS, ...CEN_TAG_ACTIONS },
  },
  '2015-04-01': { name: 'Sts', actions: STS_ACTIONS },
  '2017-12-14': { name: 'BssOpenApi', actions: BSS_ACTIONS },
  '2020-05-10': { name: 'Quotas', actions: QUOTA_ACTIONS },
};

export interface EmulatorOptions {
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly accessKeyId?: string;
  readonly accessKeySecret?: string;
  /** 1 = real latencies (minutes for a VPN gateway); 0.01 = a hundred times faster. */
  readonly timeScale?: number;
  readonly ipsecConnectionQuota?: number;
  /** Regions whose new VPN gateways are made single- or dual-tunnel whatever the capability table says. */
  readonly tunnelModes?: Readonly<Record<string, 'single' | 'dual'>>;
  readonly random?: () => number;
  readonly now?: () => number;
  /** A JSON file to keep the emulated cloud in across restarts (written after every change). */
  readonly statePath?: string;
}

export interface RunningEmulator {
  /** e.g. `http://127.0.0.1:39017` */
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** In-process access for tests and the sandbox: the same operations as the control API. */
  readonly world: World;
  readonly control: ControlState;
  setFaults(faults: Partial<Faults>): void;
  /** The next calls matching each entry get its fault, in order, whatever the probabilities. */
  forceFaults(faults: readonly ForcedFault[]): void;
  /** Live resources by kind, every id, and the IPsec pairs. */
  inventory(): Inventory;
  /** Faults injected so far, by error code. */
  injected(): Record<string, number>;
  /**
   * Marks regions (`single`, `dual`) or takes the mark off (`null`): gateways made while a region is
   * `single` are single-tunnel for good, as those bought before the upgrade. The control API's
   * `POST /__emulator/tunnel-modes`.
   */
  setTunnelModes(modes: Readonly<Record<string, 'single' | 'dual' | null>>): void;
  /**
   * Plays an on-premises VPN device (no tunnels: unplugs it); throws with what is wrong in `device`.
   * The control API's `POST /__emulator/devices`.
   */
  setDevice(device: DeviceInput): void;
  close(): Promise<void>;
}

/** What a client of an emulator in another thread or process holds: where it listens, its keys, and how to stop it. */
export type EmulatorEndpoint = Pick<RunningEmulator, 'endpoint' | 'accessKeyId' | 'accessKeySecret' | 'close'>;

const HOST_REGION = /^(?:vpc|ecs)[.-]([a-z0-9-]+)\.aliyuncs\.com$/;
const hostRegionOf = (hostId: string) => HOST_REGION.exec(/^([^:]+)/.exec(hostId)?.[1] ?? '')?.[1];

/** Bodies larger than these are refused before they are read to the end (control: JSON; RPC: parameters). */
export const CONTROL_BODY_LIMIT = 64 * 1024;
export const RPC_BODY_LIMIT = 4 * 1024 * 1024;

/** The body, or undefined once it grows past `limit` (the rest is not read). */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Whether a control request comes from this machine's own clients: its Host names the emulator
 * (a loopback name or the address it listens on, with its port) and its Origin, when a browser
 * sends one, is the same. A web page elsewhere (or one reached by DNS rebinding) names another host.
 */
export function controlRequestAllowed(
  headers: IncomingMessage['headers'],
  listening: { readonly address: string; readonly port: number },
): boolean {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
  if (listening.address !== '0.0.0.0' && listening.address !== '::')
    names.add(listening.address.includes(':') ? `[${listening.address}]` : listening.address);
  const own = (hostPort: string) => {
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostPort.toLowerCase());
    return m !== null && names.has(m[1]!) && Number(m[2] ?? 80) === listening.port;
  };
  if (!own(String(headers.host ?? ''))) return false;
  const origin = headers.origin;
  if (origin === undefined) return true;
  try {
    const u = new URL(String(origin));
    return u.protocol === 'http:' && own(u.host);
  } catch {
    return false;
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json;charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const accessKeyId = options.accessKeyId ?? `LTAI${randomBytes(8).toString('hex')}`;
  const accessKeySecret = options.accessKeySecret ?? randomBytes(24).toString('base64url');
  const control: ControlState = {
    faults: NO_FAULTS,
    calls: new Map(),
    injected: new Map(),
    forced: [],
    injectedCalls: new Map(),
    secretActions: new Set(),
    tunnelModes: new Map(Object.entries(options.tunnelModes ?? {})),
    initialTunnelModes: new Map(Object.entries(options.tunnelModes ?? {})),
    requestTags: new Map(),
    account: newAccount(),
  };
  /** Whether this call gets `fault`: forced on it, or drawn. Counts what it injects. */
  const inject = (fault: FaultKind, action: string, probability: number): boolean => {
    const i = control.forced.findIndex((f) => f.fault === fault && (f.action === undefined || f.action === action));
    if (i >= 0) control.forced.splice(i, 1);
    const hit = i >= 0 || random() < probability;
    if (hit) {
      control.injected.set(FAULT_CODES[fault], (control.injected.get(FAULT_CODES[fault]) ?? 0) + 1);
      control.injectedCalls.set(`${action} ${fault}`, (control.injectedCalls.get(`${action} ${fault}`) ?? 0) + 1);
    }
    return hit;
  };
  /** A forced API error for this call, if one is queued for it (counted under its code). */
  const takeForcedError = (action: string): ApiError | undefined => {
    const i = control.forced.findIndex((f) => f.fault === 'error' && (f.action === undefined || f.action === action));
    if (i < 0) return undefined;
    const [f] = control.forced.splice(i, 1);
    if (f?.fault !== 'error') return undefined;
    control.injected.set(f.code, (control.injected.get(f.code) ?? 0) + 1);
    control.injectedCalls.set(`${action} ${f.code}`, (control.injectedCalls.get(`${action} ${f.code}`) ?? 0) + 1);
    return new ApiError(f.code, f.message ?? `The request was refused: ${f.code}.`, f.status ?? 400);
  };
  const clock = createClock({
    timeScale: options.timeScale ?? 1,
    ...(options.now ? { now: options.now } : {}),
    latencyMultiplier: () => control.faults.latencyMultiplier,
  });
  const random = options.random ?? Math.random;
  const world = new World(clock, random);
  const nonces = new NonceCache();
  const quota = options.ipsecConnectionQuota ?? 10;
  const statePath = options.statePath;
  if (statePath && existsSync(statePath))
    world.restore(JSON.parse(readFileSync(statePath, 'utf8')) as Record<string, unknown>);
  const persist = () => {
    if (!statePath) return;
    mkdirSync(dirname(statePath), { recursive: true });
    // Owner-only: the emulated cloud holds the pre-shared keys of its connections, as the real one does.
    writeFileSync(`${statePath}.tmp`, JSON.stringify(world.snapshot()), { mode: 0o600 });
    renameSync(`${statePath}.tmp`, statePath);
  };

  /** The connection is cut without an answer (a reset as the client sees it). */
  const cut = (res: ServerResponse) => void res.socket?.destroy();
  /** No answer: the client's read timeout ends it (or, at the latest, two minutes, or close()). */
  const hold = (res: ServerResponse) => {
    const t = setTimeout(() => cut(res), 120_000);
    t.unref();
    res.on('close', () => clearTimeout(t));
  };

  async function rpc(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<void> {
    const requestId = randomUUID().toUpperCase();
    const hostId = String(req.headers.host ?? '');
    const fail = (e: ApiError) =>
      send(
        res,
        e.status,
        {
          RequestId: requestId,
          HostId: hostId,
          Code: e.code,
          Message: e.message,
          Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(e.code)}&product=${PRODUCTS[String(req.headers['x-acs-version'])]?.name ?? ''}&requestId=${requestId}`,
        },
        e.retryAfter !== undefined ? { 'x-acs-retry-after': String(e.retryAfter) } : {},
      );
    try {
      if (req.method !== 'POST' && req.method !== 'GET')
        throw new ApiError('UnsupportedHTTPMethod', `HTTP method ${req.method} is not supported.`, 400);
      const query: Record<string, string> = {};
      for (const [k, v] of url.searchParams) query[k] = v;
      verifyRequest(
        { method: req.method, path: url.pathname, query, headers: req.headers, body },
        (id) => (id === accessKeyId ? accessKeySecret : undefined),
        nonces,
        clock.now(),
      );
      const version = String(req.headers['x-acs-version'] ?? '');
      const actionName = String(req.headers['x-acs-action'] ?? '');
      const action = PRODUCTS[version]?.actions[actionName];
      if (!action)
        throw new ApiError(
          'InvalidApi.NotFound',
          `Specified api ${actionName} (version ${version}) is not found, please check your url and method.`,
          404,
        );
      control.calls.set(actionName, (control.calls.get(actionName) ?? 0) + 1);

      // Form bodies (CreateVpnConnection's TunnelOptionsSpecification) carry parameters too.
      const params: Record<string, string> = { ...query };
      if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
        for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params[k] = v;

      if (Object.entries(params).some(([k, v]) => /(^|\.)Psk$/.test(k) || /"Psk"\s*:/.test(v)))
        control.secretActions.add(actionName);
      for (const [k, v] of Object.entries(params))
        if (/^Tags?\.\d+\.Key$/.test(k)) {
          const keys = control.requestTags.get(actionName) ?? new Set<string>();
          control.requestTags.set(actionName, keys.add(v));
        }
      const f = control.faults;
      if (f.callLatencyMs > 0) await new Promise((r) => setTimeout(r, f.callLatencyMs));
      const forcedError = takeForcedError(actionName);
      if (forcedError) throw forcedError;
      // A RAM policy without the action refuses every call of it, dry run or not (alibaba-api.md §4.3).
      if (control.account.withheld.has(actionName))
        throw new ApiError(
          'Forbidden.RAM',
          `User not authorized to operate on the specified resource, or this API doesn't support RAM. (${PRODUCTS[version]!.name.toLowerCase()}:${actionName})`,
          403,
        );
      if (inject('connectionReset', actionName, 0)) return cut(res);
      if (inject('readTimeout', actionName, 0)) return hold(res);
      if (inject('throttle', actionName, f.throttle))
        throw new ApiError('Throttling.User', 'Request was denied due to user flow control.', 400);
      if (inject('serverError', actionName, f.serverError))
        throw new ApiError(
          'ServiceUnavailable',
          'The request has failed due to a temporary failure of the server.',
          503,
        );

      world.reap();
      const call = new CallParams(params);
      const actionContext = {
        world,
        params: call,
        ipsecConnectionQuota: quota,
        tunnelModes: control.tunnelModes,
        account: control.account,
        ...(hostRegionOf(hostId) ? { hostRegion: hostRegionOf(hostId)! } : {}),
      };
      if (action.dryRun && call.bool('DryRun', false)) {
        action.dryRun(actionContext);
        throw new ApiError('DryRunOperation', 'Request validation has been passed with DryRun flag set.', 400);
      }
      const token = action.mutating ? call.opt('ClientToken') : undefined;
      const fingerprint = JSON.stringify(
        Object.keys(params)
          .filter((k) => k !== 'ClientToken')
          .sort()
          .map((k) => [k, params[k]]),
      );
      const tokenKey = `${actionName}:${token}`;
      let result: Record<string, unknown>;
      const previous = token ? world.clientTokens.get(tokenKey) : undefined;
      if (previous) {
        if (previous.fingerprint !== fingerprint)
          throw new ApiError(
            'IdempotentParameterMismatch',
            'The request uses the same client token as a previous, but non-identical request.',
            400,
          );
        result = previous.response;
      } else {
        result = action.handle(actionContext);
        if (token) world.clientTokens.set(tokenKey, { fingerprint, response: result });
        if (action.mutating) persist();
      }
      if (action.mutating && inject('appliedThenError', actionName, f.appliedThenError))
        throw new ApiError('InternalError', 'The request processing has failed due to some unknown error.', 500);
      if (action.mutating && inject('appliedThenReset', actionName, 0)) return cut(res);
      send(res, 200, { RequestId: requestId, ...result });
    } catch (e) {
      if (e instanceof ApiError) fail(e);
      else fail(new ApiError('InternalError', `emulator fault: ${(e as Error).message}`, 500));
    }
  }

  /** Refuses without reading further, and closes the connection (the rest of the body is never read). */
  const refuse = (res: ServerResponse, status: number, error: string) =>
    send(
      res,
      status,
      { error, Code: status === 413 ? 'RequestBodyTooLarge' : 'Forbidden', Message: error },
      {
        connection: 'close',
      },
    );
  /**
   * The official SDKs send an RPC call's parameters in the query string, so a call with the
   * documented most of 100 security-group rules, each with its Description, is a URL of about 25 KB:
   * more than Node's default 16 KB of request head. UNVERIFIED: the gateway's own limit on the URL
   * is not documented; 64 KB lets every documented call through. vpnbot itself sends the rules in
   * the form body (alibaba-clients.ts, ecsForm), so its requests do not depend on this.
   */
  const server = createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://emulator');
      const isControl = url.pathname.startsWith(CONTROL_PREFIX);
      if (isControl && !controlRequestAllowed(req.headers, server.address() as AddressInfo))
        return refuse(res, 403, 'the control API answers only its own host (Host and Origin)');
      const body = await readBody(req, isControl ? CONTROL_BODY_LIMIT : RPC_BODY_LIMIT);
      if (body === undefined) return refuse(res, 413, 'the request body is too large');
      if (isControl) {
        let parsed: unknown = {};
        try {
          parsed = body.length ? JSON.parse(body.toString('utf8')) : {};
        } catch {
          return send(res, 400, { error: 'control requests take a JSON body' });
        }
        world.reap();
        const r = handleControl(world, control, req.method ?? 'GET', url.pathname, parsed);
        if (req.method === 'POST') persist();
        return send(res, r.status, r.body);
      }
      if (url.pathname !== '/')
        return send(res, 404, { Code: 'InvalidApi.NotFound', Message: `No such path ${url.pathname}.` });
      return rpc(req, res, url, body);
    })().catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { Code: 'InternalError', Message: String(e) });
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${address}:${port}`,
    accessKeyId,
    accessKeySecret,
    world,
    control,
    setFaults: (faults) => {
      control.faults = { ...control.faults, ...faults };
    },
    forceFaults: (faults) => {
      control.forced.push(...faults);
    },
    inventory: () => inventory(world),
    injected: () => Object.fromEntries(control.injected),
    setTunnelModes: (modes) => {
      const error = setTunnelModes(control.tunnelModes, modes);
      if (error) throw new Error(error);
    },
    setDevice: (device) => {
      const r = handleControl(world, control, 'POST', `${CONTROL_PREFIX}devices`, device);
      if (r.status !== 200) throw new Error((r.body as { error: string }).error);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
