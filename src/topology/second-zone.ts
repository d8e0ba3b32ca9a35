/**
 * A cloud site's second zone and second vSwitch. Today's cloud asks for two zones where a region
 * has several: a dual-tunnel VPN gateway takes two vSwitches (its two tunnels' ENIs), and a CEN
 * transit router attaches a VPC through vSwitches in two zones. The first zone is the site's own
 * (`zone`); these rules pick the second when the topology names none.
 */
import { cidr, cidrsOverlap, cidrContains, intToIp, type Cidr } from './cidr';
import type { Site } from './model';
import { findRegion } from './regions';

/** The first of the region's zones other than `zone`; none in a single-zone region. */
export function defaultSecondZone(zones: readonly string[], zone: string): string | undefined {
  return zones.find((z) => z !== zone);
}

/**
 * The second vSwitch's block: the next block of the first vSwitch's size inside the site's CIDRs,
 * not overlapping the first (192.168.1.0/24 after 192.168.0.0/24); undefined when none fits.
 */
export function defaultSecondVswitch(cidrs: readonly Cidr[], first: Cidr): Cidr | undefined {
  const step = 2 ** (32 - first.prefix);
  for (const block of cidrs) {
    if (first.prefix < block.prefix) continue;
    const start = block === cidrs.find((c) => cidrContains(c, first)) ? first.base + step : block.base;
    for (let base = start; base + step <= block.base + 2 ** (32 - block.prefix); base += step) {
      const candidate: Cidr = { base, prefix: first.prefix, text: `${intToIp(base)}/${first.prefix}` };
      if (!cidrsOverlap(candidate, first)) return candidate;
    }
  }
  return undefined;
}

/**
 * A cloud site as validation gives it now, for a topology stored by a version that had no second
 * zone: the defaults filled in (nothing changes for a site that has them, or is on premises).
 */
export function withSecondZone(site: Site): Site {
  if (site.onPremises !== undefined || site.secondZone !== undefined || site.vswitchCidr === undefined) return site;
  const zones = findRegion(site.region)?.zones ?? [];
  const secondZone = defaultSecondZone(zones, site.zone);
  const second = secondZone ? defaultSecondVswitch(site.cidrs.map(cidr), cidr(site.vswitchCidr)) : undefined;
  return secondZone && second ? { ...site, secondZone, secondVswitchCidr: second.text } : site;
}
