/**
 * The emulator's control API, on its own path (`/__emulator/...`), never through the signed RPC
 * path: reset, dump the state, inject faults, and break things to imitate drift.
 */
import { checkFaults, type Faults, type ForcedFault } from './faults';
import { inventory } from '../state/inventory';
import type { World } from '../state/world';

export const CONTROL_PREFIX = '/__emulator/';

export type Breakage =
  | { readonly action: 'tunnel-down' | 'tunnel-up'; readonly vpnConnectionId: string }
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
  /** `Action` -> the tag keys its requests carried (Tag.N.Key / Tags.N.Key): what a RAM RequestTag condition sees. */
  readonly requestTags: Map<string, Set<string>>;
}

export type ControlResult = { status: number; body: unknown };

/** Applies a breakage; returns an error message when the target does not exist. */
export function breakThing(world: World, breakage: Breakage): string | undefined {
  switch (breakage.action) {
    case 'tunnel-down':
    case 'tunnel-up': {
      const c = world.vpnConnections.get(breakage.vpnConnectionId);
      if (!c) return `no IPsec connection ${breakage.vpnConnectionId}`;
      c.forcedDown = breakage.action === 'tunnel-down';
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
      return `unknown action "${(breakage as { action?: unknown }).action}" (tunnel-down, tunnel-up, withdraw-route, revoke-rule)`;
  }
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
    vpnConnections: [...world.vpnConnections.values()].map((c) => ({ ...c, ike: { ...c.ike, Psk: '(redacted)' } })),
    cens: [...world.cens.values()],
    cenAttachments: world.cenAttachments,
    cenPublished: world.cenPublished,
    securityGroups: [...world.securityGroups.values()],
    instances: [...world.instances.values()],
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
    case 'POST /break': {
      const error = breakThing(world, body as Breakage);
      return error ? { status: 400, body: { error } } : { status: 200, body: { ok: true } };
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
