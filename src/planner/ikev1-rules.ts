/**
 * The network rules vpnbot plans by, as in shared/reference/seed-scenario.md, for a reviewer to
 * check against the walkthrough. Pure: a topology in, the connections, routes, CEN members,
 * published routes and security group sources it needs out. desired-steps.ts turns them into steps.
 *
 * - IKEv1 carries one local and one remote CIDR per IPsec connection: a DC with m CIDRs reaching n
 *   networks needs m x n connections on the hub's gateway, mirrored on the DC's (IKEv2: one pair).
 * - The networks behind a hub are its own CIDRs and every spoke's (spokes are reached over CEN).
 * - Routes: the DC's VPC sends every network behind the hub to its VPN gateway; the hub's VPC sends
 *   each DC CIDR to its VPN gateway. An on-premises DC routes on its own device.
 * - CEN: hubs and spokes are attached; each hub publishes its routes to its DCs' CIDRs, so spokes
 *   learn the way back (without this, spoke -> DC fails: seed-scenario.md, step 5).
 * - CEN today (Enterprise Edition, shared/reference/alibaba-today.md §2): a transit router in each
 *   member's region, an inter-region connection between every two of those regions, and in each
 *   member's VPC a route to its transit router for every network it can reach over CEN (the other
 *   members' CIDRs; for a spoke, also every hub's DC CIDRs: a DC's tunnel carries its hub's and the
 *   spokes' networks, never another hub's); the hub advertises its DCs' CIDRs.
 * - Security groups: every cloud site admits ICMP from every other site's CIDRs.
 */
import { dcsOfHub, isCloudSite, networksBehindHub, type Site, type Topology } from '../topology/model';

/** One mirrored pair of IPsec connections: the hub side's selectors, and the DC side's (swapped). */
export interface ConnectionPair {
  readonly hubCidrs: readonly string[];
  readonly dcCidrs: readonly string[];
}

export interface TunnelDesign {
  readonly hub: Site;
  readonly dc: Site;
  readonly pairs: readonly ConnectionPair[];
  /** On the DC's VPC (none for an on-premises DC): destinations sent to its VPN gateway. */
  readonly dcRoutes: readonly string[];
  /** On the hub's VPC: destinations sent to its VPN gateway. */
  readonly hubRoutes: readonly string[];
  /** Of the hub's routes, those published to CEN. */
  readonly published: readonly string[];
}

export function tunnelDesign(topology: Topology, hub: Site, dc: Site): TunnelDesign {
  const networks = networksBehindHub(topology, hub);
  const pairs: ConnectionPair[] =
    topology.ike === 'v1'
      ? dc.cidrs.flatMap((d) => networks.map((n) => ({ hubCidrs: [n], dcCidrs: [d] })))
      : [{ hubCidrs: networks, dcCidrs: [...dc.cidrs] }];
  return {
    hub,
    dc,
    pairs,
    dcRoutes: isCloudSite(dc) ? networks : [],
    hubRoutes: [...dc.cidrs],
    published: [...dc.cidrs],
  };
}

/** Every hub-DC tunnel of the topology, hubs in the topology's order. */
export function tunnelDesigns(topology: Topology): TunnelDesign[] {
  return topology.sites
    .filter((s) => s.role === 'hub')
    .flatMap((hub) => dcsOfHub(topology, hub.name).map((dc) => tunnelDesign(topology, hub, dc)));
}

/** The sites attached to CEN: every cloud hub and spoke. */
export function cenMembers(topology: Topology): Site[] {
  return topology.sites.filter((s) => isCloudSite(s) && (s.role === 'hub' || s.role === 'spoke'));
}

/** The sources a site's security group admits ICMP from: every other site's CIDRs. */
export function admittedSources(topology: Topology, site: Site): string[] {
  return topology.sites.filter((x) => x.name !== site.name).flatMap((x) => x.cidrs);
}

/** The regions that need a transit router: those of the CEN's members, sorted. */
export function transitRegions(members: readonly Site[]): string[] {
  return [...new Set(members.map((s) => s.region))].sort();
}

/** The pairs of regions joined by an inter-region connection: every two of them. */
export function regionPairs(regions: readonly string[]): [string, string][] {
  return regions.flatMap((a, i) => regions.slice(i + 1).map((b): [string, string] => [a, b]));
}

/**
 * The networks a member's VPC sends to its transit router, in site order: the other members'
 * CIDRs, and for a spoke the DC CIDRs the hubs advertise. (A Basic CEN taught a hub the other hubs'
 * DC CIDRs too, but their DCs route nothing back to it: no pair needs them.)
 */
export function routesToTransitRouter(
  members: readonly Site[],
  designs: readonly TunnelDesign[],
  member: Site,
): string[] {
  const own = new Set(member.cidrs);
  const out = [
    ...members.filter((m) => m.name !== member.name).flatMap((m) => m.cidrs),
    ...(member.role === 'spoke' ? designs.flatMap((d) => d.published) : []),
  ];
  return [...new Set(out)].filter((c) => !own.has(c));
}
