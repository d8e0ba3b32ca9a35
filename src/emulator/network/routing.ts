/**
 * VPC route tables as the data plane sees them: system routes (vSwitch CIDRs), custom routes, and
 * routes learned from CEN (attached VPCs' CIDRs, and entries other VPCs *published*).
 */
import { cidr, cidrContains } from '../../topology/cidr';
import type { RouteEntryR, VpcR, World } from '../state/world';

export interface Route {
  readonly destination: string;
  readonly type: 'System' | 'Custom' | 'CEN';
  readonly nextHopType: string;
  readonly nextHopId: string;
  /** For CEN routes: the VPC that advertised it, and its region. */
  readonly via?: { readonly vpcId: string; readonly regionId: string };
  readonly entry?: RouteEntryR;
}

export function vpcCidrs(vpc: VpcR): string[] {
  return [vpc.cidrBlock, ...vpc.secondaryCidrBlocks];
}

export function cenOf(world: World, vpcId: string): string | undefined {
  return world.cenAttachments.find(
    (a) => a.childInstanceId === vpcId && a.deletingUntil === undefined && world.isReady(a),
  )?.cenId;
}

export function ownRoutes(world: World, vpc: VpcR): Route[] {
  const system: Route[] = [...world.vswitches.values()]
    .filter((v) => v.vpcId === vpc.id && v.deletingUntil === undefined)
    .map((v) => ({ destination: v.cidrBlock, type: 'System', nextHopType: 'local', nextHopId: '' }));
  const custom: Route[] = [...world.routeEntries.values()]
    .filter((e) => e.vpcId === vpc.id && world.status(e, 'Deleting') === 'Available')
    .map((e) => ({
      destination: e.destinationCidrBlock,
      type: 'Custom',
      nextHopType: e.nextHopType,
      nextHopId: e.nextHopId,
      entry: e,
    }));
  return [...system, ...custom];
}

/** Routes `vpc` learns from its CEN; a destination it already routes itself is not learned (conflict). */
export function cenRoutes(world: World, vpc: VpcR): Route[] {
  const cenId = cenOf(world, vpc.id);
  if (!cenId) return [];
  const own = new Set(ownRoutes(world, vpc).map((r) => r.destination));
  const peers = world.cenAttachments.filter(
    (a) => a.cenId === cenId && a.childInstanceId !== vpc.id && a.deletingUntil === undefined && world.isReady(a),
  );
  const out: Route[] = [];
  for (const a of peers) {
    const peer = world.vpcs.get(a.childInstanceId);
    if (peer) out.push(...advertisedBy(world, cenId, peer));
  }
  return out.filter((r) => !own.has(r.destination));
}

/** What an attached VPC advertises to its CEN: its CIDR blocks, and the entries it published. */
export function advertisedBy(world: World, cenId: string, vpc: VpcR): Route[] {
  const via = { vpcId: vpc.id, regionId: vpc.regionId };
  const published = world.cenPublished
    .filter((x) => x.cenId === cenId && x.childInstanceId === vpc.id && world.isReady(x))
    .map((p) => p.destinationCidrBlock);
  return [...vpcCidrs(vpc), ...published].map((destination) => ({
    destination,
    type: 'CEN',
    nextHopType: 'VPC',
    nextHopId: vpc.id,
    via,
  }));
}

/** The attached VPCs of a CEN that are Attached now. */
export function attachedVpcs(world: World, cenId: string): VpcR[] {
  return world.cenAttachments
    .filter((a) => a.cenId === cenId && a.deletingUntil === undefined && world.isReady(a))
    .flatMap((a) => world.vpcs.get(a.childInstanceId) ?? []);
}

/** Longest-prefix match; on equal prefixes the VPC's own routes win over CEN-learned ones. */
export function lookup(world: World, vpc: VpcR, ip: string): Route | undefined {
  const n = cidr(`${ip}/32`);
  const candidates = [...ownRoutes(world, vpc), ...cenRoutes(world, vpc)].filter((r) =>
    cidrContains(cidr(r.destination), n),
  );
  candidates.sort(
    (a, b) =>
      cidr(b.destination).prefix - cidr(a.destination).prefix ||
      (a.type === 'CEN' ? 1 : 0) - (b.type === 'CEN' ? 1 : 0),
  );
  return candidates[0];
}
