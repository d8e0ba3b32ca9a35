/**
 * Meaning checks on a topology whose shape is already right. Collects every problem it can find in
 * one pass (users fix them all at once), each naming the site and suggesting a fix. Fills defaults:
 * zone, vSwitch CIDR, the dc's hub when there is one hub.
 */
import { closest } from 'fastest-levenshtein';
import { dedupeProblems, problem, type Problem, type Result } from '../errors';
import {
  cidr,
  cidrContains,
  cidrOverlap,
  cidrsOverlap,
  firstSubnet,
  isUsableGatewayIp,
  parseCidr,
  RESERVED_BLOCKS,
  type Cidr,
} from './cidr';
import { checkInterRegionBandwidth } from './inter-region-bandwidth';
import { dcsOfHub, networksBehindHub, type ExistingIds, type Site, type Topology } from './model';
import { findRegion, suggestRegion } from './regions';
import { defaultSecondVswitch, defaultSecondZone } from './second-zone';
import { checkVpnZones, hasVpnGateway, vpnZonesFirst } from './vpn-zones';
import type { SiteInput, TopologyInput } from './schema';

export interface ValidationOptions {
  /**
   * IPsec connections one VPN gateway may carry. Alibaba Cloud's default quota is 10 per gateway
   * (adjustable through a quota request); the planner refuses more than this.
   */
  readonly ipsecConnectionQuota: number;
  /**
   * Rules one security group may hold (inbound and outbound together). Alibaba Cloud's default is
   * 200; each cloud site's group admits ICMP from every other site's CIDRs, one rule per CIDR.
   */
  readonly securityGroupRuleQuota?: number;
  /**
   * The zones of a region, when a cloud is connected (DescribeZones); undefined falls back to the
   * list kept in the code (`regions.ts`), which is what the sandbox offers.
   */
  readonly zonesOf?: (regionId: string) => readonly string[] | undefined;
  /**
   * The zones that sell VPN gateways in a region, when a cloud is connected
   * (DescribeVpnGatewayAvailableZones); undefined: every zone (vpn-zones.ts).
   */
  readonly vpnZonesOf?: (regionId: string) => readonly string[] | undefined;
}

export const DEFAULT_IPSEC_CONNECTION_QUOTA = 10;
export const DEFAULT_SECURITY_GROUP_RULE_QUOTA = 200;
/** Alibaba Cloud: a VPC has one primary IPv4 block and at most five secondary ones (AssociateVpcCidrBlock). */
export const MAX_VPC_CIDR_BLOCKS = 6;

const NAME_RE = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$|^[a-z]$/;
const ID_PREFIX: Record<keyof ExistingIds, string> = {
  vpc: 'vpc-',
  vpnGateway: 'vpn-',
  customerGateway: 'cgw-',
  cen: 'cen-',
};
const EXISTING_ALLOWED: Record<string, readonly (keyof ExistingIds)[]> = {
  dc: ['vpc', 'vpnGateway', 'customerGateway'],
  hub: ['vpc', 'vpnGateway', 'customerGateway', 'cen'],
  spoke: ['vpc', 'cen'],
};

interface SiteCidrs {
  readonly site: string;
  readonly index: number;
  /** Parallel to the site's input list: undefined where a CIDR was refused. */
  readonly cidrs: readonly (Cidr | undefined)[];
}

function checkName(name: string, path: string, what: string, problems: Problem[]): void {
  if (!NAME_RE.test(name)) {
    const fixed = name
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^[^a-z]+/, '')
      .replace(/-+$/, '')
      .slice(0, 32);
    const shown = name.length > 40 ? `${name.slice(0, 40)}...` : name;
    problems.push(
      problem(
        'name.invalid',
        path,
        `${what} "${shown}" must be 1-32 lowercase letters, digits or hyphens, starting with a letter`,
        fixed ? `e.g. "${fixed}"` : 'e.g. "japan"',
      ),
    );
  }
}

function cidrProblem(
  r: Exclude<ReturnType<typeof parseCidr>, { ok: true }>,
  path: string,
  siteName: string,
  isVpc: boolean,
): Problem {
  const where = ` (site "${siteName}")`;
  if (r.reason === 'host-bits')
    return problem('cidr.host-bits', path, `${r.message}${where}`, `did you mean ${r.network}?`);
  if (r.reason === 'mask') {
    if (isVpc && r.prefix !== undefined)
      return problem(
        'cidr.mask',
        path,
        `a VPC CIDR needs a mask from /8 to /28, got /${r.prefix}${where}`,
        'e.g. 172.16.0.0/12 or 10.1.0.0/16',
      );
    return problem('cidr.mask', path, `${r.message}${where}`, 'a CIDR is ADDRESS/PREFIX, e.g. 10.1.0.0/16');
  }
  return problem(
    'cidr.malformed',
    path,
    `${r.message}${where}`,
    'write four numbers 0-255 without leading zeros, a slash and a mask, e.g. 10.1.0.0/16',
  );
}

/** Parses a site's CIDRs into canonical blocks; a refused CIDR is left out (its problem says why). */
function checkCidrs(site: SiteInput, i: number, problems: Problem[]): (Cidr | undefined)[] {
  const isVpc = site.onPremises === undefined;
  return site.cidrs.map((text, j) => {
    const path = `sites[${i}].cidrs[${j}]`;
    const r = parseCidr(text);
    if (!r.ok) {
      problems.push(cidrProblem(r, path, site.name, isVpc));
      return undefined;
    }
    if (isVpc && (r.cidr.prefix < 8 || r.cidr.prefix > 28)) {
      problems.push(
        problem(
          'cidr.mask',
          path,
          `a VPC CIDR needs a mask from /8 to /28, got /${r.cidr.prefix} (site "${site.name}")`,
          r.cidr.prefix < 8 ? 'split it into blocks of /8 or smaller' : 'use a block of /28 or larger',
        ),
      );
      return undefined;
    }
    const reserved = RESERVED_BLOCKS.find((b) => cidrOverlap(b, r.cidr));
    if (reserved) {
      problems.push(
        problem(
          'cidr.reserved',
          path,
          `${r.cidr.text} overlaps the reserved block ${reserved.text} (site "${site.name}")`,
          'use a private range: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16',
        ),
      );
      return undefined;
    }
    return r.cidr;
  });
}

/**
 * Overlapping CIDRs, anywhere in the topology. Aligned blocks overlap only by containment, so after
 * sorting by address (larger block first) every block's innermost container is on a stack: one
 * pass, O(n log n), one problem per contained block rather than one per pair.
 */
function checkOverlaps(all: readonly SiteCidrs[], problems: Problem[]): void {
  const flat = all.flatMap((s) => s.cidrs.flatMap((c, j) => (c ? [{ site: s.site, index: s.index, j, c }] : [])));
  flat.sort((a, b) => a.c.base - b.c.base || a.c.prefix - b.c.prefix || a.index - b.index || a.j - b.j);
  const stack: typeof flat = [];
  for (const item of flat) {
    while (stack.length > 0 && !cidrContains(stack[stack.length - 1]!.c, item.c)) stack.pop();
    const outer = stack[stack.length - 1];
    if (outer) {
      // Named in the order the user wrote them; reported at the later one.
      const [x, y] =
        outer.index < item.index || (outer.index === item.index && outer.j < item.j) ? [outer, item] : [item, outer];
      const where = x.site === y.site ? `within site "${x.site}"` : `between sites "${x.site}" and "${y.site}"`;
      const same = x.c.base === y.c.base && x.c.prefix === y.c.prefix;
      problems.push(
        problem(
          'cidr.overlap',
          `sites[${y.index}].cidrs`,
          same
            ? `${x.c.text} is listed more than once ${where}`
            : `${x.c.text} and ${y.c.text} overlap ${where}: both contain ${item.c.text}`,
          same
            ? 'list each network once'
            : 'every network must be distinct for routes and IPsec selectors to be unambiguous',
        ),
      );
    }
    stack.push(item);
  }
}

function checkVswitch(site: SiteInput, i: number, cidrs: readonly Cidr[], problems: Problem[]): string | undefined {
  if (site.onPremises !== undefined) {
    if (site.vswitchCidr !== undefined)
      problems.push(
        problem(
          'vswitch.on-premises',
          `sites[${i}].vswitchCidr`,
          `site "${site.name}" is on premises: vpnbot creates no vSwitch there`,
          'remove vswitchCidr from this site',
        ),
      );
    return undefined;
  }
  if (cidrs.length === 0) return undefined;
  if (site.vswitchCidr === undefined) return firstSubnet(cidrs[0]!).text;
  const path = `sites[${i}].vswitchCidr`;
  const r = parseCidr(site.vswitchCidr);
  if (!r.ok) {
    problems.push(cidrProblem(r, path, site.name, false));
    return undefined;
  }
  if (r.cidr.prefix < 16 || r.cidr.prefix > 29) {
    problems.push(
      problem(
        'vswitch.mask',
        path,
        `a vSwitch needs a mask from /16 to /29, got /${r.cidr.prefix}`,
        `e.g. ${firstSubnet(cidrs[0]!).text}`,
      ),
    );
    return undefined;
  }
  if (!cidrs.some((c) => cidrContains(c, r.cidr))) {
    problems.push(
      problem(
        'vswitch.outside',
        path,
        `vSwitch ${r.cidr.text} is outside site "${site.name}"'s CIDRs (${cidrs.map((c) => c.text).join(', ')})`,
        `e.g. ${firstSubnet(cidrs[0]!).text}`,
      ),
    );
    return undefined;
  }
  return r.cidr.text;
}

/** Slack user ids (U..., W...) and user group ids (S...): who may receive an on-premises device's keys. */
const SLACK_OWNER_ID = /^[UWS][A-Z0-9]{2,20}$/;

function checkOwners(owners: readonly string[], i: number, problems: Problem[]): string[] {
  owners.forEach((o, j) => {
    if (!SLACK_OWNER_ID.test(o))
      problems.push(
        problem(
          'on-premises.bad-owner',
          `sites[${i}].onPremises.owners[${j}]`,
          `"${o.slice(0, 40)}" is not a Slack user id (U..., W...) or user group id (S...)`,
          'copy the id from the person\'s or group\'s profile ("Copy member ID"), e.g. owners: [U012AB3CD]',
        ),
      );
  });
  return [...new Set(owners)];
}

function checkExisting(site: SiteInput, i: number, problems: Problem[]): void {
  const existing = site.existing ?? {};
  const keys = Object.keys(existing) as (keyof ExistingIds)[];
  if (site.onPremises !== undefined && keys.length > 0) {
    problems.push(
      problem(
        'existing.on-premises',
        `sites[${i}].existing`,
        `site "${site.name}" is on premises: there is nothing of it in the cloud to adopt`,
        "name the hub's existing customer gateway under the hub site instead",
      ),
    );
    return;
  }
  for (const key of keys) {
    const id = existing[key]!;
    const path = `sites[${i}].existing.${key}`;
    if (!EXISTING_ALLOWED[site.role]!.includes(key)) {
      problems.push(
        problem(
          'existing.not-for-role',
          path,
          `a ${site.role} has no ${key} to adopt`,
          `a ${site.role} may adopt: ${EXISTING_ALLOWED[site.role]!.join(', ')}`,
        ),
      );
    } else if (!id.startsWith(ID_PREFIX[key]) || !/^[a-z]+-[a-z0-9]+$/.test(id)) {
      problems.push(
        problem(
          'existing.bad-id',
          path,
          `"${id.slice(0, 40)}" is not a ${key} id`,
          `${key} ids look like ${ID_PREFIX[key]}xxxxxxxx`,
        ),
      );
    }
  }
  if ((existing.vpnGateway || existing.customerGateway) && !existing.vpc) {
    problems.push(
      problem(
        'existing.gateway-without-vpc',
        `sites[${i}].existing`,
        `site "${site.name}" adopts a gateway but not its VPC`,
        'add existing.vpc: the VPC the VPN gateway belongs to',
      ),
    );
  }
}

/** The sites by name (first of each name) and the hubs, computed once: lookups stay linear in the sites. */
interface SiteIndex {
  readonly byName: ReadonlyMap<string, SiteInput>;
  readonly hubs: readonly SiteInput[];
}

function resolveHub(site: SiteInput, i: number, index: SiteIndex, problems: Problem[]): string | undefined {
  const { hubs } = index;
  const hubNames = () =>
    hubs
      .slice(0, 10)
      .map((h) => h.name)
      .join(', ') + (hubs.length > 10 ? ', ...' : '');
  if (site.role !== 'dc') {
    if (site.hub !== undefined)
      problems.push(
        problem(
          'hub.not-for-role',
          `sites[${i}].hub`,
          `only a dc names a hub; "${site.name}" is a ${site.role}`,
          'remove hub from this site',
        ),
      );
    return undefined;
  }
  if (hubs.length === 0) {
    problems.push(
      problem(
        'dc.no-hub',
        `sites[${i}]`,
        `dc "${site.name}" has no hub to reach`,
        'add a site with role: hub (a VPC with a VPN gateway on CEN)',
      ),
    );
    return undefined;
  }
  if (site.hub === undefined) {
    if (hubs.length === 1) return hubs[0]!.name;
    problems.push(
      problem(
        'dc.hub-ambiguous',
        `sites[${i}].hub`,
        `dc "${site.name}" must name its hub: there are ${hubs.length} (${hubNames()})`,
        `add hub: ${hubs[0]!.name} (or another hub) to this site`,
      ),
    );
    return undefined;
  }
  const target = index.byName.get(site.hub);
  if (!target) {
    const guess = closest(
      site.hub,
      hubs.map((h) => h.name),
    );
    problems.push(
      problem(
        'dc.hub-unknown',
        `sites[${i}].hub`,
        `dc "${site.name}" names hub "${site.hub.slice(0, 40)}", which is not a site`,
        `did you mean "${guess}"?`,
      ),
    );
    return undefined;
  }
  if (target.role !== 'hub') {
    problems.push(
      problem(
        'dc.hub-not-hub',
        `sites[${i}].hub`,
        `dc "${site.name}" names "${site.hub}" as its hub, but it is a ${target.role}`,
        `hubs: ${hubNames()}`,
      ),
    );
    return undefined;
  }
  return site.hub;
}

function checkRegion(site: SiteInput, i: number, problems: Problem[]): boolean {
  if (site.region === undefined) {
    if (site.onPremises === undefined)
      problems.push(
        problem(
          'schema.missing',
          `sites[${i}].region`,
          `site "${site.name}" needs a region`,
          'add region: ap-northeast-1 (or another region id), or onPremises: { publicIp: ... } for a real data centre',
        ),
      );
    return false;
  }
  if (findRegion(site.region)) return true;
  problems.push(
    problem(
      'region.unknown',
      `sites[${i}].region`,
      `unknown region "${site.region.slice(0, 40)}" (site "${site.name}")`,
      `did you mean ${suggestRegion(site.region)}?`,
    ),
  );
  return false;
}

function checkZone(
  site: SiteInput,
  i: number,
  regionKnown: boolean,
  options: ValidationOptions,
  problems: Problem[],
): string {
  const region = findRegion(site.region ?? '');
  if (!regionKnown || !region) return site.zone ?? '';
  const zones = options.zonesOf?.(region.id) ?? region.zones;
  if (site.zone === undefined)
    return (hasVpnGateway(site) ? vpnZonesFirst(zones, options.vpnZonesOf?.(region.id)) : zones)[0] ?? region.zones[0]!;
  if (!zones.includes(site.zone)) {
    const inRegion = site.zone.startsWith(region.id);
    problems.push(
      problem(
        inRegion ? 'zone.unknown' : 'zone.wrong-region',
        `sites[${i}].zone`,
        inRegion
          ? `region ${region.id} has no zone "${site.zone.slice(0, 40)}" (site "${site.name}")`
          : `zone "${site.zone.slice(0, 40)}" is not in region ${region.id} (site "${site.name}")`,
        `zones of ${region.id}: ${zones.join(', ')}${inRegion ? `; did you mean ${closest(site.zone, [...zones])}?` : ''}`,
      ),
    );
  }
  return site.zone;
}

/**
 * The site's second zone: as named (in the region, not its first zone), or the region's next zone;
 * none in a single-zone region, where today's cloud takes one zone for everything.
 */
function checkSecondZone(
  site: SiteInput,
  i: number,
  zone: string,
  regionKnown: boolean,
  options: ValidationOptions,
  problems: Problem[],
): string | undefined {
  const path = `sites[${i}].secondZone`;
  if (site.onPremises !== undefined) {
    if (site.secondZone !== undefined)
      problems.push(
        problem(
          'zone.on-premises',
          path,
          `site "${site.name}" is on premises: it has no zones in the cloud`,
          'remove secondZone from this site',
        ),
      );
    return undefined;
  }
  const region = findRegion(site.region ?? '');
  if (!regionKnown || !region) return site.secondZone;
  const zones = options.zonesOf?.(region.id) ?? region.zones;
  if (site.secondZone === undefined)
    return defaultSecondZone(hasVpnGateway(site) ? vpnZonesFirst(zones, options.vpnZonesOf?.(region.id)) : zones, zone);
  if (zones.length < 2) {
    problems.push(
      problem(
        'zone.single',
        path,
        `region ${region.id} has one zone (${zones.join(', ')}): there is no second zone to use`,
        'remove secondZone: vpnbot uses the one zone for everything there',
      ),
    );
    return undefined;
  }
  if (site.secondZone === zone) {
    problems.push(
      problem(
        'zone.same',
        path,
        `the second zone of site "${site.name}" is its first zone (${zone})`,
        `pick another zone of ${region.id}: ${zones.filter((z) => z !== zone).join(', ')}`,
      ),
    );
    return undefined;
  }
  if (!zones.includes(site.secondZone)) {
    problems.push(
      problem(
        'zone.unknown',
        path,
        `region ${region.id} has no zone "${site.secondZone.slice(0, 40)}" (site "${site.name}")`,
        `zones of ${region.id}: ${zones.join(', ')}; did you mean ${closest(
          site.secondZone,
          zones.filter((z) => z !== zone),
        )}?`,
      ),
    );
    return undefined;
  }
  return site.secondZone;
}

/** The second vSwitch: as named (inside the site, apart from the first), or the next block after the first. */
function checkSecondVswitch(
  site: SiteInput,
  i: number,
  cidrs: readonly Cidr[],
  first: string | undefined,
  secondZone: string | undefined,
  problems: Problem[],
): string | undefined {
  const path = `sites[${i}].secondVswitchCidr`;
  if (secondZone === undefined || first === undefined) {
    if (site.secondVswitchCidr !== undefined && site.onPremises === undefined && first !== undefined)
      problems.push(
        problem(
          'vswitch.no-second-zone',
          path,
          `site "${site.name}" has no second zone, so no second vSwitch`,
          'remove secondVswitchCidr',
        ),
      );
    return undefined;
  }
  const firstBlock = cidr(first);
  if (site.secondVswitchCidr === undefined) {
    const fits = defaultSecondVswitch(cidrs, firstBlock);
    if (!fits)
      problems.push(
        problem(
          'vswitch.no-room',
          path,
          `site "${site.name}" needs a second vSwitch in ${secondZone}, and no block the size of ${first} is left in its CIDRs`,
          "set vswitchCidr and secondVswitchCidr to two halves of the site's CIDR (e.g. /25 and /25), or give the site a larger CIDR",
        ),
      );
    return fits?.text;
  }
  const r = parseCidr(site.secondVswitchCidr);
  if (!r.ok) {
    problems.push(cidrProblem(r, path, site.name, false));
    return undefined;
  }
  const suggestion = defaultSecondVswitch(cidrs, firstBlock)?.text;
  const hint = suggestion ? `e.g. ${suggestion}` : "two halves of the site's CIDR, e.g. /25 and /25";
  if (r.cidr.prefix < 16 || r.cidr.prefix > 29) {
    problems.push(problem('vswitch.mask', path, `a vSwitch needs a mask from /16 to /29, got /${r.cidr.prefix}`, hint));
    return undefined;
  }
  if (!cidrs.some((c) => cidrContains(c, r.cidr))) {
    problems.push(
      problem(
        'vswitch.outside',
        path,
        `vSwitch ${r.cidr.text} is outside site "${site.name}"'s CIDRs (${cidrs.map((c) => c.text).join(', ')})`,
        hint,
      ),
    );
    return undefined;
  }
  if (cidrsOverlap(r.cidr, firstBlock)) {
    problems.push(
      problem('vswitch.overlap', path, `the second vSwitch ${r.cidr.text} overlaps the first (${first})`, hint),
    );
    return undefined;
  }
  return r.cidr.text;
}

/** A VPC holds at most MAX_VPC_CIDR_BLOCKS blocks. */
function checkVpcBlockCount(site: SiteInput, i: number, problems: Problem[]): void {
  if (site.onPremises !== undefined || site.cidrs.length <= MAX_VPC_CIDR_BLOCKS) return;
  problems.push(
    problem(
      'cidr.too-many',
      `sites[${i}].cidrs`,
      `site "${site.name}" lists ${site.cidrs.length} CIDRs; a VPC holds one primary and at most ${MAX_VPC_CIDR_BLOCKS - 1} secondary blocks`,
      'summarise them into fewer, larger blocks',
    ),
  );
}

/**
 * Every cloud site's security group admits ICMP from each CIDR of every other site: one rule per
 * CIDR, so rules grow with the square of the sites. One problem for all groups over the quota,
 * naming the fullest, so a 400-spoke topology gets one line, not 400.
 */
function checkSecurityGroupQuota(input: TopologyInput, quota: number, problems: Problem[]): void {
  // Distinct CIDRs only: a CIDR listed twice is its own problem (cidr.overlap), not extra rules.
  const distinct = input.sites.map((s) => new Set(s.cidrs).size);
  const total = distinct.reduce((n, k) => n + k, 0);
  const over = input.sites
    .map((s, i) => ({ s, i, rules: total - distinct[i]! }))
    .filter(({ s, rules }) => s.onPremises === undefined && rules > quota);
  if (over.length === 0) return;
  const worst = over.reduce((a, b) => (b.rules > a.rules ? b : a));
  problems.push(
    problem(
      'security-group.quota',
      `sites[${worst.i}]`,
      `the security group of "${worst.s.name}" would carry ${worst.rules} rules (ICMP from each CIDR of every other site), over the quota of ${quota} per security group` +
        (over.length > 1 ? `; ${over.length} sites are over it` : ''),
      'summarise CIDRs into fewer, larger blocks, split the topology, or raise the quota with Alibaba Cloud and set VPNBOT_SECURITY_GROUP_RULE_QUOTA',
    ),
  );
}

/** IPsec connections each VPN gateway will carry, by the site that owns the gateway. */
export function connectionsPerGateway(topology: Topology): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (site: string, n: number) => counts.set(site, (counts.get(site) ?? 0) + n);
  const hubs = new Map(
    topology.sites.filter((s) => s.role === 'hub').map((h) => [h.name, networksBehindHub(topology, h).length]),
  );
  for (const dc of topology.sites.filter((s) => s.role === 'dc')) {
    const networks = dc.hub === undefined ? undefined : hubs.get(dc.hub);
    if (networks === undefined) continue;
    const n = topology.ike === 'v1' ? dc.cidrs.length * networks : 1;
    const hub = { name: dc.hub! };
    add(hub.name, n);
    if (dc.onPremises === undefined) add(dc.name, n);
  }
  return counts;
}

export function validateTopology(
  input: TopologyInput,
  options: ValidationOptions = { ipsecConnectionQuota: DEFAULT_IPSEC_CONNECTION_QUOTA },
): Result<Topology> {
  const problems: Problem[] = [];
  checkName(input.name, 'name', 'topology name', problems);

  const byName = new Map<string, SiteInput>();
  const firstIndex = new Map<string, number>();
  input.sites.forEach((s, i) => {
    checkName(s.name, `sites[${i}].name`, 'site name', problems);
    const first = firstIndex.get(s.name);
    if (first !== undefined)
      problems.push(
        problem(
          'site.duplicate',
          `sites[${i}].name`,
          `site name "${s.name}" is used twice (sites[${first}] and sites[${i}])`,
          'give every site its own name',
        ),
      );
    else {
      firstIndex.set(s.name, i);
      byName.set(s.name, s);
    }
  });
  const index: SiteIndex = { byName, hubs: input.sites.filter((s) => s.role === 'hub') };

  const cidrsBySite: SiteCidrs[] = input.sites.map((s, i) => ({
    site: s.name,
    index: i,
    cidrs: checkCidrs(s, i, problems),
  }));
  checkOverlaps(cidrsBySite, problems);

  const sites: Site[] = input.sites.map((s, i) => {
    if (s.onPremises !== undefined) {
      if (s.role !== 'dc')
        problems.push(
          problem(
            'on-premises.not-dc',
            `sites[${i}].onPremises`,
            `only a dc can be on premises; "${s.name}" is a ${s.role}`,
            'make this site a dc, or remove onPremises',
          ),
        );
      else if (!isUsableGatewayIp(s.onPremises.publicIp))
        problems.push(
          problem(
            'on-premises.bad-ip',
            `sites[${i}].onPremises.publicIp`,
            `"${s.onPremises.publicIp.slice(0, 40)}" cannot be a customer gateway address`,
            "give the public IPv4 address of the DC's VPN device",
          ),
        );
    }
    checkVpcBlockCount(s, i, problems);
    const regionKnown = checkRegion(s, i, problems);
    const zone = checkZone(s, i, regionKnown, options, problems);
    const blocks = cidrsBySite[i]!.cidrs.filter((c): c is Cidr => c !== undefined);
    const vswitchCidr = checkVswitch(s, i, blocks, problems);
    const secondZone = checkSecondZone(s, i, zone, regionKnown, options, problems);
    const secondVswitchCidr = checkSecondVswitch(s, i, blocks, vswitchCidr, secondZone, problems);
    if (regionKnown) checkVpnZones(s, i, { zone, secondZone }, options.vpnZonesOf?.(s.region ?? ''), problems);
    checkExisting(s, i, problems);
    const hub = resolveHub(s, i, index, problems);
    const site: Site = {
      name: s.name,
      role: s.role,
      region: s.region ?? '',
      zone,
      // Canonical text (`10.0.0.0/08` -> `10.0.0.0/8`): what is planned and sent to the cloud.
      cidrs: blocks.map((c) => c.text),
      existing: s.existing ?? {},
      ...(vswitchCidr !== undefined ? { vswitchCidr } : {}),
      ...(secondZone !== undefined && secondVswitchCidr !== undefined ? { secondZone, secondVswitchCidr } : {}),
      ...(hub !== undefined ? { hub } : {}),
      ...(s.onPremises !== undefined
        ? {
            onPremises: {
              publicIp: s.onPremises.publicIp,
              ...(s.onPremises.owners?.length ? { owners: checkOwners(s.onPremises.owners, i, problems) } : {}),
            },
          }
        : {}),
    };
    return site;
  });

  // One device, one site: two sites at one address would share its keys (IKEv1 picks them by address).
  const atAddress = new Map<string, number>();
  input.sites.forEach((s, i) => {
    const ip = s.onPremises?.publicIp;
    if (ip === undefined) return;
    const first = atAddress.get(ip);
    if (first === undefined) atAddress.set(ip, i);
    else
      problems.push(
        problem(
          'on-premises.same-ip',
          `sites[${i}].onPremises.publicIp`,
          `"${s.name}" and "${input.sites[first]!.name}" are both on premises at ${ip.slice(0, 40)}: one device, one site`,
          `give all of that data centre's CIDRs to "${input.sites[first]!.name}" and remove "${s.name}"`,
        ),
      );
  });

  // An on-premises dc's "region" is its hub's: that is where its customer gateway and connections live.
  const regionOf = new Map(sites.map((s) => [s.name, s.region]));
  const resolved = sites.map((s) =>
    s.onPremises && !s.region && s.hub ? { ...s, region: regionOf.get(s.hub) ?? '' } : s,
  );

  if (index.hubs.length === 0) {
    input.sites.forEach((s, i) => {
      if (s.role === 'spoke')
        problems.push(
          problem(
            'spoke.no-hub',
            `sites[${i}]`,
            `spoke "${s.name}" joins CEN, but no hub is on CEN to lead to a dc`,
            'add a site with role: hub',
          ),
        );
    });
  }

  const cens = new Set(input.sites.map((s) => s.existing?.cen).filter((c): c is string => c !== undefined));
  if (cens.size > 1)
    problems.push(
      problem(
        'existing.cen-conflict',
        'sites',
        `sites adopt different CEN instances (${[...cens].slice(0, 5).join(', ')}); a topology has one CEN`,
        'name the same cen under every site that adopts one',
      ),
    );

  checkSecurityGroupQuota(input, options.securityGroupRuleQuota ?? DEFAULT_SECURITY_GROUP_RULE_QUOTA, problems);

  const bandwidth = checkInterRegionBandwidth(input.interRegionBandwidth, problems);
  const topology: Topology = {
    name: input.name,
    ike: input.ike ?? 'v1',
    probes: input.probes ?? true,
    sites: resolved,
    ...(bandwidth && bandwidth.type !== 'test' ? { interRegionBandwidth: bandwidth } : {}),
  };
  if (problems.length === 0) {
    for (const [site, count] of connectionsPerGateway(topology)) {
      if (count > options.ipsecConnectionQuota) {
        problems.push(
          problem(
            'ipsec.quota',
            `sites[${firstIndex.get(site) ?? 0}]`,
            `the VPN gateway of "${site}" would carry ${count} IPsec connections, over the quota of ${options.ipsecConnectionQuota} per gateway`,
            topology.ike === 'v1'
              ? 'use ike: v2 (one connection per peer), summarise CIDRs, or raise the quota with Alibaba Cloud and set VPNBOT_IPSEC_CONNECTION_QUOTA'
              : 'raise the quota with Alibaba Cloud and set VPNBOT_IPSEC_CONNECTION_QUOTA',
          ),
        );
      }
    }
  }
  if (problems.length === 0 && topology.ike === 'v2') {
    // An IKEv2 connection carries every CIDR of each side, but Alibaba Cloud takes at most 5 per side.
    for (const hub of topology.sites.filter((s) => s.role === 'hub')) {
      const networks = networksBehindHub(topology, hub);
      for (const dc of dcsOfHub(topology, hub.name)) {
        const [side, n] =
          networks.length > IKEV2_SELECTOR_LIMIT
            ? [`behind hub "${hub.name}"`, networks.length]
            : [`of DC "${dc.name}"`, dc.cidrs.length];
        if (n <= IKEV2_SELECTOR_LIMIT) continue;
        problems.push(
          problem(
            'ipsec.selector-limit',
            `sites[${firstIndex.get(dc.name) ?? 0}]`,
            `the IKEv2 connection between "${dc.name}" and "${hub.name}" would carry ${n} CIDRs ${side}; Alibaba Cloud takes at most ${IKEV2_SELECTOR_LIMIT} per side`,
            'summarise the CIDRs into fewer blocks, or use ike: v1 (one connection per CIDR pair) with a raised VPNBOT_IPSEC_CONNECTION_QUOTA',
          ),
        );
      }
    }
  }
  return problems.length > 0 ? { ok: false, problems: dedupeProblems(problems) } : { ok: true, value: topology };
}

/** CIDR blocks an IPsec connection takes in LocalSubnet or RemoteSubnet (IKEv2 carries several). */
export const IKEV2_SELECTOR_LIMIT = 5;
