/**
 * The emulator's control API, on its own path (`/__emulator/...`), never through the signed RPC
 * path: reset, dump the state, inject faults, break things to imitate drift, and hold what an
 * account may have bought before (a Basic Edition CEN, a CEN bandwidth plan).
 */
import { findRegion } from '../../topology/regions';
import { holdBasicCen } from '../cen/cen-actions';
import { deviceFrom, deviceView } from './device-control';
import { checkFaults, type Faults, type ForcedFault } from './faults';
import { inventory } from '../state/inventory';
import type { World } from '../state/world';
import { accountView, resetAccount, steerAccount, type AccountState } from '../state/account';
import type { TunnelMode } from '../vpc/vpn-capabilities';

export const CONTROL_PREFIX = '/__emulator/';

export type Breakage =
  | {
      readonly action: 'tunnel-down' | 'tunnel-up';
      readonly vpnConnectionId: string;
      /** One tunnel of a dual-tunnel connection; without it, the whole connection. */
      readonly tunnel?: 'master' | 'slave';
    }
  | { readonly action: 'financial-lock' | 'financial-unlock'; readonly vpnGatewayId: string }
  | {
      readonly action: 'withdraw-route';
      readonly cenId: string;
      readonly childInstanceId: string;
      readonly destinationCidrBlock: string;
    }
  | { readonly action: 'revoke-rule'; readonly securityGroupId: string; readonly sourceCidrIp: string };

export interface ControlState {
  faults: Faults;
  readonly calls: Map<string, number>;
  /** Faults injected so far, by error code. */
  readonly injected: Map<string, number>;
  /** Faults the next matching calls get, in order. */
  readonly forced: ForcedFault[];
  /** `Action fault` -> how many times that call got that fault. */
  readonly injectedCalls: Map<string, number>;
  /**
   * Actions that were sent a pre-shared key (an `IkeConfig`/`TunnelIkeConfig` Psk): the calls a
   * secrets test must fail on the network to prove no transport error echoes a key.
   */
  readonly secretActions: Set<string>;
  /**
   * Regions whose new VPN gateways are another kind than the capability table says: a gateway made
   * while its region is `single` is one bought before the dual-tunnel upgrade, and stays so.
   */
  readonly tunnelModes: Map<string, TunnelMode>;
  /** The modes the emulator was started with: what a reset goes back to. */
  readonly initialTunnelModes: ReadonlyMap<string, TunnelMode>;
  /** `Action` -> the tag keys its requests carried (Tag.N.Key / Tags.N.Key): what a RAM RequestTag condition sees. */
  readonly requestTags: Map<string, Set<string>>;
  /** The account: site, withheld RAM actions, stock per zone, closed zones, quotas. */
  readonly account: AccountState;
}

export type ControlResult = { status: number; body: unknown };

/** Something bought outside vpnbot, possibly long ago: a Basic Edition CEN with its regions, or a bandwidth plan. */
export type Holding =
  | { readonly resource: 'basic-cen'; readonly name?: string; readonly regions: readonly string[] }
  | { readonly resource: 'bandwidth-package'; readonly name?: string; readonly bandwidthMbps: number };

/** Makes what `holding` describes; its id, or an error message. */
export function hold(world: World, holding: Holding): { id: string } | { error: string } {
  switch (holding?.resource) {
    case 'basic-cen': {
      const regions = Array.isArray(holding.regions) ? holding.regions : [];
      const unknown = regions.filter((r) => typeof r !== 'string' || !findRegion(r));
      if (regions.length === 0 || unknown.length > 0)
        return {
          error: `regions must list known region ids${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`,
        };
      return { id: holdBasicCen(world, String(holding.name ?? ''), regions) };
    }
    case 'bandwidth-package': {
      const mbps = holding.bandwidthMbps;
      if (!Number.isInteger(mbps) || mbps < 1) return { error: 'bandwidthMbps must be a whole number from 1' };
      const id = world.newId('cenbwp');
      world.tr.bandwidthPackages.set(id, {
        id,
        name: String(holding.name ?? ''),
        bandwidth: mbps,
        createdAt: world.now(),
      });
      return { id };
    }
    default:
      return {
        error: `unknown resource "${(holding as { resource?: unknown })?.resource}" (basic-cen, bandwidth-package)`,
      };
  }
}

/** Applies a breakage; returns an error message when the target does not exist. */
export function breakThing(world: World, breakage: Breakage): string | undefined {
  switch (breakage.action) {
    case 'tunnel-down':
    case 'tunnel-up': {
      const c = world.vpnConnections.get(breakage.vpnConnectionId);
      if (!c) return `no IPsec connection ${breakage.vpnConnectionId}`;
      const down = breakage.action === 'tunnel-down';
      if (breakage.tunnel === undefined) {
        c.forcedDown = down;
        for (const t of c.tunnels ?? []) t.forcedDown = down;
        return undefined;
      }
      const t = c.tunnels?.find((x) => x.role === breakage.tunnel);
      if (!t) return `${c.id} is a single-tunnel connection: it has no ${breakage.tunnel} tunnel of its own`;
      t.forcedDown = down;
      return undefined;
    }
    case 'financial-lock':
    case 'financial-unlock': {
      const g = world.vpnGateways.get(breakage.vpnGatewayId);
      if (!g) return `no VPN gateway ${breakage.vpnGatewayId}`;
      g.businessStatus = breakage.action === 'financial-lock' ? 'FinancialLocked' : 'Normal';
      return undefined;
    }
    case 'withdraw-route': {
      const i = world.cenPublished.findIndex(
        (p) =>
          p.cenId === breakage.cenId &&
          p.childInstanceId === breakage.childInstanceId &&
          p.destinationCidrBlock === breakage.destinationCidrBlock,
      );
      if (i < 0)
        return `${breakage.destinationCidrBlock} of ${breakage.childInstanceId} is not published to ${breakage.cenId}`;
      world.cenPublished.splice(i, 1);
      return undefined;
    }
    case 'revoke-rule': {
      const g = world.securityGroups.get(breakage.securityGroupId);
      if (!g) return `no security group ${breakage.securityGroupId}`;
      const before = g.rules.length;
      g.rules = g.rules.filter((r) => r.sourceCidrIp !== breakage.sourceCidrIp);
      return g.rules.length === before
        ? `no rule from ${breakage.sourceCidrIp} in ${breakage.securityGroupId}`
        : undefined;
    }
    default:
      return `unknown action "${(breakage as { action?: unknown }).action}" (tunnel-down, tunnel-up, financial-lock, financial-unlock, withdraw-route, revoke-rule)`;
  }
}

/**
 * `{"cn-hongkong": "single"}` marks a region; `null` takes the mark off (the capability table
 * applies again). Returns an error message for anything else, and changes nothing then.
 */
export function setTunnelModes(modes: Map<string, TunnelMode>, body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return 'expected an object of region ids to "single", "dual" or null';
  const entries = Object.entries(body as Record<string, unknown>);
  const bad = entries.find(
    ([region, mode]) => !findRegion(region) || (mode !== null && mode !== 'single' && mode !== 'dual'),
  );
  if (bad)
    return `${JSON.stringify(bad[0])}: ${findRegion(bad[0]) ? 'the mode is "single", "dual" or null' : 'no such region'}`;
  for (const [region, mode] of entries) {
    if (mode === null) modes.delete(region);
    else modes.set(region, mode as TunnelMode);
  }
  return undefined;
}

export function dumpState(world: World): Record<string, unknown> {
  return {
    now: world.now(),
    vpcs: [...world.vpcs.values()],
    vswitches: [...world.vswitches.values()],
    routeEntries: [...world.routeEntries.values()],
    vpnGateways: [...world.vpnGateways.values()],
    customerGateways: [...world.customerGateways.values()],
    // Pre-shared keys stay out of dumps: they are secrets even in a sandbox.
    vpnConnections: [...world.vpnConnections.values()].map((c) => ({
      ...c,
      ...(c.ike ? { ike: { ...c.ike, Psk: '(redacted)' } } : {}),
      ...(c.tunnels ? { tunnels: c.tunnels.map((t) => ({ ...t, ike: { ...t.ike, Psk: '(redacted)' } })) } : {}),
    })),
    cens: [...world.cens.values()],
    cenAttachments: world.cenAttachments,
    cenPublished: world.cenPublished,
    transitRouters: world.tr.snapshot(),
    securityGroups: [...world.securityGroups.values()],
    instances: [...world.instances.values()],
    devices: [...world.devices.values()].map(deviceView),
  };
}

export function handleControl(
  world: World,
  state: ControlState,
  method: string,
  path: string,
  body: unknown,
): ControlResult {
  const route = `${method} ${path.slice(CONTROL_PREFIX.length - 1)}`;
  switch (route) {
    case 'POST /reset':
      world.reset();
      state.faults = checkFaults({}) as Faults;
      state.calls.clear();
      state.injected.clear();
      state.injectedCalls.clear();
      state.secretActions.clear();
      state.requestTags.clear();
      state.forced.length = 0;
      state.tunnelModes.clear();
      resetAccount(state.account);
      for (const [region, mode] of state.initialTunnelModes) state.tunnelModes.set(region, mode);
      return { status: 200, body: { ok: true } };
    case 'GET /state':
      return { status: 200, body: dumpState(world) };
    case 'GET /faults':
      return { status: 200, body: state.faults };
    case 'POST /faults': {
      const f = checkFaults(body);
      if (typeof f === 'string') return { status: 400, body: { error: f } };
      state.faults = f;
      return { status: 200, body: f };
    }
    case 'POST /hold': {
      const r = hold(world, body as Holding);
      return 'error' in r ? { status: 400, body: r } : { status: 200, body: r };
    }
    case 'POST /break': {
      const error = breakThing(world, body as Breakage);
      return error ? { status: 400, body: { error } } : { status: 200, body: { ok: true } };
    }
    case 'GET /devices':
      return { status: 200, body: [...world.devices.values()].map(deviceView) };
    case 'POST /devices': {
      const device = deviceFrom(body, world.now());
      if (typeof device === 'string') return { status: 400, body: { error: device } };
      if (device.tunnels.length === 0) world.devices.delete(device.publicIp);
      else world.devices.set(device.publicIp, device);
      return { status: 200, body: deviceView(device) };
    }
    case 'GET /tunnel-modes':
      return { status: 200, body: Object.fromEntries(state.tunnelModes) };
    case 'POST /tunnel-modes': {
      const error = setTunnelModes(state.tunnelModes, body);
      return error ? { status: 400, body: { error } } : { status: 200, body: Object.fromEntries(state.tunnelModes) };
    }
    case 'GET /account':
      return { status: 200, body: accountView(state.account) };
    case 'POST /account':
    case 'POST /permissions':
    case 'POST /stock': {
      const error = steerAccount(state.account, route.slice(6) as 'account' | 'permissions' | 'stock', body);
      return error ? { status: 400, body: { error } } : { status: 200, body: accountView(state.account) };
    }
    case 'GET /stats':
      return {
        status: 200,
        body: {
          calls: Object.fromEntries(state.calls),
          total: [...state.calls.values()].reduce((a, b) => a + b, 0),
          injected: Object.fromEntries(state.injected),
          injectedCalls: Object.fromEntries(state.injectedCalls),
          secretActions: [...state.secretActions],
          requestTags: Object.fromEntries([...state.requestTags].map(([a, keys]) => [a, [...keys].sort()])),
        },
      };
    case 'GET /inventory':
      return { status: 200, body: inventory(world) };
    default:
      return { status: 404, body: { error: `unknown control route ${route}` } };
  }
}
