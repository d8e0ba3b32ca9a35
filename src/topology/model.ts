/** The topology model: what the user asks for, after parsing and validation. */

export const ROLES = ['dc', 'hub', 'spoke'] as const;
export type Role = (typeof ROLES)[number];

export const IKE_VERSIONS = ['v1', 'v2'] as const;
export type IkeVersion = (typeof IKE_VERSIONS)[number];

/** Ids of resources that already exist and must be adopted, never created or deleted. */
export interface ExistingIds {
  readonly vpc?: string;
  readonly vpnGateway?: string;
  readonly customerGateway?: string;
  readonly cen?: string;
}

/** A data centre's own VPN device, which vpnbot does not configure but hands the configuration to. */
export interface OnPremises {
  /** The device's public IPv4 address (the hub's customer gateway points at it). */
  readonly publicIp: string;
  /**
   * Who may receive the device's configuration with its pre-shared keys: Slack user ids (U..., W...)
   * and user group ids (S...). Everyone else gets it with the keys masked; absent: nobody gets keys
   * in Slack.
   */
  readonly owners?: readonly string[];
}

export interface Site {
  readonly name: string;
  readonly role: Role;
  /** Cloud region id. For an on-premises DC this is the region of the hub it dials. */
  readonly region: string;
  readonly zone: string;
  readonly cidrs: readonly string[];
  /** The vSwitch for probes (and the VPN gateway); absent for an on-premises DC. */
  readonly vswitchCidr?: string;
  /**
   * A second zone and its vSwitch, for what today's cloud spreads over two zones (a dual-tunnel VPN
   * gateway, a transit router's VPC attachment); absent in a single-zone region and on premises.
   */
  readonly secondZone?: string;
  readonly secondVswitchCidr?: string;
  /** For a dc: the hub site it reaches over IPsec. */
  readonly hub?: string;
  /** A real data centre: nothing is created on its side but the hub's customer gateway and connections. */
  readonly onPremises?: OnPremises;
  readonly existing: ExistingIds;
}

/**
 * What an inter-region connection between transit routers carries: the free test bandwidth (1 Kbit/s,
 * "for connectivity tests only": pings, paced), pay-by-data-transfer up to a cap, or bandwidth
 * allocated from a CEN bandwidth plan bought beforehand.
 */
export type InterRegionBandwidth =
  | { readonly type: 'test' }
  | { readonly type: 'data-transfer'; readonly mbps: number }
  | { readonly type: 'plan'; readonly planId: string; readonly mbps: number };

export const TEST_BANDWIDTH: InterRegionBandwidth = { type: 'test' };

export interface Topology {
  readonly name: string;
  readonly ike: IkeVersion;
  readonly probes: boolean;
  readonly sites: readonly Site[];
  /** Absent: the test bandwidth. */
  readonly interRegionBandwidth?: InterRegionBandwidth;
}

/** The inter-region bandwidth a topology asks for (the test bandwidth unless it says otherwise). */
export const bandwidthOf = (t: Topology): InterRegionBandwidth => t.interRegionBandwidth ?? TEST_BANDWIDTH;

/** A site that has a VPC in the cloud (everything but an on-premises DC). */
export function isCloudSite(site: Site): boolean {
  return site.onPremises === undefined;
}

/** The networks a DC reaches through its hub: the hub's CIDRs, then every spoke's, in site order. */
export function networksBehindHub(topology: Topology, hub: Site): string[] {
  const spokes = topology.sites.filter((s) => s.role === 'spoke');
  return [...hub.cidrs, ...spokes.flatMap((s) => s.cidrs)];
}

/** The DCs that dial a given hub. */
export function dcsOfHub(topology: Topology, hubName: string): Site[] {
  return topology.sites.filter((s) => s.role === 'dc' && s.hub === hubName);
}

/** Which site owns a CIDR (CIDRs never overlap between sites after validation). */
export function siteOwningCidr(topology: Topology, cidr: string): Site | undefined {
  return topology.sites.find((s) => s.cidrs.includes(cidr));
}
