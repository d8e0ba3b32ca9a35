/**
 * Predicted reachability: for every ordered pair of probe sites, whether an ICMP echo and its reply
 * get through, the path they take, and the TTL the reply arrives with, from the network model
 * alone. The rules are Alibaba Cloud's: longest prefix match over the VPC's system routes (its
 * vSwitches), custom routes and routes learned from CEN (attached VPCs' blocks and published
 * entries; the VPC's own route wins a tie, and a learned route equal to an own one is not learned);
 * a route to the VPN gateway forwards through the connection whose selectors match source and
 * destination, and only if the peer holds the mirror; security groups are stateful (the reply is not
 * checked); each VPN gateway crossed takes one off the TTL (64 from Linux). On today's CEN a VPC's
 * route to its transit router leads through the routers (transit-model.ts). Each pair also says
 * which inter-region connections it crosses, and whether they carry only the test bandwidth.
 */
import { cidr, cidrContains } from '../topology/cidr';
import type { NetConnection, NetModel, NetSite } from './network-model';
import { basicCenLink, throughTransit, type InterRegionLink } from './transit-model';

export const INITIAL_TTL = 64;
const MAX_HOPS = 16;

/** Something a prediction relies on, for explaining a mismatch: the step that makes it so, in words. */
export interface Reliance {
  readonly stepId: string;
  readonly site: string;
  readonly kind:
    | 'route'
    | 'ipsec'
    | 'cen-attachment'
    | 'cen-publish'
    | 'sg-rule'
    | 'tr-attachment'
    | 'tr-association'
    | 'tr-propagation'
    | 'tr-advertisement'
    | 'tr-peer'
    | 'tr-route';
  /** e.g. "192.168.0.0/16 advertised to the transit router by japan". */
  readonly what: string;
  /** The words for it not holding, e.g. "expected via 192.168.0.0/16 advertised to the transit router by japan: it is not advertised now". */
  readonly broken: string;
}

export interface PairPrediction {
  readonly from: string;
  readonly to: string;
  readonly reachable: boolean;
  /** e.g. ['hongkong', 'ipsec hongkong-to-us tunnel master (slave standby)', 'japan', 'CEN', 'us']: the echo's way there. */
  readonly path: readonly string[];
  /** TTL of the reply as ping prints it. */
  readonly ttl?: number;
  /** Why not, when unreachable. */
  readonly reason?: string;
  /** What the echo and its reply rely on, there and back. */
  readonly reliesOn: readonly Reliance[];
  /** The inter-region connections the echo or its reply crosses (where they go through). */
  readonly links: readonly InterRegionLink[];
}

type Leg =
  | { ok: true; path: string[]; gateways: number; relies: Reliance[]; links: InterRegionLink[] }
  | { ok: false; path: string[]; reason: string; relies: Reliance[] };

const covers = (outer: string, inner: string) => cidrContains(cidr(outer), cidr(inner));
const prefix = (c: string) => cidr(c).prefix;

interface Candidate {
  readonly destination: string;
  readonly own: boolean;
  readonly go: 'local' | 'gateway' | 'cen' | 'transit';
  readonly via?: NetSite;
  readonly stepId?: string;
  readonly published?: boolean;
}

function candidates(m: NetModel, site: NetSite, dst: string): Candidate[] {
  const own: Candidate[] = [
    ...site.local.map((d) => ({ destination: d, own: true, go: 'local' as const })),
    ...site.routes.map((r) => ({ destination: r.destination, own: true, go: 'gateway' as const, stepId: r.stepId })),
    ...(site.transit?.routes ?? []).map((r) => ({
      destination: r.destination,
      own: true,
      go: 'transit' as const,
      stepId: r.stepId,
    })),
  ];
  const learned: Candidate[] = [];
  if (site.cenStep) {
    const ownDestinations = new Set(own.map((c) => c.destination));
    for (const peer of m.sites) {
      if (peer.name === site.name || !peer.cenStep) continue;
      for (const n of peer.networks) learned.push({ destination: n, own: false, go: 'cen', via: peer });
      for (const p of peer.published)
        learned.push({
          destination: p.destination,
          own: false,
          go: 'cen',
          via: peer,
          stepId: p.stepId,
          published: true,
        });
    }
    return [...own, ...learned.filter((c) => !ownDestinations.has(c.destination))].filter((c) =>
      covers(c.destination, dst),
    );
  }
  return own.filter((c) => covers(c.destination, dst));
}

/** One direction, from `src` (an address range at `start`) towards `dst`. */
function forward(m: NetModel, start: NetSite, src: string, dst: string, target: NetSite, checkRules: boolean): Leg {
  const relies: Reliance[] = [];
  const links: InterRegionLink[] = [];
  const path = [start.name];
  let site: NetSite | undefined = start;
  let gateways = 0;
  for (let hop = 0; hop < MAX_HOPS && site; hop++) {
    const found: Candidate | undefined = candidates(m, site, dst).sort(
      (a, b) => prefix(b.destination) - prefix(a.destination) || Number(b.own) - Number(a.own),
    )[0];
    if (!found) return { ok: false, path, relies, reason: `${site.name} has no route to ${dst}` };
    if (found.go === 'local') {
      if (site.name !== target.name)
        return { ok: false, path, relies, reason: `${dst} is delivered inside ${site.name}, not at ${target.name}` };
      if (checkRules && target.admits) {
        const rule = target.admits.find(
          (r) => ['icmp', 'all'].includes(r.protocol.toLowerCase()) && covers(r.source, src),
        );
        if (!rule)
          return {
            ok: false,
            path,
            relies,
            reason: `security group of ${target.name} does not admit ICMP from ${src}`,
          };
        relies.push({
          stepId: rule.stepId,
          site: target.name,
          kind: 'sg-rule',
          what: `security group of ${target.name} admits ICMP from ${rule.source}`,
          broken: `security group of ${target.name} does not admit ICMP from ${rule.source}`,
        });
      }
      return { ok: true, path, gateways, relies, links };
    }
    if (found.go === 'cen') {
      const via: NetSite = found.via!;
      for (const x of [site, via])
        relies.push({
          stepId: x.cenStep!,
          site: x.name,
          kind: 'cen-attachment',
          what: `${x.name} attached to CEN`,
          broken: `${x.name}'s VPC is not attached to CEN now`,
        });
      if (found.published) {
        const what = `${found.destination} published to CEN by ${via.name}`;
        relies.push({
          stepId: found.stepId!,
          site: via.name,
          kind: 'cen-publish',
          what,
          broken: `expected via ${what}: it is not published now`,
        });
      }
      if (site.region !== via.region) links.push(basicCenLink(site.region, via.region));
      path.push('CEN', via.name);
      site = via;
      continue;
    }
    if (found.go === 'transit') {
      relies.push({
        stepId: found.stepId!,
        site: site.name,
        kind: 'tr-route',
        what: `the route to ${found.destination} in ${site.name} (to its transit router)`,
        broken: `expected via the route to ${found.destination} in ${site.name}'s VPC (to its transit router): it is gone`,
      });
      const hop = throughTransit(m, site, dst, relies);
      if (!hop.ok) return { ok: false, path, relies, reason: hop.reason };
      links.push(...hop.links);
      path.push(...hop.path);
      site = hop.via;
      continue;
    }
    relies.push({
      stepId: found.stepId!,
      site: site.name,
      kind: 'route',
      what: `the route to ${found.destination} in ${site.name}`,
      broken: `expected via the route to ${found.destination} in ${site.name}'s VPC: it is gone`,
    });
    const from: NetSite = site;
    const conn = from.connections.find(
      (c) => c.localCidrs.some((l) => covers(l, src)) && c.remoteCidrs.some((r) => covers(r, dst)),
    );
    if (!conn)
      return {
        ok: false,
        path,
        relies,
        reason: `no IPsec connection on ${from.name}'s gateway has selectors for ${src} -> ${dst}`,
      };
    if (!conn.mirrored)
      return {
        ok: false,
        path,
        relies,
        reason: `tunnel ${conn.name} has no mirrored connection at ${conn.peerSite}, so it cannot negotiate`,
      };
    relies.push({
      stepId: conn.stepId,
      site: from.name,
      kind: 'ipsec',
      what: `tunnel ${conn.name}`,
      broken: `tunnel ${conn.name} is down`,
    });
    path.push(`ipsec ${conn.name} ${tunnelWords(conn)}`, conn.peerSite);
    gateways += 2;
    site = m.sites.find((s) => s.name === conn.peerSite);
  }
  return { ok: false, path, relies, reason: `routing loop towards ${dst}` };
}

/** Which tunnel an echo crosses: a dual-tunnel connection's master, with the slave on standby when it has a partner. */
export function tunnelWords(conn: Pick<NetConnection, 'tunnels' | 'standby'>): string {
  if (conn.tunnels === 'single') return '(single tunnel)';
  return conn.standby ? 'tunnel master (slave standby)' : 'tunnel master (no standby: the peer has one address)';
}

function dedupe(relies: readonly Reliance[]): Reliance[] {
  const seen = new Set<string>();
  return relies.filter((r) => {
    if (seen.has(r.stepId)) return false;
    seen.add(r.stepId);
    return true;
  });
}

export function predictPair(model: NetModel, from: NetSite, to: NetSite): PairPrediction {
  const there = forward(model, from, from.probe!, to.probe!, to, true);
  if (!there.ok)
    return {
      from: from.name,
      to: to.name,
      reachable: false,
      path: there.path,
      reason: there.reason,
      reliesOn: dedupe(there.relies),
      links: [],
    };
  const back = forward(model, to, to.probe!, from.probe!, from, false);
  if (!back.ok)
    return {
      from: from.name,
      to: to.name,
      reachable: false,
      path: there.path,
      reason: `the reply is lost: ${back.reason}`,
      reliesOn: dedupe([...there.relies, ...back.relies]),
      links: there.links,
    };
  const links = [...there.links, ...back.links].filter((l, i, all) => all.findIndex((x) => x.id === l.id) === i);
  return {
    from: from.name,
    to: to.name,
    reachable: true,
    path: there.path,
    ttl: INITIAL_TTL - back.gateways,
    reliesOn: dedupe([...there.relies, ...back.relies]),
    links,
  };
}

/** Every ordered pair of sites that have a probe, sources in site order. */
export function predictMatrix(model: NetModel): PairPrediction[] {
  const probes = model.sites.filter((s) => s.probe !== undefined);
  return probes.flatMap((a) => probes.filter((b) => b.name !== a.name).map((b) => predictPair(model, a, b)));
}

/** "6 of 6 pairs reachable", then each unreachable pair and why. */
export function renderPrediction(pairs: readonly PairPrediction[]): string {
  if (pairs.length === 0)
    return 'Predicted reachability: no probes in this topology (probes: false), nothing to predict.';
  const ok = pairs.filter((p) => p.reachable).length;
  const lines = [`Predicted reachability: ${ok} of ${pairs.length} pairs reachable`];
  for (const p of pairs) {
    lines.push(
      p.reachable
        ? `  ${p.from} -> ${p.to}: reachable, ttl ${p.ttl}, via ${p.path.join(' -> ')}`
        : `  ${p.from} -> ${p.to}: UNREACHABLE: ${p.reason}`,
    );
  }
  return lines.join('\n');
}
