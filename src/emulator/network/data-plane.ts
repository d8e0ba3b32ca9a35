/**
 * The emulated network: where an ICMP echo from one ECS instance to an address goes, hop by hop,
 * and whether the reply finds its way back. Reads only the resources API calls created (routes,
 * IPsec connections and their negotiation, CEN attachments and published routes, transit routers
 * (transit-routing.ts), security groups); it knows nothing of vpnbot's plans, so a planning
 * mistake shows up here as loss. Each leg lists the inter-region connections it crosses, whose
 * bandwidth the emulated ping then spends (link-budget.ts).
 */
import { cidr, ipInCidr } from '../../topology/cidr';
import { carrierOf, negotiate } from './ipsec-negotiation';
import { oneWay, regionRtt } from './region-latency';
import { cenOf, lookup } from './routing';
import { TEST_BANDWIDTH_BPS, throughTransitRouter, type Crossing } from './transit-routing';
import { instanceStatus } from '../state/instance-state';
import type { InstanceR, VpcR, VpnRouteR, World } from '../state/world';

export const INITIAL_TTL = 64;
const MAX_HOPS = 16;

export type Leg =
  | {
      readonly ok: true;
      readonly oneWayMs: number;
      readonly gatewaysCrossed: number;
      readonly target: InstanceR;
      readonly hops: readonly string[];
      readonly crossings: readonly Crossing[];
    }
  | { readonly ok: false; readonly reason: string; readonly hops: readonly string[] };

/** ICMP admitted by the destination's security groups (rules are evaluated by priority; drop wins ties). */
export function admitsIcmp(world: World, target: InstanceR, sourceIp: string): boolean {
  const rules = target.securityGroupIds
    .flatMap((id) => world.securityGroups.get(id)?.rules ?? [])
    .filter((r) => ['icmp', 'all'].includes(r.ipProtocol.toLowerCase()) && ipInCidr(sourceIp, cidr(r.sourceCidrIp)));
  if (rules.length === 0) return false;
  const best = Math.min(...rules.map((r) => r.priority));
  return rules.filter((r) => r.priority === best).every((r) => r.policy.toLowerCase() === 'accept');
}

/** One direction: from `from` (an instance) towards `dstIp`. */
export function forward(world: World, from: InstanceR, dstIp: string, checkSecurityGroup: boolean): Leg {
  const srcIp = from.privateIp;
  let vpc: VpcR | undefined = world.vpcs.get(from.vpcId);
  let oneWayMs = 0;
  let gateways = 0;
  const hops: string[] = [];
  const crossings: Crossing[] = [];
  for (let i = 0; i < MAX_HOPS && vpc; i++) {
    hops.push(vpc.id);
    const route = lookup(world, vpc, dstIp);
    if (!route) return { ok: false, reason: `no route to ${dstIp} in ${vpc.id}`, hops };
    if (route.type === 'System') {
      const target = [...world.instances.values()].find(
        (x) => x.vpcId === vpc!.id && x.privateIp === dstIp && instanceStatus(world, x) === 'Running',
      );
      if (!target) return { ok: false, reason: `no running host ${dstIp} in ${vpc.id}`, hops };
      if (checkSecurityGroup && !admitsIcmp(world, target, srcIp))
        return { ok: false, reason: `security group of ${target.id} drops ICMP from ${srcIp}`, hops };
      return {
        ok: true,
        oneWayMs: oneWayMs + regionRtt(vpc.regionId, vpc.regionId) / 2,
        gatewaysCrossed: gateways,
        target,
        hops,
        crossings,
      };
    }
    if (route.type === 'CEN') {
      // A Basic-edition CEN between regions: the test bandwidth too (bandwidth packages are not modelled for it).
      const [a, b] = [vpc.regionId, route.via!.regionId];
      if (a !== b)
        crossings.push({
          link: `${cenOf(world, vpc.id)}:${[a, b].sort().join('|')}`,
          direction: `${a}>${b}`,
          bitsPerSecond: TEST_BANDWIDTH_BPS,
        });
      oneWayMs += oneWay(a, b);
      hops.push(`cen:${route.destination}`);
      vpc = world.vpcs.get(route.via!.vpcId);
      continue;
    }
    if (route.nextHopType === 'Attachment') {
      const through = throughTransitRouter(world, vpc, route.nextHopId, dstIp);
      hops.push(...through.hops);
      if (!through.ok) return { ok: false, reason: through.reason, hops };
      crossings.push(...through.crossings);
      oneWayMs += through.oneWayMs;
      vpc = through.vpc;
      continue;
    }
    if (route.nextHopType !== 'VpnGateway')
      return {
        ok: false,
        reason: `route ${route.destination} in ${vpc.id} points at ${route.nextHopType} ${route.nextHopId}, which the emulator does not forward through`,
        hops,
      };
    const gw = world.vpnGateways.get(route.nextHopId);
    if (!gw || gw.deletingUntil !== undefined)
      return { ok: false, reason: `VPN gateway ${route.nextHopId} is gone`, hops };
    const conns = [...world.vpnConnections.values()].filter(
      (c) =>
        c.vpnGatewayId === gw.id &&
        c.localSubnet.some((l) => ipInCidr(srcIp, cidr(l))) &&
        c.remoteSubnet.some((r) => ipInCidr(dstIp, cidr(r))),
    );
    if (conns.length === 0)
      return {
        ok: false,
        reason: `no IPsec connection on ${gw.id} whose traffic selectors match ${srcIp} -> ${dstIp}`,
        hops,
      };
    // The gateway forwards only through its own routes: policy-based (source and destination) or destination-based.
    const viaRoute = gatewayRoutes(world, gw.id, srcIp, dstIp);
    if (viaRoute.length === 0)
      return {
        ok: false,
        reason: `VPN gateway ${gw.id} has no policy-based or destination-based route for ${srcIp} -> ${dstIp}`,
        hops,
      };
    const routed = conns.filter((c) => viaRoute.some((r) => r.nextHop === c.id));
    if (routed.length === 0)
      return {
        ok: false,
        reason: `the routes of VPN gateway ${gw.id} for ${srcIp} -> ${dstIp} lead to connections whose selectors do not match`,
        hops,
      };
    // Each connection over its master tunnel, or its slave when the master is down.
    const carried = routed.map((c) => [c, carrierOf(world, c)] as const);
    const up = carried.find(([, t]) => t !== undefined)?.[1];
    if (!up) {
      for (const [c] of carried) c.trafficSeenAt ??= world.now();
      const first = routed[0]!;
      return { ok: false, reason: `tunnel ${first.id} is down: ${negotiate(world, first).reason}`, hops };
    }
    const reached = up.n.peer!;
    if (!('gateway' in reached))
      return {
        ok: false,
        reason: `${dstIp} is behind the on-premises device ${reached.device.publicIp}, which nothing in the emulator answers for`,
        hops: [...hops, `${gw.id}=>${reached.device.publicIp}`],
      };
    const peer = reached.gateway;
    hops.push(`${gw.id}=>${peer.id}${up.end.role === 'slave' ? ' (slave tunnel)' : ''}`);
    gateways += 2;
    oneWayMs += oneWay(gw.regionId, peer.regionId);
    vpc = world.vpcs.get(peer.vpcId);
  }
  return { ok: false, reason: `routing loop towards ${dstIp}`, hops };
}

/** The gateway's live routes that carry src -> dst: policy-based ones first (they win), then destination-based. */
function gatewayRoutes(world: World, gatewayId: string, srcIp: string, dstIp: string): VpnRouteR[] {
  const all = [...world.vpnRoutes.values()].filter(
    (r) => r.vpnGatewayId === gatewayId && world.isReady(r) && ipInCidr(dstIp, cidr(r.routeDest)),
  );
  const pbr = all.filter((r) => r.kind === 'pbr' && ipInCidr(srcIp, cidr(r.routeSource)));
  return pbr.length ? pbr : all.filter((r) => r.kind === 'dbr');
}

export interface Echo {
  /** Null when the echo or its reply is lost; the reason says where. */
  readonly reply: { readonly rttMs: number; readonly ttl: number } | null;
  readonly reason: string;
  readonly path: readonly string[];
  /** The inter-region connections the echo crosses, and its reply, once both get through; and the echo's one-way time. */
  readonly crossings?: {
    readonly there: readonly Crossing[];
    readonly back: readonly Crossing[];
    readonly thereMs: number;
  };
}

/**
 * One ICMP echo and its reply. Security groups are stateful: the reply is not checked against the
 * source's rules, but it must be routed back on its own (through matching selectors, published
 * routes). The reply's TTL drops by one per VPN gateway crossed; jitter is small (±0.3 %).
 */
export function echo(world: World, from: InstanceR, dstIp: string): Echo {
  const there = forward(world, from, dstIp, true);
  if (!there.ok) return { reply: null, reason: there.reason, path: there.hops };
  const back = forward(world, there.target, from.privateIp, false);
  if (!back.ok) return { reply: null, reason: `reply lost: ${back.reason}`, path: [...there.hops, ...back.hops] };
  const base = there.oneWayMs + back.oneWayMs;
  const jitter = base * 0.003 * (2 * world.random() - 1);
  return {
    reply: { rttMs: base + jitter, ttl: INITIAL_TTL - back.gatewaysCrossed },
    reason: '',
    path: [...there.hops, ...back.hops],
    crossings: { there: there.crossings, back: back.crossings, thereMs: there.oneWayMs },
  };
}
