/**
 * What IPsec-VPN gateways a region sells today, in which zones, and how the emulator refuses what
 * the cloud refuses (shared/reference/alibaba-today.md §1). Everything here that the public sources
 * leave open is a choice, marked UNVERIFIED, kept in this one file so that it is one change away.
 */
import { findRegion } from '../../topology/regions';
import { ApiError } from '../api/api-error';

/** `dual`: two vSwitches, two public IPs, two-tunnel connections only. `single`: a gateway bought before the upgrade. */
export type TunnelMode = 'dual' | 'single';

/**
 * Regions that still sell single-tunnel gateways. UNVERIFIED: the upgrade notice's region table
 * marks only a few as single-tunnel and no public source says which of the sandbox's regions; none
 * here. Tests and demonstrations mark a region single-tunnel through the control API instead
 * (`POST /__emulator/tunnel-modes`), which is how a gateway bought before the upgrade comes to be.
 */
const SINGLE_TUNNEL_REGIONS: ReadonlySet<string> = new Set();

/**
 * Zones where a VPN gateway may be placed (DescribeVpnGatewayAvailableZones). The seed regions'
 * come from the upgrade notice (Hong Kong B/C/D, Tokyo A/B/C, Silicon Valley A/B); elsewhere every
 * zone of the region (UNVERIFIED).
 */
const VPN_ZONES: Readonly<Record<string, readonly string[]>> = {
  'cn-hongkong': ['cn-hongkong-b', 'cn-hongkong-c', 'cn-hongkong-d'],
  'ap-northeast-1': ['ap-northeast-1a', 'ap-northeast-1b', 'ap-northeast-1c'],
  'us-west-1': ['us-west-1a', 'us-west-1b'],
};

/** Overrides by region, set through the control API or the emulator's options. */
export type TunnelModes = ReadonlyMap<string, TunnelMode>;

/** The kind of gateway a CreateVpnGateway in `region` makes now. */
export function tunnelModeOf(region: string, overrides: TunnelModes): TunnelMode {
  return overrides.get(region) ?? (SINGLE_TUNNEL_REGIONS.has(region) ? 'single' : 'dual');
}

export function vpnZonesOf(region: string): readonly string[] {
  return VPN_ZONES[region] ?? findRegion(region)?.zones ?? [];
}

/** `cn-hongkong-b` -> `China (Hong Kong) Zone B`, as the console names zones. */
export function zoneName(region: string, zone: string): string {
  const letter = zone.slice(region.length).replace(/^-/, '').toUpperCase();
  return `${findRegion(region)?.name ?? region} Zone ${letter}`;
}

/** Spec values DescribeVpnGatewayAvailableZones takes. */
export const VPN_SPECS: readonly string[] = ['5M', '10M', '20M', '50M', '100M', '200M', '500M', '1000M'];

/**
 * The refusals of today's cloud. The codes are UNVERIFIED (not documented publicly):
 * `VpnConnection.InvalidCreateTunnelOptions` is the one Terraform's provider mentions; the others
 * are named plainly so that a reader of vpnbot's logs knows what happened.
 */
export const VPN_ERRORS = {
  /** CreateVpnGateway in a dual-tunnel region without its second vSwitch. */
  missingDisasterRecoveryVSwitch: (region: string) =>
    new ApiError(
      'MissingDisasterRecoveryVSwitchId',
      `VPN gateways in ${region} are dual-tunnel: VSwitchId and DisasterRecoveryVSwitchId (a vSwitch in a second zone) are both mandatory.`,
      400,
    ),
  missingVSwitch: (region: string) =>
    new ApiError(
      'MissingVSwitchId',
      `VPN gateways in ${region} are dual-tunnel: VSwitchId and DisasterRecoveryVSwitchId are both mandatory.`,
      400,
    ),
  sameZone: (zone: string, zones: readonly string[]) =>
    new ApiError(
      'InvalidDisasterRecoveryVSwitchId.SameZone',
      `The two vSwitches of a dual-tunnel VPN gateway must be in different zones; both are in ${zone} (available: ${zones.join(', ')}).`,
      400,
    ),
  zoneNotSupported: (vswitchId: string, zone: string, zones: readonly string[]) =>
    new ApiError(
      'InvalidVSwitchId.ZoneNotSupported',
      `The vSwitch ${vswitchId} is in ${zone}, where VPN gateways are not available (available: ${zones.join(', ')}).`,
      400,
    ),
  /** The single-tunnel form (CustomerGatewayId, IkeConfig, IpsecConfig) on a dual-tunnel gateway. */
  singleFormOnDual: (gatewayId: string) =>
    new ApiError(
      'VpnConnection.InvalidCreateTunnelOptions',
      `The VPN gateway ${gatewayId} takes dual-tunnel IPsec connections only: give TunnelOptionsSpecification (a master and a slave tunnel, each with its CustomerGatewayId, TunnelIkeConfig and TunnelIpsecConfig) instead of CustomerGatewayId, IkeConfig and IpsecConfig.`,
      400,
    ),
  /** TunnelOptionsSpecification on a gateway bought before the upgrade. */
  dualFormOnSingle: (gatewayId: string) =>
    new ApiError(
      'VpnConnection.InvalidCreateTunnelOptions',
      `The VPN gateway ${gatewayId} is a single-tunnel gateway: give CustomerGatewayId, IkeConfig and IpsecConfig, not TunnelOptionsSpecification.`,
      400,
    ),
  /** UNVERIFIED that exactly two are required; Terraform's documented example sends one master and one slave. */
  tunnelRoles: (roles: readonly string[]) =>
    new ApiError(
      'VpnConnection.InvalidCreateTunnelOptions',
      `TunnelOptionsSpecification needs exactly two tunnels, one with Role master and one with Role slave; got ${roles.length === 0 ? 'none' : roles.map((r) => r || '(no Role)').join(', ')}.`,
      400,
    ),
  /** Any change to a gateway of an overdue account. */
  financialLocked: (gatewayId: string) =>
    new ApiError(
      'VpnGateway.FinancialLocked',
      `The VPN gateway ${gatewayId} is locked because the account has an overdue payment (BusinessStatus FinancialLocked).`,
      400,
    ),
} as const;
