/**
 * The planner: (desired topology, observed cloud state) -> Plan.
 *
 * First the desired steps are derived from the topology alone (the IKEv1 rule of
 * seed-scenario.md: one connection per CIDR pair on each side, mirrored; routes to the gateway on
 * both sides; the hub's DC routes published to CEN). Then each is reconciled with what the cloud
 * holds: found by vpnbot's tags -> keep; named under `existing:` -> adopt; an equivalent resource
 * already in place on an adopted gateway/VPC/CEN -> keep (external, left as is); else create.
 * Resources tagged for this topology that are no longer desired become deletes.
 */
import { dcsOfHub, isCloudSite, networksBehindHub, siteOwningCidr, type Site, type Topology } from '../topology/model';
import { TAG_STEP, TAG_TOPOLOGY, type ObservedResource, type ObservedState } from './observed';
import { summarize, type ParamValue, type Plan, type Ref, type Step, type StepKind } from './plan';
import { planHash } from './plan-hash';
import { stepId } from './step-ids';

export { planHash };

/** Defaults for what the topology language leaves out; overridable by configuration. */
export interface PlannerOptions {
  readonly vpnBandwidthMbps: number;
  readonly instanceType: string;
  readonly imageFamily: string;
}

export const DEFAULT_PLANNER_OPTIONS: PlannerOptions = {
  vpnBandwidthMbps: 10,
  instanceType: 'ecs.t6-c1m1.large',
  imageFamily: 'acs:alibaba_cloud_linux_3_2104_lts_x64',
};

interface Desired {
  id: string;
  kind: StepKind;
  site: string | null;
  region: string;
  dependsOn: string[];
  params: Record<string, ParamValue>;
  refs: Record<string, Ref>;
}

const ref = (step: string, output = 'id'): Ref => ({ step, output });

/**
 * The same topology written in another order is the same plan: sites are taken in name order
 * (CIDRs keep the user's order: the first is the VPC's primary block).
 */
function canonicalTopology(t: Topology): Topology {
  return { ...t, sites: [...t.sites].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
}

function desiredSteps(input: Topology, o: PlannerOptions): Desired[] {
  const t = canonicalTopology(input);
  const out: Desired[] = [];
  // A step depends on every step whose output it reads, whether or not it says so.
  const add = (d: Omit<Desired, 'params' | 'refs' | 'dependsOn'> & Partial<Pick<Desired, 'params' | 'refs' | 'dependsOn'>>) => {
    const refs = d.refs ?? {};
    const dependsOn = [...new Set([...(d.dependsOn ?? []), ...Object.values(refs).map((r) => r.step)])];
    out.push({ params: {}, ...d, refs, dependsOn });
  };
  const cloudSites = t.sites.filter(isCloudSite);
  const res = (site: string, suffix = '') => `${t.name}-${site}${suffix}`;

  for (const s of cloudSites) {
    const [primary, ...secondary] = s.cidrs;
    add({ id: stepId.vpc(s.name), kind: 'vpc', site: s.name, region: s.region, params: { name: res(s.name), cidrBlock: primary!, secondaryCidrBlocks: secondary } });
    add({
      id: stepId.vswitch(s.name), kind: 'vswitch', site: s.name, region: s.region, dependsOn: [stepId.vpc(s.name)],
      params: { name: res(s.name), cidrBlock: s.vswitchCidr!, zoneId: s.zone }, refs: { vpcId: ref(stepId.vpc(s.name)) },
    });
    if (s.role === 'hub' || s.role === 'dc') {
      add({
        id: stepId.vpnGateway(s.name), kind: 'vpn-gateway', site: s.name, region: s.region, dependsOn: [stepId.vpc(s.name), stepId.vswitch(s.name)],
        params: { name: res(s.name), bandwidthMbps: o.vpnBandwidthMbps }, refs: { vpcId: ref(stepId.vpc(s.name)), vswitchId: ref(stepId.vswitch(s.name)) },
      });
    }
  }

  for (const hub of t.sites.filter((s) => s.role === 'hub')) {
    for (const dc of dcsOfHub(t, hub.name)) addTunnel(t, hub, dc, add);
  }

  const cenSites = cloudSites.filter((s) => s.role === 'hub' || s.role === 'spoke');
  if (cenSites.length > 0) {
    const cen = stepId.cen(t.name);
    // The CEN instance is global; its API region is the first hub's (by name), else the first spoke's.
    const home = cenSites.find((s) => s.role === 'hub') ?? cenSites[0]!;
    add({ id: cen, kind: 'cen', site: null, region: home.region, params: { name: t.name } });
    for (const s of cenSites) {
      add({
        id: stepId.cenAttachment(s.name), kind: 'cen-attachment', site: s.name, region: s.region,
        dependsOn: [cen, stepId.vpc(s.name), stepId.vswitch(s.name)],
        params: { childInstanceType: 'VPC', childInstanceRegionId: s.region }, refs: { cenId: ref(cen), childInstanceId: ref(stepId.vpc(s.name)) },
      });
    }
    for (const hub of cenSites.filter((s) => s.role === 'hub')) {
      for (const dc of dcsOfHub(t, hub.name)) {
        for (const d of dc.cidrs) {
          add({
            id: stepId.cenRoutePublish(hub.name, d), kind: 'cen-route-publish', site: hub.name, region: hub.region,
            dependsOn: [stepId.cenAttachment(hub.name), stepId.routeEntry(hub.name, d)],
            params: { destinationCidr: d, childInstanceType: 'VPC', childInstanceRegionId: hub.region },
            refs: { cenId: ref(cen), childInstanceId: ref(stepId.vpc(hub.name)), routeTableId: ref(stepId.vpc(hub.name), 'routeTableId') },
          });
        }
      }
    }
  }

  for (const s of cloudSites) {
    const sg = stepId.securityGroup(s.name);
    add({ id: sg, kind: 'security-group', site: s.name, region: s.region, dependsOn: [stepId.vpc(s.name)], params: { name: res(s.name) }, refs: { vpcId: ref(stepId.vpc(s.name)) } });
    for (const source of t.sites.filter((x) => x.name !== s.name).flatMap((x) => x.cidrs)) {
      add({
        id: stepId.securityGroupRule(s.name, 'icmp', source), kind: 'security-group-rule', site: s.name, region: s.region, dependsOn: [sg],
        params: { ipProtocol: 'ICMP', portRange: '-1/-1', sourceCidrIp: source, policy: 'accept', priority: 1 }, refs: { securityGroupId: ref(sg) },
      });
    }
    if (t.probes) {
      add({
        id: stepId.ecsInstance(s.name), kind: 'ecs-instance', site: s.name, region: s.region, dependsOn: [stepId.vswitch(s.name), sg],
        params: { name: res(s.name, '-probe'), instanceType: o.instanceType, imageFamily: o.imageFamily, zoneId: s.zone },
        refs: { vswitchId: ref(stepId.vswitch(s.name)), securityGroupId: ref(sg) },
      });
    }
  }
  return out;
}

/** Customer gateways, mirrored IPsec connections and routes between a hub and one of its DCs. */
function addTunnel(t: Topology, hub: Site, dc: Site, add: (d: Desired) => void): void {
  const networks = networksBehindHub(t, hub);
  const ikeVersion = t.ike === 'v1' ? 'ikev1' : 'ikev2';
  const dcInCloud = isCloudSite(dc);
  const owner = (c: string) => siteOwningCidr(t, c)?.name ?? 'unknown';

  const hubCgw = stepId.customerGateway(hub.name, dc.name);
  add({
    id: hubCgw, kind: 'customer-gateway', site: hub.name, region: hub.region,
    dependsOn: dcInCloud ? [stepId.vpnGateway(dc.name)] : [],
    params: { name: `${t.name}-${hub.name}-to-${dc.name}`, peerSite: dc.name, ...(dcInCloud ? {} : { ipAddress: dc.onPremises!.publicIp }) },
    refs: dcInCloud ? { ipAddress: ref(stepId.vpnGateway(dc.name), 'internetIp') } : {},
  });
  const dcCgw = stepId.customerGateway(dc.name, hub.name);
  if (dcInCloud) {
    add({
      id: dcCgw, kind: 'customer-gateway', site: dc.name, region: dc.region, dependsOn: [stepId.vpnGateway(hub.name)],
      params: { name: `${t.name}-${dc.name}-to-${hub.name}`, peerSite: hub.name }, refs: { ipAddress: ref(stepId.vpnGateway(hub.name), 'internetIp') },
    });
  }

  interface Pair { local: string[]; remote: string[]; hubId: string; dcId: string; hubName: string; dcName: string; psk: string }
  const pairs: Pair[] =
    t.ike === 'v1'
      ? dc.cidrs.flatMap((d) =>
          networks.map((n) => ({
            local: [n], remote: [d],
            hubId: stepId.ipsecPair(hub.name, n, d), dcId: stepId.ipsecPair(dc.name, d, n),
            hubName: `${t.name}-${owner(n)}-to-${dc.name}`, dcName: `${t.name}-${dc.name}-to-${owner(n)}`,
            psk: `${dc.name}:${d}~${n}`,
          })),
        )
      : [{
          local: networks, remote: [...dc.cidrs],
          hubId: stepId.ipsecPeer(hub.name, dc.name), dcId: stepId.ipsecPeer(dc.name, hub.name),
          hubName: `${t.name}-${hub.name}-to-${dc.name}`, dcName: `${t.name}-${dc.name}-to-${hub.name}`,
          psk: `${dc.name}~${hub.name}`,
        }];
  const unique = (names: string[]) => {
    const seen = new Map<string, number>();
    const totals = new Map<string, number>();
    names.forEach((n) => totals.set(n, (totals.get(n) ?? 0) + 1));
    return names.map((n) => {
      if (totals.get(n) === 1) return n;
      const k = (seen.get(n) ?? 0) + 1;
      seen.set(n, k);
      return `${n}-${k}`;
    });
  };
  const hubNames = unique(pairs.map((p) => p.hubName));
  const dcNames = unique(pairs.map((p) => p.dcName));

  pairs.forEach((p, i) => {
    add({
      id: p.hubId, kind: 'ipsec-connection', site: hub.name, region: hub.region, dependsOn: [stepId.vpnGateway(hub.name), hubCgw],
      params: { name: hubNames[i]!, localCidrs: p.local, remoteCidrs: p.remote, ikeVersion, peerSite: dc.name, mirror: dcInCloud ? p.dcId : null, pskPair: p.psk },
      refs: { vpnGatewayId: ref(stepId.vpnGateway(hub.name)), customerGatewayId: ref(hubCgw) },
    });
    if (dcInCloud) {
      add({
        id: p.dcId, kind: 'ipsec-connection', site: dc.name, region: dc.region, dependsOn: [stepId.vpnGateway(dc.name), dcCgw],
        params: { name: dcNames[i]!, localCidrs: p.remote, remoteCidrs: p.local, ikeVersion, peerSite: hub.name, mirror: p.hubId, pskPair: p.psk },
        refs: { vpnGatewayId: ref(stepId.vpnGateway(dc.name)), customerGatewayId: ref(dcCgw) },
      });
    }
  });

  const route = (site: Site, destination: string): Desired => ({
    id: stepId.routeEntry(site.name, destination), kind: 'route-entry', site: site.name, region: site.region,
    dependsOn: [stepId.vpc(site.name), stepId.vpnGateway(site.name)],
    params: { destinationCidr: destination, nextHopType: 'VpnGateway', name: `${t.name}-${site.name}-to-${owner(destination)}` },
    refs: { routeTableId: ref(stepId.vpc(site.name), 'routeTableId'), nextHopId: ref(stepId.vpnGateway(site.name)) },
  });
  if (dcInCloud) for (const n of networks) add(route(dc, n));
  for (const d of dc.cidrs) add(route(hub, d));
}

// ---- reconciliation ------------------------------------------------------------------------

const sameSet = (a: unknown, b: readonly string[]) => Array.isArray(a) && a.length === b.length && b.every((x) => (a as string[]).includes(x));

/** Sites by name and the adopted CEN, computed once per topology: per-step lookups stay O(1). */
interface TopologyIndex {
  readonly site: ReadonlyMap<string, Site>;
  readonly cen: string | undefined;
}
const indexes = new WeakMap<Topology, TopologyIndex>();
function indexOf(t: Topology): TopologyIndex {
  let index = indexes.get(t);
  if (!index) {
    index = { site: new Map(t.sites.map((s) => [s.name, s])), cen: t.sites.map((s) => s.existing.cen).find((c) => c !== undefined) };
    indexes.set(t, index);
  }
  return index;
}

/** The id the user asked to adopt for this step (under `existing:`), if any. */
export function adoptedId(t: Topology, d: Pick<Step, 'kind' | 'site' | 'params'>, observed: ObservedState): string | undefined {
  const site = d.site === null ? undefined : indexOf(t).site.get(d.site);
  switch (d.kind) {
    case 'vpc':
      return site?.existing.vpc;
    case 'vpn-gateway':
      return site?.existing.vpnGateway;
    case 'cen':
      return indexOf(t).cen;
    case 'customer-gateway': {
      const id = site?.existing.customerGateway;
      if (!id || !site) return undefined;
      const peers = site.role === 'hub' ? dcsOfHub(t, site.name) : [];
      if (site.role !== 'hub' || peers.length === 1) return id;
      // Several DCs on one hub: the adopted customer gateway is the one whose address is this peer's.
      const cg = observed.resources.find((r) => r.id === id);
      const peer = t.sites.find((s) => s.name === d.params.peerSite);
      const peerIp = peer?.onPremises?.publicIp ?? observed.resources.find((r) => r.kind === 'vpn-gateway' && r.id === peer?.existing.vpnGateway)?.attrs.internetIp;
      return cg && peerIp !== undefined && cg.attrs.ipAddress === peerIp ? id : undefined;
    }
    default:
      return undefined;
  }
}

/** An equivalent resource already in place, not created by vpnbot (e.g. the tunnel in service). */
function equivalentExternal(t: Topology, d: Desired, observed: ObservedState): ObservedResource | undefined {
  if (observed.resources.length === 0) return undefined;
  const site = d.site === null ? undefined : indexOf(t).site.get(d.site);
  const cen = indexOf(t).cen;
  const untagged = observed.resources.filter((r) => r.kind === d.kind && r.tags[TAG_STEP] === undefined);
  switch (d.kind) {
    case 'ipsec-connection':
      return site?.existing.vpnGateway === undefined ? undefined
        : untagged.find((r) => r.attrs.vpnGatewayId === site.existing.vpnGateway && sameSet(r.attrs.localCidrs, d.params.localCidrs as string[]) && sameSet(r.attrs.remoteCidrs, d.params.remoteCidrs as string[]));
    case 'route-entry':
      return site?.existing.vpc === undefined || site.existing.vpnGateway === undefined ? undefined
        : untagged.find((r) => r.attrs.vpcId === site.existing.vpc && r.attrs.destinationCidr === d.params.destinationCidr && r.attrs.nextHopId === site.existing.vpnGateway);
    case 'cen-attachment':
      return cen === undefined || site?.existing.vpc === undefined ? undefined
        : untagged.find((r) => r.attrs.cenId === cen && r.attrs.childInstanceId === site.existing.vpc);
    case 'cen-route-publish':
      return cen === undefined || site?.existing.vpc === undefined ? undefined
        : untagged.find((r) => r.attrs.cenId === cen && r.attrs.childInstanceId === site.existing.vpc && r.attrs.destinationCidr === d.params.destinationCidr);
    default:
      return undefined;
  }
}

/** For each kind, the kinds whose resources must be gone before it can be deleted. */
const DELETE_AFTER: Record<StepKind, readonly StepKind[]> = {
  vpc: ['vswitch', 'vpn-gateway', 'security-group', 'route-entry', 'cen-attachment'],
  vswitch: ['vpn-gateway', 'ecs-instance', 'cen-attachment'],
  'vpn-gateway': ['ipsec-connection', 'route-entry'],
  'customer-gateway': ['ipsec-connection'],
  'ipsec-connection': [],
  'route-entry': ['cen-route-publish'],
  cen: ['cen-attachment', 'cen-route-publish'],
  'cen-attachment': ['cen-route-publish'],
  'cen-route-publish': [],
  'security-group': ['security-group-rule', 'ecs-instance'],
  'security-group-rule': [],
  'ecs-instance': [],
};

/**
 * Dependencies among deletes: a resource goes after everything built on it (reverse dependency
 * order). Regional resources only wait for those of their own region; the CEN for all.
 */
export function deleteDependencies(deletes: readonly { id: string; kind: StepKind; region: string }[]): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  for (const d of deletes) {
    const first = DELETE_AFTER[d.kind];
    const before = deletes.filter((x) => x.id !== d.id && first.includes(x.kind) && (d.kind === 'cen' || x.region === d.region));
    deps.set(d.id, before.map((x) => x.id).sort());
  }
  return deps;
}

function deleteSteps(t: string, observed: ObservedState, keepIds: ReadonlySet<string>): Step[] {
  const owned = observed.resources.filter((r) => r.tags[TAG_TOPOLOGY] === t && r.tags[TAG_STEP] !== undefined && !keepIds.has(r.tags[TAG_STEP]!));
  const items = owned.map((r) => ({ id: r.tags[TAG_STEP]!, kind: r.kind, region: r.region, r }));
  const deps = deleteDependencies(items);
  return items.map(({ id, kind, region, r }) => ({
    id, kind, site: siteOfStepId(id), region, action: 'delete' as const, dependsOn: deps.get(id)!, params: {}, refs: {}, cloudId: r.id,
  }));
}

/** The site named in a step id (`kind:site[:...]`), or null for topology-wide steps. */
export function siteOfStepId(id: string): string | null {
  const [kind, site] = id.split(':');
  return kind === 'cen' ? null : (site ?? null);
}

function assemble(topology: string, ike: 'v1' | 'v2', steps: Step[]): Plan {
  return { topology, ike, hash: planHash(topology, steps), steps, summary: summarize(steps) };
}

export function buildPlan(t: Topology, observed: ObservedState, options: PlannerOptions = DEFAULT_PLANNER_OPTIONS): Plan {
  const desired = desiredSteps(t, options);
  const byStepTag = new Map(
    observed.resources.filter((r) => r.tags[TAG_TOPOLOGY] === t.name && r.tags[TAG_STEP] !== undefined).map((r) => [r.tags[TAG_STEP]!, r]),
  );
  const steps: Step[] = desired.map((d) => {
    const base = { id: d.id, kind: d.kind, site: d.site, region: d.region, dependsOn: [...d.dependsOn].sort(), params: d.params, refs: d.refs };
    const adopted = adoptedId(t, d, observed);
    if (adopted) return { ...base, action: 'adopt', cloudId: adopted, external: true };
    const mine = byStepTag.get(d.id);
    if (mine) return { ...base, action: 'keep', cloudId: mine.id };
    const external = equivalentExternal(t, d, observed);
    if (external) return { ...base, action: 'keep', cloudId: external.id, external: true };
    return { ...base, action: 'create' };
  });
  return assemble(t.name, t.ike, [...steps, ...deleteSteps(t.name, observed, new Set(desired.map((d) => d.id)))]);
}

/** Everything vpnbot created for a topology, deleted in reverse dependency order. Adopted and external resources are not touched. */
export function buildDestroyPlan(topology: string, ike: 'v1' | 'v2', observed: ObservedState): Plan {
  return assemble(topology, ike, deleteSteps(topology, observed, new Set()));
}
