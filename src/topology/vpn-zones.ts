/**
 * The zones of a VPN site (a hub or a dc in the cloud): its dual-tunnel gateway puts a tunnel in
 * each of the site's two zones, and only zones that sell VPN gateways take one
 * (DescribeVpnGatewayAvailableZones, asked when a cloud is connected). Defaults are picked among
 * those; zones named in the topology that sell none are refused with the ones that do.
 */
import { problem, type Problem } from '../errors';
import type { SiteInput } from './schema';

/** A site that has a VPN gateway of its own. */
export const hasVpnGateway = (site: SiteInput): boolean =>
  site.onPremises === undefined && (site.role === 'hub' || site.role === 'dc');

/** `zones` with those that sell VPN gateways first (each group in its own order): where defaults come from. */
export function vpnZonesFirst(zones: readonly string[], vpnZones: readonly string[] | undefined): string[] {
  if (!vpnZones) return [...zones];
  return [...zones.filter((z) => vpnZones.includes(z)), ...zones.filter((z) => !vpnZones.includes(z))];
}

/** Problems for a VPN site whose zones (as given) sell no VPN gateway. */
export function checkVpnZones(
  site: SiteInput,
  i: number,
  chosen: { readonly zone: string; readonly secondZone: string | undefined },
  vpnZones: readonly string[] | undefined,
  problems: Problem[],
): void {
  if (!vpnZones || vpnZones.length === 0 || !hasVpnGateway(site)) return;
  const check = (zone: string | undefined, path: string, which: string) => {
    if (zone === undefined || zone === '' || vpnZones.includes(zone)) return;
    problems.push(
      problem(
        'zone.no-vpn',
        `sites[${i}].${path}`,
        `zone ${zone} sells no VPN gateway, and ${site.role} "${site.name}" needs one there (${which})`,
        `pick a zone that does: ${vpnZones.join(', ')}`,
      ),
    );
  };
  check(chosen.zone, 'zone', "its gateway's first tunnel");
  check(chosen.secondZone, 'secondZone', "its gateway's second tunnel");
}
