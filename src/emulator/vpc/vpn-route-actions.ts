/**
 * VPC 2016-04-28: a VPN gateway's own routes. Traffic crosses a gateway only through a
 * policy-based route (source and destination) or a destination-based route naming an IPsec
 * connection as next hop; `CreateVpnConnection` with `AutoConfigRoute` (true by default) adds the
 * policy-based routes for its selectors itself. Each change is one configuration change of the
 * gateway (one at a time, `VpnGateway.Configuring` otherwise).
 */
import { parseCidr } from '../../topology/cidr';
import { ApiError, notFound } from '../api/api-error';
import { page, reads, regionOf, writes, type ActionContext, type ActionTable } from '../api/api-kit';
import { gatewayOf, lockGateway } from './vpc-kit';
import { LATENCY, type VpnConnectionR, type VpnRouteR, type World } from '../state/world';

/** How long adding or removing a gateway route takes (a configuration change of the gateway). */
const ROUTE_CHANGE_MS = 3_000;

function cidrParam(ctx: ActionContext, name: string): string {
  const v = ctx.params.req(name);
  const r = parseCidr(v);
  if (!r.ok) throw new ApiError(`Invalid${name}`, `The specified ${name} "${v}" is not a valid CIDR block.`, 400);
  return r.cidr.text;
}

function newRoute(w: World, r: Omit<VpnRouteR, 'id' | 'createdAt' | 'phases'>): VpnRouteR {
  const route: VpnRouteR = {
    ...r,
    id: w.newId('vpnroute'),
    createdAt: w.now(),
    phases: w.phases([['pending', ROUTE_CHANGE_MS]], 'normal'),
  };
  w.vpnRoutes.set(route.id, route);
  return route;
}

/** The policy-based routes AutoConfigRoute adds: one per local x remote selector, to the connection. */
export function addAutoRoutes(world: World, connection: VpnConnectionR): void {
  for (const source of connection.localSubnet) {
    for (const dest of connection.remoteSubnet) {
      newRoute(world, {
        kind: 'pbr',
        vpnGatewayId: connection.vpnGatewayId,
        regionId: connection.regionId,
        routeSource: source,
        routeDest: dest,
        nextHop: connection.id,
        weight: 100,
        priority: 10,
        published: false,
        description: '',
        auto: true,
      });
    }
  }
}

/** The routes through which a connection carries traffic, live (not being deleted). */
export const liveRoutes = (world: World, gatewayId: string) =>
  [...world.vpnRoutes.values()].filter((r) => r.vpnGatewayId === gatewayId && r.deletingUntil === undefined);

function nextHopOf(ctx: ActionContext, gatewayId: string): string {
  const hop = ctx.params.req('NextHop');
  const c = ctx.world.vpnConnections.get(hop);
  if (!c || c.vpnGatewayId !== gatewayId || c.deletingUntil !== undefined)
    throw notFound('InvalidNextHop.NotFound', `IPsec connection ${hop} on ${gatewayId}`);
  return hop;
}

function weightOf(ctx: ActionContext): number {
  const weight = ctx.params.int('Weight', 100, 0, 100);
  if (weight !== 0 && weight !== 100) throw new ApiError('InvalidWeight', 'Weight must be 0 or 100.', 400);
  return weight;
}

const routeView = (w: World) => (r: VpnRouteR) => ({
  VpnInstanceId: r.vpnGatewayId,
  RouteDest: r.routeDest,
  NextHop: r.nextHop,
  Weight: r.weight,
  CreateTime: r.createdAt,
  State: r.deletingUntil !== undefined ? 'deleting' : !w.isReady(r) ? 'pending' : r.published ? 'published' : 'normal',
  ...(r.kind === 'pbr' ? { RouteSource: r.routeSource, Priority: r.priority } : { RouteEntryType: 'custom' }),
});

/** What names a route: its gateway, kind, source (policy-based only) and destination. */
function routeKey(ctx: ActionContext, kind: 'pbr' | 'dbr') {
  const g = gatewayOf(ctx.world, ctx.params.req('VpnGatewayId'));
  const routeSource = kind === 'pbr' ? cidrParam(ctx, 'RouteSource') : '';
  const routeDest = cidrParam(ctx, 'RouteDest');
  const same = (r: VpnRouteR, hop: string) =>
    r.kind === kind && r.routeSource === routeSource && r.routeDest === routeDest && r.nextHop === hop;
  return { g, routeSource, routeDest, same };
}

function create(kind: 'pbr' | 'dbr') {
  return writes((ctx) => {
    const w = ctx.world;
    const { g, routeSource, routeDest, same } = routeKey(ctx, kind);
    const nextHop = nextHopOf(ctx, g.id);
    const weight = weightOf(ctx);
    const priority = kind === 'pbr' ? ctx.params.int('Priority', 10, 1, 100) : 0;
    if (liveRoutes(w, g.id).some((r) => same(r, nextHop))) {
      throw new ApiError(
        'VpnRouteEntry.AlreadyExists',
        `The route to ${routeDest} through ${nextHop} already exists.`,
        400,
      );
    }
    lockGateway(w, g, ROUTE_CHANGE_MS);
    const r = newRoute(w, {
      kind,
      vpnGatewayId: g.id,
      regionId: regionOf(ctx),
      routeSource,
      routeDest,
      nextHop,
      weight,
      priority,
      published: ctx.params.bool('PublishVpc', false),
      description: ctx.params.opt('Description') ?? '',
      auto: false,
    });
    return {
      VpnInstanceId: g.id,
      RouteDest: r.routeDest,
      NextHop: r.nextHop,
      Weight: r.weight,
      State: 'pending',
      CreateTime: r.createdAt,
      Description: r.description,
      ...(kind === 'pbr' ? { RouteSource: r.routeSource, Priority: r.priority } : {}),
    };
  });
}

function remove(kind: 'pbr' | 'dbr') {
  return writes((ctx) => {
    const w = ctx.world;
    const { g, routeDest, same } = routeKey(ctx, kind);
    const hop = ctx.params.req('NextHop');
    const r = liveRoutes(w, g.id).find((x) => same(x, hop));
    if (!r) throw notFound('VpnRouteEntry.NotExist', `route to ${routeDest} through ${hop}`);
    lockGateway(w, g, ROUTE_CHANGE_MS);
    w.markDeleting(r, ROUTE_CHANGE_MS);
    return {};
  });
}

function describe(kind: 'pbr' | 'dbr', list: string, item: string) {
  return reads((ctx) => {
    const w = ctx.world;
    const g = gatewayOf(w, ctx.params.req('VpnGatewayId'));
    const all = [...w.vpnRoutes.values()].filter((r) => r.vpnGatewayId === g.id && r.kind === kind);
    const { items, meta } = page(ctx, all, 50, 10);
    // Destination-based routes are counted by type; the emulator's are all custom (no BGP).
    const counts =
      kind === 'dbr'
        ? {
            VpnRouteCounts: { VpnRouteCount: [{ RouteEntryType: 'custom', Source: 'CUSTOM', RouteCount: all.length }] },
          }
        : {};
    return { [list]: { [item]: items.map(routeView(w)) }, ...counts, ...meta };
  });
}

/** Publishes a gateway route to the VPC's route table (or withdraws it): a flag the API reports. */
const publishVpnRouteEntry = writes((ctx) => {
  const w = ctx.world;
  const g = gatewayOf(w, ctx.params.req('VpnGatewayId'));
  const routeDest = cidrParam(ctx, 'RouteDest');
  const hop = ctx.params.req('NextHop');
  const type = ctx.params.req('RouteType');
  if (type !== 'dbr' && type !== 'pbr') throw new ApiError('InvalidRouteType', 'RouteType must be dbr or pbr.', 400);
  const r = liveRoutes(w, g.id).find((x) => x.kind === type && x.routeDest === routeDest && x.nextHop === hop);
  if (!r) throw notFound('VpnRouteEntry.NotExist', `route to ${routeDest} through ${hop}`);
  lockGateway(w, g, LATENCY.vpnGatewayUpdate / 5);
  r.published = ctx.params.bool('PublishVpc', true);
  return {};
});

export const VPN_ROUTE_ACTIONS: ActionTable = {
  CreateVpnPbrRouteEntry: create('pbr'),
  DeleteVpnPbrRouteEntry: remove('pbr'),
  DescribeVpnPbrRouteEntries: describe('pbr', 'VpnPbrRouteEntries', 'VpnPbrRouteEntry'),
  CreateVpnRouteEntry: create('dbr'),
  DeleteVpnRouteEntry: remove('dbr'),
  DescribeVpnRouteEntries: describe('dbr', 'VpnRouteEntries', 'VpnRouteEntry'),
  PublishVpnRouteEntry: publishVpnRouteEntry,
};
