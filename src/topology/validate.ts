/**
 * Meaning checks on a topology whose shape is already right. Collects every problem it can find in
 * one pass (users fix them all at once), each naming the site and suggesting a fix. Fills defaults:
 * zone, vSwitch CIDR, the dc's hub when there is one hub.
 */
import { closest } from 'fastest-levenshtein';
import { problem, type Problem, type Result } from '../errors';
import { cidrContains, cidrOverlap, firstSubnet, isUsableGatewayIp, parseCidr, RESERVED_BLOCKS, type Cidr } from './cidr';
import { networksBehindHub, type ExistingIds, type Site, type Topology } from './model';
import { findRegion, suggestRegion } from './regions';
import type { SiteInput, TopologyInput } from './schema';

export interface ValidationOptions {
  /**
   * IPsec connections one VPN gateway may carry. Alibaba Cloud's default quota is 10 per gateway
   * (adjustable through a quota request); the planner refuses more than this.
   */
  readonly ipsecConnectionQuota: number;
}

export const DEFAULT_IPSEC_CONNECTION_QUOTA = 10;

const NAME_RE = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$|^[a-z]$/;
const ID_PREFIX: Record<keyof ExistingIds, string> = { vpc: 'vpc-', vpnGateway: 'vpn-', customerGateway: 'cgw-', cen: 'cen-' };
const EXISTING_ALLOWED: Record<string, readonly (keyof ExistingIds)[]> = {
  dc: ['vpc', 'vpnGateway', 'customerGateway'],
  hub: ['vpc', 'vpnGateway', 'customerGateway', 'cen'],
  spoke: ['vpc', 'cen'],
};

interface SiteCidrs {
  readonly site: string;
  readonly index: number;
  readonly cidrs: Cidr[];
}

function checkName(name: string, path: string, what: string, problems: Problem[]): void {
  if (!NAME_RE.test(name)) {
    const fixed = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '').slice(0, 32);
    problems.push(problem('name.invalid', path, `${what} "${name}" must be 1-32 lowercase letters, digits or hyphens, starting with a letter`, fixed ? `e.g. "${fixed}"` : undefined));
  }
}

function checkCidrs(site: SiteInput, i: number, problems: Problem[]): Cidr[] {
  const out: Cidr[] = [];
  site.cidrs.forEach((text, j) => {
    const path = `sites[${i}].cidrs[${j}]`;
    const r = parseCidr(text);
    if (!r.ok) {
      if (r.reason === 'host-bits') problems.push(problem('cidr.host-bits', path, `${r.message} (site "${site.name}")`, `did you mean ${r.network}?`));
      else problems.push(problem(r.reason === 'mask' ? 'cidr.mask' : 'cidr.malformed', path, `${r.message} (site "${site.name}")`));
      return;
    }
    if (site.onPremises === undefined && (r.cidr.prefix < 8 || r.cidr.prefix > 28)) {
      problems.push(problem('cidr.mask', path, `a VPC CIDR needs a mask from /8 to /28, got /${r.cidr.prefix} (site "${site.name}")`));
      return;
    }
    const reserved = RESERVED_BLOCKS.find((b) => cidrOverlap(b, r.cidr));
    if (reserved) {
      problems.push(problem('cidr.reserved', path, `${text} overlaps the reserved block ${reserved.text} (site "${site.name}")`, 'use a private range: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16'));
      return;
    }
    out.push(r.cidr);
  });
  return out;
}

function checkOverlaps(all: readonly SiteCidrs[], problems: Problem[]): void {
  const flat = all.flatMap((s) => s.cidrs.map((c) => ({ site: s.site, index: s.index, c })));
  for (let a = 0; a < flat.length; a++) {
    for (let b = a + 1; b < flat.length; b++) {
      const x = flat[a]!;
      const y = flat[b]!;
      const overlap = cidrOverlap(x.c, y.c);
      if (!overlap) continue;
      const where = x.site === y.site ? `within site "${x.site}"` : `between sites "${x.site}" and "${y.site}"`;
      problems.push(
        problem('cidr.overlap', `sites[${y.index}].cidrs`, `${x.c.text} and ${y.c.text} overlap ${where}: both contain ${overlap.text}`, 'every network must be distinct for routes and IPsec selectors to be unambiguous'),
      );
    }
  }
}

function checkVswitch(site: SiteInput, i: number, cidrs: Cidr[], problems: Problem[]): string | undefined {
  if (site.onPremises !== undefined) {
    if (site.vswitchCidr !== undefined) problems.push(problem('vswitch.on-premises', `sites[${i}].vswitchCidr`, `site "${site.name}" is on premises: vpnbot creates no vSwitch there`));
    return undefined;
  }
  if (cidrs.length === 0) return undefined;
  if (site.vswitchCidr === undefined) return firstSubnet(cidrs[0]!).text;
  const path = `sites[${i}].vswitchCidr`;
  const r = parseCidr(site.vswitchCidr);
  if (!r.ok) {
    problems.push(problem(r.reason === 'host-bits' ? 'cidr.host-bits' : r.reason === 'mask' ? 'cidr.mask' : 'cidr.malformed', path, r.message, r.reason === 'host-bits' ? `did you mean ${r.network}?` : undefined));
    return undefined;
  }
  if (r.cidr.prefix < 16 || r.cidr.prefix > 29) {
    problems.push(problem('vswitch.mask', path, `a vSwitch needs a mask from /16 to /29, got /${r.cidr.prefix}`));
    return undefined;
  }
  if (!cidrs.some((c) => cidrContains(c, r.cidr))) {
    problems.push(problem('vswitch.outside', path, `vSwitch ${r.cidr.text} is outside site "${site.name}"'s CIDRs (${site.cidrs.join(', ')})`, `e.g. ${firstSubnet(cidrs[0]!).text}`));
    return undefined;
  }
  return r.cidr.text;
}

function checkExisting(site: SiteInput, i: number, problems: Problem[]): void {
  const existing = site.existing ?? {};
  const keys = Object.keys(existing) as (keyof ExistingIds)[];
  if (site.onPremises !== undefined && keys.length > 0) {
    problems.push(problem('existing.on-premises', `sites[${i}].existing`, `site "${site.name}" is on premises: there is nothing of it in the cloud to adopt`, "name the hub's existing customer gateway under the hub site instead"));
    return;
  }
  for (const key of keys) {
    const id = existing[key]!;
    const path = `sites[${i}].existing.${key}`;
    if (!EXISTING_ALLOWED[site.role]!.includes(key)) {
      problems.push(problem('existing.not-for-role', path, `a ${site.role} has no ${key} to adopt`, `a ${site.role} may adopt: ${EXISTING_ALLOWED[site.role]!.join(', ')}`));
    } else if (!id.startsWith(ID_PREFIX[key]) || !/^[a-z]+-[a-z0-9]+$/.test(id)) {
      problems.push(problem('existing.bad-id', path, `"${id}" is not a ${key} id`, `${key} ids look like ${ID_PREFIX[key]}xxxxxxxx`));
    }
  }
  if ((existing.vpnGateway || existing.customerGateway) && !existing.vpc) {
    problems.push(problem('existing.gateway-without-vpc', `sites[${i}].existing`, `site "${site.name}" adopts a gateway but not its VPC`, 'add existing.vpc: the VPC the VPN gateway belongs to'));
  }
}

function resolveHub(site: SiteInput, i: number, input: TopologyInput, problems: Problem[]): string | undefined {
  const hubs = input.sites.filter((s) => s.role === 'hub');
  if (site.role !== 'dc') {
    if (site.hub !== undefined) problems.push(problem('hub.not-for-role', `sites[${i}].hub`, `only a dc names a hub; "${site.name}" is a ${site.role}`));
    return undefined;
  }
  if (hubs.length === 0) {
    problems.push(problem('dc.no-hub', `sites[${i}]`, `dc "${site.name}" has no hub to reach`, 'add a site with role: hub (a VPC with a VPN gateway on CEN)'));
    return undefined;
  }
  if (site.hub === undefined) {
    if (hubs.length === 1) return hubs[0]!.name;
    problems.push(problem('dc.hub-ambiguous', `sites[${i}].hub`, `dc "${site.name}" must name its hub: there are ${hubs.length} (${hubs.map((h) => h.name).join(', ')})`));
    return undefined;
  }
  const target = input.sites.find((s) => s.name === site.hub);
  if (!target) {
    const guess = closest(site.hub, hubs.map((h) => h.name));
    problems.push(problem('dc.hub-unknown', `sites[${i}].hub`, `dc "${site.name}" names hub "${site.hub}", which is not a site`, `did you mean "${guess}"?`));
    return undefined;
  }
  if (target.role !== 'hub') {
    problems.push(problem('dc.hub-not-hub', `sites[${i}].hub`, `dc "${site.name}" names "${site.hub}" as its hub, but it is a ${target.role}`, `hubs: ${hubs.map((h) => h.name).join(', ')}`));
    return undefined;
  }
  return site.hub;
}

function checkRegion(site: SiteInput, i: number, problems: Problem[]): boolean {
  if (site.region === undefined) {
    if (site.onPremises === undefined) problems.push(problem('schema.missing', `sites[${i}].region`, `site "${site.name}" needs a region`));
    return false;
  }
  if (findRegion(site.region)) return true;
  problems.push(problem('region.unknown', `sites[${i}].region`, `unknown region "${site.region}" (site "${site.name}")`, `did you mean ${suggestRegion(site.region)}?`));
  return false;
}

function checkZone(site: SiteInput, i: number, regionKnown: boolean, problems: Problem[]): string {
  const region = findRegion(site.region ?? '');
  if (!regionKnown || !region) return site.zone ?? '';
  if (site.zone === undefined) return region.zones[0]!;
  if (!site.zone.startsWith(region.id)) {
    problems.push(problem('zone.wrong-region', `sites[${i}].zone`, `zone "${site.zone}" is not in region ${region.id} (site "${site.name}")`, `zones of ${region.id}: ${region.zones.join(', ')}`));
  }
  return site.zone;
}

/** IPsec connections each VPN gateway will carry, by the site that owns the gateway. */
export function connectionsPerGateway(topology: Topology): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (site: string, n: number) => counts.set(site, (counts.get(site) ?? 0) + n);
  for (const dc of topology.sites.filter((s) => s.role === 'dc')) {
    const hub = topology.sites.find((s) => s.name === dc.hub);
    if (!hub) continue;
    const n = topology.ike === 'v1' ? dc.cidrs.length * networksBehindHub(topology, hub).length : 1;
    add(hub.name, n);
    if (dc.onPremises === undefined) add(dc.name, n);
  }
  return counts;
}

export function validateTopology(input: TopologyInput, options: ValidationOptions = { ipsecConnectionQuota: DEFAULT_IPSEC_CONNECTION_QUOTA }): Result<Topology> {
  const problems: Problem[] = [];
  checkName(input.name, 'name', 'topology name', problems);

  const seen = new Map<string, number>();
  input.sites.forEach((s, i) => {
    checkName(s.name, `sites[${i}].name`, 'site name', problems);
    const first = seen.get(s.name);
    if (first !== undefined) problems.push(problem('site.duplicate', `sites[${i}].name`, `site name "${s.name}" is used twice (sites[${first}] and sites[${i}])`, 'give every site its own name'));
    else seen.set(s.name, i);
  });

  const cidrsBySite: SiteCidrs[] = input.sites.map((s, i) => ({ site: s.name, index: i, cidrs: checkCidrs(s, i, problems) }));
  checkOverlaps(cidrsBySite, problems);

  const sites: Site[] = input.sites.map((s, i) => {
    if (s.onPremises !== undefined) {
      if (s.role !== 'dc') problems.push(problem('on-premises.not-dc', `sites[${i}].onPremises`, `only a dc can be on premises; "${s.name}" is a ${s.role}`));
      else if (!isUsableGatewayIp(s.onPremises.publicIp)) problems.push(problem('on-premises.bad-ip', `sites[${i}].onPremises.publicIp`, `"${s.onPremises.publicIp}" cannot be a customer gateway address`, 'give the public IPv4 address of the DC\'s VPN device'));
    }
    const regionKnown = checkRegion(s, i, problems);
    const zone = checkZone(s, i, regionKnown, problems);
    const vswitchCidr = checkVswitch(s, i, cidrsBySite[i]!.cidrs, problems);
    checkExisting(s, i, problems);
    const hub = resolveHub(s, i, input, problems);
    const site: Site = {
      name: s.name,
      role: s.role,
      region: s.region ?? '',
      zone,
      cidrs: s.cidrs,
      existing: s.existing ?? {},
      ...(vswitchCidr !== undefined ? { vswitchCidr } : {}),
      ...(hub !== undefined ? { hub } : {}),
      ...(s.onPremises !== undefined ? { onPremises: { publicIp: s.onPremises.publicIp } } : {}),
    };
    return site;
  });

  // An on-premises dc's "region" is its hub's: that is where its customer gateway and connections live.
  const resolved = sites.map((s) => (s.onPremises && !s.region && s.hub ? { ...s, region: sites.find((h) => h.name === s.hub)?.region ?? '' } : s));

  if (input.sites.some((s) => s.role === 'spoke') && !input.sites.some((s) => s.role === 'hub')) {
    input.sites.forEach((s, i) => {
      if (s.role === 'spoke') problems.push(problem('spoke.no-hub', `sites[${i}]`, `spoke "${s.name}" joins CEN, but no hub is on CEN to lead to a dc`, 'add a site with role: hub'));
    });
  }

  const cens = new Set(input.sites.map((s) => s.existing?.cen).filter((c): c is string => c !== undefined));
  if (cens.size > 1) problems.push(problem('existing.cen-conflict', 'sites', `sites adopt different CEN instances (${[...cens].join(', ')}); a topology has one CEN`));

  const topology: Topology = { name: input.name, ike: input.ike ?? 'v1', probes: input.probes ?? true, sites: resolved };
  if (problems.length === 0) {
    for (const [site, count] of connectionsPerGateway(topology)) {
      if (count > options.ipsecConnectionQuota) {
        problems.push(
          problem(
            'ipsec.quota',
            `sites[${input.sites.findIndex((s) => s.name === site)}]`,
            `the VPN gateway of "${site}" would carry ${count} IPsec connections, over the quota of ${options.ipsecConnectionQuota} per gateway`,
            topology.ike === 'v1'
              ? 'use ike: v2 (one connection per peer), summarise CIDRs, or raise the quota with Alibaba Cloud and set VPNBOT_IPSEC_CONNECTION_QUOTA'
              : 'raise the quota with Alibaba Cloud and set VPNBOT_IPSEC_CONNECTION_QUOTA',
          ),
        );
      }
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: topology };
}
