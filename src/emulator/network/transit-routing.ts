/**
 * Forwarding through CEN Enterprise Edition transit routers, as the data plane and the route reads
 * see it. A transit router forwards what arrives on an attachment by the route table that
 * attachment is associated with (none: dropped); a table holds its static routes, the routes of
 * the attachments that propagate into it (a VPC's vSwitch CIDRs and the VPC routes advertised to
 * CEN with PublishRouteEntries), and, in the system table, what the peer transit routers hold
 * locally, learned over inter-region connections that advertise routes.
 *
 * UNVERIFIED, decided here: an inter-region (peer) attachment is forwarded by, and advertises into,
 * the system route table on both sides once Attached (the console's defaults: "associate with the
 * default route table", "propagate to the default route table"); routes learned from a peer are not
 * passed on to a third region (every region pair that talks has its own connection).
 */
import { cidr, cidrContains } from '../../topology/cidr';
import type { TrPeerAttachmentR, TrRouteTableR, TrVpcAttachmentR, TransitRouterR } from '../state/transit-router-state';
import type { VpcR, World } from '../state/world';
import { oneWay } from './region-latency';

/** Test bandwidth of an inter-region connection without allocated bandwidth: "for connectivity tests only". */
export const TEST_BANDWIDTH_BPS = 1_000;

export interface TrRoute {
  readonly destination: string;
  readonly type: 'Static' | 'Propagated';
  readonly nextHopType: 'Attachment' | 'BlackHole';
  /** The attachment traffic leaves by ('' for a blackhole). */
  readonly nextHopId: string;
  /** Where it was learned: the VPC, the peer transit router, or '' for static routes. */
  readonly originId: string;
  readonly originType: 'VPC' | 'TR' | '';
  readonly entryId?: string;
  readonly status: string;
}

/** One direction of an inter-region connection a packet crosses, with what it can carry. */
export interface Crossing {
  readonly link: string;
  readonly direction: string;
  readonly bitsPerSecond: number;
}

/** Exists and is not being deleted. */
export const live = <T extends { deletingUntil?: number }>(x: T | undefined): x is T =>
  x !== undefined && x.deletingUntil === undefined;

export function transitRouterOf(w: World, id: string): TransitRouterR | undefined {
  const r = w.tr.routers.get(id);
  return live(r) ? r : undefined;
}

/** The region's transit router of a CEN, if any. */
export function regionRouter(w: World, cenId: string, regionId: string): TransitRouterR | undefined {
  return [...w.tr.routers.values()].find((r) => r.cenId === cenId && r.regionId === regionId && live(r));
}

export const isAttached = (w: World, a: TrVpcAttachmentR | TrPeerAttachmentR | undefined): boolean =>
  live(a) && w.isReady(a);

/** A VPC's attachment to a transit router of `cenId` that is Attached now. */
export function vpcAttachmentOf(w: World, cenId: string, vpcId: string): TrVpcAttachmentR | undefined {
  return [...w.tr.vpcAttachments.values()].find((a) => a.cenId === cenId && a.vpcId === vpcId && isAttached(w, a));
}

/** The CEN a VPC is connected to through a transit router (Attached), if any. */
export function transitCenOf(w: World, vpcId: string): string | undefined {
  return [...w.tr.vpcAttachments.values()].find((a) => a.vpcId === vpcId && isAttached(w, a))?.cenId;
}

/** The route table an attachment is associated with, once the association is Active. */
export function associatedTable(w: World, attachmentId: string): TrRouteTableR | undefined {
  const link = w.tr.associations.find((x) => x.attachmentId === attachmentId && live(x) && w.isReady(x));
  const table = link ? w.tr.routeTables.get(link.routeTableId) : undefined;
  return live(table) ? table : undefined;
}

const propagatesInto = (w: World, attachmentId: string, tableId: string) =>
  w.tr.propagations.some(
    (x) => x.attachmentId === attachmentId && x.routeTableId === tableId && live(x) && w.isReady(x),
  );

/** What a VPC attachment propagates: the VPC's vSwitch CIDRs and the routes it advertised to CEN. */
function vpcRoutes(w: World, a: TrVpcAttachmentR): TrRoute[] {
  const vpc = w.vpcs.get(a.vpcId);
  if (!live(vpc)) return [];
  const system = [...w.vswitches.values()].filter((s) => s.vpcId === vpc.id && live(s)).map((s) => s.cidrBlock);
  const advertised = w.cenPublished
    .filter((p) => p.cenId === a.cenId && p.childInstanceId === vpc.id && w.isReady(p))
    .map((p) => p.destinationCidrBlock);
  return [...system, ...advertised].map((destination) => ({
    destination,
    type: 'Propagated',
    nextHopType: 'Attachment',
    nextHopId: a.id,
    originId: vpc.id,
    originType: 'VPC',
    status: 'Active',
  }));
}

function staticRoutes(w: World, table: TrRouteTableR, all: boolean): TrRoute[] {
  return [...w.tr.routeEntries.values()]
    .filter((e) => e.routeTableId === table.id && (all || (live(e) && w.isReady(e))))
    .map((e) => ({
      destination: e.destination,
      type: 'Static',
      nextHopType: e.nextHopType,
      nextHopId: e.nextHopId,
      originId: '',
      originType: '',
      entryId: e.id,
      status: w.status(e, 'Deleting'),
    }));
}

/** Routes that originate at this transit router's table: static ones and those its VPC attachments propagate. */
function localRoutes(w: World, table: TrRouteTableR, all = false): TrRoute[] {
  const propagated = [...w.tr.vpcAttachments.values()]
    .filter((a) => a.transitRouterId === table.transitRouterId && isAttached(w, a) && propagatesInto(w, a.id, table.id))
    .flatMap((a) => vpcRoutes(w, a));
  return [...staticRoutes(w, table, all), ...propagated];
}

/** The Attached inter-region connections of a transit router, each with the router on the other side. */
export function peersOf(w: World, routerId: string): { attachment: TrPeerAttachmentR; peer: TransitRouterR }[] {
  return [...w.tr.peerAttachments.values()]
    .filter((p) => isAttached(w, p) && (p.transitRouterId === routerId || p.peerTransitRouterId === routerId))
    .flatMap((attachment) => {
      const peer = transitRouterOf(
        w,
        attachment.transitRouterId === routerId ? attachment.peerTransitRouterId : attachment.transitRouterId,
      );
      return peer ? [{ attachment, peer }] : [];
    });
}

/**
 * Every route of a transit-router route table: its own, then (system table only) those learned
 * from peers; a destination it holds itself is not learned. `all` includes static routes still
 * being created or deleted (for listing).
 */
export function tableRoutes(w: World, table: TrRouteTableR, all = false): TrRoute[] {
  const own = localRoutes(w, table, all);
  if (table.type !== 'System') return own;
  const known = new Set(own.map((r) => r.destination));
  const learned: TrRoute[] = [];
  for (const { attachment, peer } of peersOf(w, table.transitRouterId)) {
    if (!attachment.autoPublishRouteEnabled) continue;
    const peerTable = w.tr.routeTables.get(peer.systemRouteTableId);
    if (!live(peerTable)) continue;
    for (const r of localRoutes(w, peerTable)) {
      if (known.has(r.destination) || r.nextHopType === 'BlackHole') continue;
      known.add(r.destination);
      learned.push({
        destination: r.destination,
        type: 'Propagated',
        nextHopType: 'Attachment',
        nextHopId: attachment.id,
        originId: peer.id,
        originType: 'TR',
        status: 'Active',
      });
    }
  }
  return [...own, ...learned];
}

/** Longest prefix match in a transit-router table; static routes win a tie. */
export function lookupTable(w: World, table: TrRouteTableR, ip: string): TrRoute | undefined {
  const n = cidr(`${ip}/32`);
  return tableRoutes(w, table)
    .filter((r) => cidrContains(cidr(r.destination), n))
    .sort(
      (a, b) =>
        cidr(b.destination).prefix - cidr(a.destination).prefix ||
        (a.type === 'Static' ? 0 : 1) - (b.type === 'Static' ? 0 : 1),
    )[0];
}

/** Bits per second an inter-region connection carries: its allocated bandwidth, or the test bandwidth. */
export function peerBandwidthBps(p: TrPeerAttachmentR): number {
  return p.bandwidthType !== '' && p.bandwidth > 0 ? p.bandwidth * 1_000_000 : TEST_BANDWIDTH_BPS;
}

export type TransitHop =
  | {
      readonly ok: true;
      readonly vpc: VpcR;
      readonly oneWayMs: number;
      readonly hops: readonly string[];
      readonly crossings: readonly Crossing[];
    }
  | { readonly ok: false; readonly reason: string; readonly hops: readonly string[] };

const MAX_TR_HOPS = 4;

/**
 * From `vpc`, through the attachment its route points at, to the VPC the transit routers deliver
 * `dstIp` to; or why it is dropped.
 */
export function throughTransitRouter(w: World, vpc: VpcR, attachmentId: string, dstIp: string): TransitHop {
  const hops: string[] = [];
  const fail = (reason: string): TransitHop => ({ ok: false, reason, hops });
  const start = w.tr.vpcAttachments.get(attachmentId);
  if (!live(start) || start.vpcId !== vpc.id)
    return fail(`route to ${dstIp} in ${vpc.id} points at attachment ${attachmentId}, which is not this VPC's`);
  if (!isAttached(w, start)) return fail(`attachment ${attachmentId} of ${vpc.id} is not Attached`);
  let router = transitRouterOf(w, start.transitRouterId);
  let table = associatedTable(w, start.id);
  if (!router) return fail(`transit router ${start.transitRouterId} is gone`);
  if (!table) return fail(`attachment ${start.id} of ${vpc.id} is not associated with a route table`);
  let oneWayMs = 0;
  const crossings: Crossing[] = [];
  for (let i = 0; i < MAX_TR_HOPS; i++) {
    hops.push(router.id);
    const route = lookupTable(w, table, dstIp);
    if (!route) return fail(`no route to ${dstIp} in transit router route table ${table.id} (${router.regionId})`);
    if (route.nextHopType === 'BlackHole') return fail(`${route.destination} is a blackhole in ${table.id}`);
    const toVpc = w.tr.vpcAttachments.get(route.nextHopId);
    if (toVpc) {
      const next = w.vpcs.get(toVpc.vpcId);
      if (!isAttached(w, toVpc) || !live(next)) return fail(`attachment ${toVpc.id} is not Attached`);
      return { ok: true, vpc: next, oneWayMs, hops, crossings };
    }
    const peer = w.tr.peerAttachments.get(route.nextHopId);
    if (!isAttached(w, peer)) return fail(`inter-region connection ${route.nextHopId} is not Attached`);
    const otherId = peer!.transitRouterId === router.id ? peer!.peerTransitRouterId : peer!.transitRouterId;
    const other = transitRouterOf(w, otherId);
    const otherTable = other ? w.tr.routeTables.get(other.systemRouteTableId) : undefined;
    if (!other || !live(otherTable)) return fail(`transit router ${otherId} is gone`);
    crossings.push({
      link: peer!.id,
      direction: `${router.regionId}>${other.regionId}`,
      bitsPerSecond: peerBandwidthBps(peer!),
    });
    hops.push(peer!.id);
    oneWayMs += oneWay(router.regionId, other.regionId);
    router = other;
    table = otherTable;
  }
  return fail(`routing loop between transit routers towards ${dstIp}`);
}
