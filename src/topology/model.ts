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

export interface Topology {
  readonly name: string;
  readonly ike: IkeVersion;
  readonly probes: boolean;
  readonly sites: readonly Site[];
}

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
