import type { Result } from '../errors';
import type { Topology } from './model';
import { parseTopologyLine } from './parse-line';
import { parseTopologyYaml } from './parse-yaml';
import { findRegion } from './regions';
import type { SiteInput, TopologyInput } from './schema';
import { validateTopology, type ValidationOptions } from './validate';
import { hasVpnGateway } from './vpn-zones';

/** The zones a connected cloud offers in a region (ECS DescribeZones). */
export type ZoneSource = (regionId: string) => Promise<readonly string[]>;

const then = (r: Result<TopologyInput>, options?: ValidationOptions): Result<Topology> =>
  r.ok ? validateTopology(r.value, options) : r;

/** YAML text -> validated topology, or every problem found. Never throws. */
export function topologyFromYaml(text: string, options?: ValidationOptions): Result<Topology> {
  return then(parseTopologyYaml(text), options);
}

/** One-line form (Slack) -> validated topology, or every problem found. Never throws. */
export function topologyFromLine(text: string, options?: ValidationOptions): Result<Topology> {
  return then(parseTopologyLine(text), options);
}

/**
 * Validates a parsed topology against the zones a connected cloud offers, looked up once per known
 * region it names, and, with `vpnZones`, the zones that sell VPN gateways, once per region with a
 * VPN site. A region whose lookup fails keeps the built-in list (the apply that follows reports
 * the cloud's own error if the zone is really wrong). Never rejects.
 */
export async function validateWithCloudZones(
  parsed: Result<TopologyInput>,
  options: ValidationOptions,
  zones: ZoneSource,
  vpnZones?: ZoneSource,
): Promise<Result<Topology>> {
  if (!parsed.ok) return parsed;
  const known = (sites: readonly SiteInput[]) => [
    ...new Set(sites.map((s) => s.region).filter((r): r is string => r !== undefined && findRegion(r) !== undefined)),
  ];
  const lookUp = async (regions: readonly string[], source: ZoneSource) => {
    const found = new Map<string, readonly string[]>();
    await Promise.all(
      regions.map(async (r) => {
        try {
          const list = await source(r);
          if (list.length > 0) found.set(r, list);
        } catch {
          // Fall back to the built-in list for this region.
        }
      }),
    );
    return found;
  };
  const [found, vpn] = await Promise.all([
    lookUp(known(parsed.value.sites), zones),
    vpnZones ? lookUp(known(parsed.value.sites.filter(hasVpnGateway)), vpnZones) : new Map(),
  ]);
  return validateTopology(parsed.value, {
    ...options,
    zonesOf: (r) => found.get(r) ?? options.zonesOf?.(r),
    vpnZonesOf: (r) => vpn.get(r) ?? options.vpnZonesOf?.(r),
  });
}
