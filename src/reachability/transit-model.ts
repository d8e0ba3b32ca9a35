/**
 * Today's CEN in the network model: what a plan says of transit routers, and how an echo crosses
 * them. A member's VPC route sends it to its connection; the router forwards by the route table that
 * connection is associated with (none: dropped); the table holds what the members' connections
 * propagate (their vSwitch CIDRs, and the routes they advertise), in its region and, over an
 * inter-region connection, in the other. Causes are named as a user would look for them: "not
 * associated with a route table", "not propagated", "route not advertised", "no inter-region
 * connection". Independent of the emulator's data plane, which models the same rules.
 */
import { cidr, cidrContains } from '../topology/cidr';
import type { Step } from '../planner/plan';
import type { NetModel, NetRoute, NetSite } from './network-model';
import type { Reliance } from './predict';

export interface NetTransit {
  /** The step connecting the VPC to its region's transit router; absent until it exists. */
  readonly attachmentStep?: string;
  readonly associationStep?: string;
  readonly propagationStep?: string;
  /** The VPC's routes to its connection. */
  readonly routes: readonly NetRoute[];
  /** What the VPC advertises to its router (a hub's DC CIDRs). */
  readonly advertised: readonly NetRoute[];
}

/** An inter-region connection: a transit-router peer attachment, or a Basic CEN's link between two regions. */
export interface InterRegionLink {
  readonly id: string;
  readonly regions: readonly [string, string];
  /** Only the 1 Kbit/s test bandwidth: probes across it are paced. */
  readonly testBandwidth: boolean;
}

type Present<K extends Step['kind']> = Extract<Step, { kind: K; action: 'create' | 'adopt' | 'keep' }>;
const of = <K extends Step['kind']>(steps: readonly Step[], kind: K) =>
  steps.filter((s): s is Present<K> => s.kind === kind && s.action !== 'delete');

/** A site's transit-router pieces in the plan, or undefined when it has none. */
export function transitOf(steps: readonly Step[]): NetTransit | undefined {
  const attachment = of(steps, 'tr-vpc-attachment')[0];
  const routes = of(steps, 'tr-vpc-route').map((s) => ({ destination: s.params.destinationCidr, stepId: s.id }));
  const advertised = of(steps, 'tr-advertisement').map((s) => ({
    destination: s.params.destinationCidr,
    stepId: s.id,
  }));
  const association = of(steps, 'tr-association')[0];
  const propagation = of(steps, 'tr-propagation')[0];
  if (!attachment && routes.length === 0 && advertised.length === 0) return undefined;
  return {
    ...(attachment ? { attachmentStep: attachment.id } : {}),
    ...(association ? { associationStep: association.id } : {}),
    ...(propagation ? { propagationStep: propagation.id } : {}),
    routes,
    advertised,
  };
}

/** The plan's inter-region connections between transit routers. */
export function peerLinks(steps: readonly Step[]): InterRegionLink[] {
  return of(steps, 'tr-peer-attachment').map((s) => ({
    id: s.id,
    regions: [s.region, s.params.peerRegionId],
    testBandwidth: s.params.bandwidth.type === 'test',
  }));
}

/** A Basic CEN between two regions: the test bandwidth (its bandwidth plans are not vpnbot's to know). */
export function basicCenLink(a: string, b: string): InterRegionLink {
  const [x, y] = [a, b].sort() as [string, string];
  return { id: `cen:${x}|${y}`, regions: [x, y], testBandwidth: true };
}

const covers = (outer: string, inner: string) => cidrContains(cidr(outer), cidr(inner));

export type TransitHop =
  | { readonly ok: true; readonly via: NetSite; readonly path: string[]; readonly links: InterRegionLink[] }
  | { readonly ok: false; readonly reason: string };

/** Where the transit routers deliver `dst`, from `site` whose VPC route sent it to its connection. */
export function throughTransit(m: NetModel, site: NetSite, dst: string, relies: Reliance[]): TransitHop {
  const t = site.transit;
  if (!t?.attachmentStep) return { ok: false, reason: `${site.name} is not connected to a transit router` };
  relies.push(attachmentReliance(site, t.attachmentStep));
  if (!t.associationStep)
    return { ok: false, reason: `the connection of ${site.name} is not associated with a route table` };
  relies.push({
    stepId: t.associationStep,
    site: site.name,
    kind: 'tr-association',
    what: `the connection of ${site.name} associated with a route table`,
    broken: `the connection of ${site.name} is not associated with a route table now`,
  });
  const linkTo = (region: string) =>
    m.interRegion.find((l) => l.regions.includes(site.region) && l.regions.includes(region) && region !== site.region);
  // What the router of `site`'s region has learned: its region's propagating members, and the other side of each connection.
  const learned = m.sites.flatMap((target) => {
    const tt = target.transit;
    if (!tt?.attachmentStep || !tt.propagationStep) return [];
    const link = target.region === site.region ? undefined : linkTo(target.region);
    if (target.region !== site.region && !link) return [];
    return [
      ...target.local.map((destination) => ({ destination, target, link, advertised: undefined })),
      ...tt.advertised.map((a) => ({ destination: a.destination, target, link, advertised: a })),
    ];
  });
  const best = learned
    .filter((e) => covers(e.destination, dst))
    .sort((a, b) => cidr(b.destination).prefix - cidr(a.destination).prefix)[0];
  if (!best) return { ok: false, reason: whyNotLearned(m, site, dst, linkTo) };
  const { target, link, advertised } = best;
  relies.push(attachmentReliance(target, target.transit!.attachmentStep!), {
    stepId: target.transit!.propagationStep!,
    site: target.name,
    kind: 'tr-propagation',
    what: `the routes of ${target.name} propagated to its transit router`,
    broken: `the routes of ${target.name} are not propagated to its transit router now`,
  });
  if (advertised) {
    const what = `${advertised.destination} advertised to the transit router by ${target.name}`;
    relies.push({
      stepId: advertised.stepId,
      site: target.name,
      kind: 'tr-advertisement',
      what,
      broken: `expected via ${what}: it is not advertised now`,
    });
  }
  if (link)
    relies.push({
      stepId: link.id,
      site: site.name,
      kind: 'tr-peer',
      what: `the inter-region connection ${link.regions.join(' <-> ')}`,
      broken: `no inter-region connection between ${link.regions.join(' and ')} now`,
    });
  return {
    ok: true,
    via: target,
    path: link ? [`TR ${site.region}`, `TR ${target.region}`, target.name] : [`TR ${site.region}`, target.name],
    links: link ? [link] : [],
  };
}

const attachmentReliance = (site: NetSite, stepId: string): Reliance => ({
  stepId,
  site: site.name,
  kind: 'tr-attachment',
  what: `${site.name} connected to its transit router`,
  broken: `${site.name}'s VPC is not connected to its transit router now`,
});

/** Why no router learned `dst`: the piece missing at the site that holds it. */
function whyNotLearned(
  m: NetModel,
  site: NetSite,
  dst: string,
  linkTo: (region: string) => InterRegionLink | undefined,
): string {
  const inVpc = m.sites.find((s) => s.transit && s.local.some((l) => covers(l, dst)));
  const behind = m.sites.find((s) => s.transit && s.routes.some((r) => covers(r.destination, dst)));
  const owner = inVpc ?? behind;
  if (!owner) return `no transit router has a route to ${dst}`;
  if (!owner.transit?.attachmentStep) return `${owner.name} is not connected to a transit router`;
  if (owner.region !== site.region && !linkTo(owner.region))
    return `no inter-region connection between ${site.region} and ${owner.region}`;
  if (!owner.transit.propagationStep) return `the routes of ${owner.name} are not propagated to its transit router`;
  const needed = owner.routes.find((r) => covers(r.destination, dst))?.destination;
  if (!inVpc && needed) return `route ${needed} not advertised to the transit router by ${owner.name}`;
  return `no transit router has a route to ${dst}`;
}
