/**
 * The steps a topology needs, from the rules of ikev1-rules.ts: ids, typed parameters, references
 * and dependencies, all as `create`. Reconciliation with the cloud (reconcile.ts) decides which
 * already exist. The same topology written in another order gives the same steps.
 */
import { isCloudSite, siteOwningCidr, type Site, type Topology } from '../topology/model';
import { kindOf, type GatewayKinds } from './gateway-kinds';
import { admittedSources, cenMembers, tunnelDesigns, type TunnelDesign } from './ikev1-rules';
import type { CenEdition } from './observed';
import type { DesiredStep, Ref, StepKind } from './plan';
import { stepId } from './step-ids';
import type { OutputName, StepParams, StepRefs, TunnelForm } from './step-params';
import { transitRouterSteps } from './transit-router-steps';

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

/**
 * The probe instance types tried in order when the planned one is not in stock in a zone (the first
 * is vpnbot's own). UNVERIFIED: that these stay on sale in the regions vpnbot is used in.
 */
export const PROBE_TYPE_FALLBACKS: readonly string[] = ['ecs.t6-c1m1.large', 'ecs.g7.large'];

/**
 * The type a new probe takes in a zone, from what the zone has in stock: the planned one if it is,
 * else the first fallback that is; undefined when the zone has none of them (the preflight says so).
 */
export function probeTypeFor(planned: string, inStock: ReadonlyMap<string, boolean>): string | undefined {
  if (inStock.get(planned) === true) return planned;
  return PROBE_TYPE_FALLBACKS.find((t) => inStock.get(t) === true);
}

/** A step as the rules describe it; dependencies on the steps it references are added for it. */
export type Draft = {
  [K in StepKind]: {
    id: string;
    kind: K;
    site: string | null;
    region: string;
    params: StepParams<K>;
    refs: StepRefs<K>;
    dependsOn?: readonly string[];
  };
}[StepKind];

const ref = (step: string, output: OutputName = 'id'): Ref => ({ step, output });

/**
 * The priority of the rules of a set. Versions that made one rule per step gave theirs priority 1:
 * the cloud takes a rule identical in protocol, ports, source, policy and priority as already there
 * ("succeeds without adding"), so a set made beside them with priority 1 would add nothing of its
 * own, and revoking the old rules would then close what the set asks for. With priority 2 the
 * set's rules are distinct, and since every vpnbot rule accepts (no drop rule to outrank), 1 or 2
 * admits the same traffic: old and new can stand side by side while the old ones are removed.
 */
export const RULE_SET_PRIORITY = 2;

/**
 * Sites in name order, whatever order the user wrote them in (CIDRs keep the user's order: the
 * first is the VPC's primary block).
 */
function canonical(t: Topology): Topology {
  return { ...t, sites: [...t.sites].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
}

/**
 * `kinds`: the kinds of the gateways already in place (gateway-kinds.ts); any other gateway is a
 * new one. They decide how many customer gateways stand for a peer and the form of each connection.
 * `cen`: the edition of the topology's CEN. Enterprise for one vpnbot creates (and for an adopted
 * one of today); Basic for an adopted CEN bought before, which keeps its attachments and publishes.
 */
export function desiredSteps(
  input: Topology,
  options: PlannerOptions = DEFAULT_PLANNER_OPTIONS,
  kinds: GatewayKinds = new Map(),
  cen: CenEdition = 'enterprise',
  probeTypes: Readonly<Record<string, string>> = {},
): DesiredStep[] {
  const t = canonical(input);
  const out: DesiredStep[] = [];
  // A step depends on every step whose output it reads, whether or not it says so.
  const add = (d: Draft) => {
    const refSteps = Object.values(d.refs as Record<string, Ref | undefined>).flatMap((r) => (r ? [r.step] : []));
    out.push({ ...d, action: 'create', dependsOn: [...new Set([...(d.dependsOn ?? []), ...refSteps])] } as DesiredStep);
  };
  const cloudSites = t.sites.filter(isCloudSite);
  const res = (site: string, suffix = '') => `${t.name}-${site}${suffix}`;

  for (const s of cloudSites) {
    const [primary, ...secondary] = s.cidrs;
    const second =
      s.secondZone !== undefined && s.secondVswitchCidr !== undefined
        ? { zone: s.secondZone, cidr: s.secondVswitchCidr }
        : undefined;
    add({
      id: stepId.vpc(s.name),
      kind: 'vpc',
      site: s.name,
      region: s.region,
      params: { name: res(s.name), cidrBlock: primary!, secondaryCidrBlocks: secondary },
      refs: {},
    });
    add({
      id: stepId.vswitch(s.name),
      kind: 'vswitch',
      site: s.name,
      region: s.region,
      dependsOn: [stepId.vpc(s.name)],
      params: { name: res(s.name), cidrBlock: s.vswitchCidr!, zoneId: s.zone },
      refs: { vpcId: ref(stepId.vpc(s.name)) },
    });
    if (second) {
      add({
        id: stepId.secondVswitch(s.name),
        kind: 'vswitch',
        site: s.name,
        region: s.region,
        dependsOn: [stepId.vpc(s.name)],
        params: { name: res(s.name, '-2'), cidrBlock: second.cidr, zoneId: second.zone },
        refs: { vpcId: ref(stepId.vpc(s.name)) },
      });
    }
    if (s.role === 'hub' || s.role === 'dc') {
      // A dual-tunnel gateway's second tunnel goes in the second zone; a single-zone region has one vSwitch for both.
      const drVswitch = second ? stepId.secondVswitch(s.name) : stepId.vswitch(s.name);
      add({
        id: stepId.vpnGateway(s.name),
        kind: 'vpn-gateway',
        site: s.name,
        region: s.region,
        dependsOn: [stepId.vpc(s.name), stepId.vswitch(s.name)],
        params: { name: res(s.name), bandwidthMbps: options.vpnBandwidthMbps },
        refs: { vpcId: ref(stepId.vpc(s.name)), vswitchId: ref(stepId.vswitch(s.name)), drVswitchId: ref(drVswitch) },
      });
    }
  }

  const tunnels = tunnelDesigns(t);
  for (const tunnel of tunnels) addTunnel(t, tunnel, kinds, add);

  const members = cenMembers(t);
  if (members.length > 0) {
    const cenStep = stepId.cen(t.name);
    // The CEN instance is global; its API region is the first hub's (by name), else the first spoke's.
    const home = members.find((s) => s.role === 'hub') ?? members[0]!;
    add({ id: cenStep, kind: 'cen', site: null, region: home.region, params: { name: t.name }, refs: {} });
    if (cen === 'enterprise') transitRouterSteps(t, members, tunnels, add);
    else addBasicCen(t, members, tunnels, add);
  }

  for (const s of cloudSites) {
    const sg = stepId.securityGroup(s.name);
    add({
      id: sg,
      kind: 'security-group',
      site: s.name,
      region: s.region,
      dependsOn: [stepId.vpc(s.name)],
      params: { name: res(s.name) },
      refs: { vpcId: ref(stepId.vpc(s.name)) },
    });
    const sources = admittedSources(t, s);
    if (sources.length > 0) {
      add({
        id: stepId.securityGroupRules(s.name),
        kind: 'security-group-rules',
        site: s.name,
        region: s.region,
        dependsOn: [sg],
        params: {
          rules: sources.map((source) => ({
            ipProtocol: 'ICMP',
            portRange: '-1/-1',
            sourceCidrIp: source,
            policy: 'accept' as const,
            priority: RULE_SET_PRIORITY,
          })),
        },
        refs: { securityGroupId: ref(sg) },
      });
    }
    if (t.probes) {
      add({
        id: stepId.ecsInstance(s.name),
        kind: 'ecs-instance',
        site: s.name,
        region: s.region,
        dependsOn: [stepId.vswitch(s.name), sg],
        params: {
          name: res(s.name, '-probe'),
          instanceType: probeTypes[s.name] ?? options.instanceType,
          imageFamily: options.imageFamily,
          zoneId: s.zone,
          ...(probeTypes[s.name] && probeTypes[s.name] !== options.instanceType
            ? { instead: options.instanceType }
            : {}),
        },
        refs: { vswitchId: ref(stepId.vswitch(s.name)), securityGroupId: ref(sg) },
      });
    }
  }
  return out;
}

/** A CEN bought before Enterprise Edition: members attached as in the walkthrough, each hub's DC routes published. */
function addBasicCen(t: Topology, members: readonly Site[], tunnels: readonly TunnelDesign[], add: (d: Draft) => void) {
  const cen = stepId.cen(t.name);
  for (const s of members) {
    add({
      id: stepId.cenAttachment(s.name),
      kind: 'cen-attachment',
      site: s.name,
      region: s.region,
      dependsOn: [cen, stepId.vpc(s.name), stepId.vswitch(s.name)],
      params: { childInstanceType: 'VPC', childInstanceRegionId: s.region },
      refs: { cenId: ref(cen), childInstanceId: ref(stepId.vpc(s.name)) },
    });
  }
  for (const { hub, published } of tunnels) {
    for (const d of published) {
      add({
        id: stepId.cenRoutePublish(hub.name, d),
        kind: 'cen-route-publish',
        site: hub.name,
        region: hub.region,
        dependsOn: [stepId.cenAttachment(hub.name), stepId.routeEntry(hub.name, d)],
        params: { destinationCidr: d, childInstanceType: 'VPC', childInstanceRegionId: hub.region },
        refs: {
          cenId: ref(cen),
          childInstanceId: ref(stepId.vpc(hub.name)),
          routeTableId: ref(stepId.vpc(hub.name), 'routeTableId'),
        },
      });
    }
  }
}

/** Numbers repeated names (`x-1`, `x-2`); unique names stay as they are. */
function uniqueNames(names: readonly string[]): string[] {
  const totals = new Map<string, number>();
  for (const n of names) totals.set(n, (totals.get(n) ?? 0) + 1);
  const seen = new Map<string, number>();
  return names.map((n) => {
    if (totals.get(n) === 1) return n;
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return `${n}-${k}`;
  });
}

/**
 * Customer gateways, mirrored IPsec connections and routes between a hub and one of its DCs.
 * Each side has a customer gateway per public address of the other (two for a dual-tunnel gateway,
 * one for a gateway bought before the upgrade or an on-premises device). A connection on a
 * dual-tunnel gateway has two tunnels: its master faces the peer's first address, its slave the
 * peer's second, so that master pairs with master and slave with slave; facing a peer with one
 * address, both face it and only the master finds a partner.
 */
function addTunnel(
  t: Topology,
  { hub, dc, pairs, dcRoutes, hubRoutes }: TunnelDesign,
  kinds: GatewayKinds,
  add: (d: Draft) => void,
): void {
  const ikeVersion = t.ike === 'v1' ? 'ikev1' : 'ikev2';
  const dcInCloud = isCloudSite(dc);
  const owner = (c: string) => siteOwningCidr(t, c)?.name ?? 'unknown';
  const hubKind = kindOf(kinds, hub.name);
  const dcKind = dcInCloud ? kindOf(kinds, dc.name) : undefined;

  /** `site`'s customer gateways for `peer`'s gateway: one per address it has. */
  const cloudPeer = (site: Site, peer: Site, peerKind: TunnelForm): { first: string; second?: string } => {
    const address = (id: string, output: 'internetIp' | 'disasterRecoveryIp', suffix: string) =>
      add({
        id,
        kind: 'customer-gateway',
        site: site.name,
        region: site.region,
        dependsOn: [stepId.vpnGateway(peer.name)],
        params: { name: `${t.name}-${site.name}-to-${peer.name}${suffix}`, peerSite: peer.name },
        refs: { ipAddress: ref(stepId.vpnGateway(peer.name), output) },
      });
    const first = stepId.customerGateway(site.name, peer.name);
    address(first, 'internetIp', '');
    if (peerKind === 'single') return { first };
    const second = stepId.secondCustomerGateway(site.name, peer.name);
    address(second, 'disasterRecoveryIp', '-2');
    return { first, second };
  };

  let hubCgw: { first: string; second?: string };
  if (dcInCloud) hubCgw = cloudPeer(hub, dc, dcKind!);
  else {
    hubCgw = { first: stepId.customerGateway(hub.name, dc.name) };
    add({
      id: hubCgw.first,
      kind: 'customer-gateway',
      site: hub.name,
      region: hub.region,
      dependsOn: [],
      params: { name: `${t.name}-${hub.name}-to-${dc.name}`, peerSite: dc.name, ipAddress: dc.onPremises!.publicIp },
      refs: {},
    });
  }
  const dcCgw = dcInCloud ? cloudPeer(dc, hub, hubKind) : undefined;

  /** A connection's form and customer gateways: the slave faces the peer's second address, or its only one. */
  const form = (kind: TunnelForm, cgw: { first: string; second?: string }, peerHasTwo: boolean) => ({
    params: { tunnels: kind, standby: kind === 'dual' && peerHasTwo },
    refs: {
      customerGatewayId: ref(cgw.first),
      ...(kind === 'dual' ? { slaveCustomerGatewayId: ref(cgw.second ?? cgw.first) } : {}),
    },
  });
  // An on-premises device connects to both of the hub's addresses: the hub's slave has a partner.
  const hubForm = form(hubKind, hubCgw, dcKind === undefined || dcKind === 'dual');
  const dcForm = dcCgw && dcKind ? form(dcKind, dcCgw, hubKind === 'dual') : undefined;

  // Names as in the walkthrough: the hub's connection is named after the network it carries.
  const named = pairs.map((p) =>
    t.ike === 'v1'
      ? {
          ...p,
          hubId: stepId.ipsecPair(hub.name, p.hubCidrs[0]!, p.dcCidrs[0]!),
          dcId: stepId.ipsecPair(dc.name, p.dcCidrs[0]!, p.hubCidrs[0]!),
          hubName: `${t.name}-${owner(p.hubCidrs[0]!)}-to-${dc.name}`,
          dcName: `${t.name}-${dc.name}-to-${owner(p.hubCidrs[0]!)}`,
        }
      : {
          ...p,
          hubId: stepId.ipsecPeer(hub.name, dc.name),
          dcId: stepId.ipsecPeer(dc.name, hub.name),
          hubName: `${t.name}-${hub.name}-to-${dc.name}`,
          dcName: `${t.name}-${dc.name}-to-${hub.name}`,
        },
  );
  const hubNames = uniqueNames(named.map((p) => p.hubName));
  const dcNames = uniqueNames(named.map((p) => p.dcName));

  named.forEach((p, i) => {
    add({
      id: p.hubId,
      kind: 'ipsec-connection',
      site: hub.name,
      region: hub.region,
      dependsOn: [stepId.vpnGateway(hub.name)],
      params: {
        name: hubNames[i]!,
        localCidrs: p.hubCidrs,
        remoteCidrs: p.dcCidrs,
        ikeVersion,
        peerSite: dc.name,
        mirror: dcInCloud ? p.dcId : null,
        ...hubForm.params,
      },
      refs: { vpnGatewayId: ref(stepId.vpnGateway(hub.name)), ...hubForm.refs },
    });
    if (dcForm) {
      add({
        id: p.dcId,
        kind: 'ipsec-connection',
        site: dc.name,
        region: dc.region,
        dependsOn: [stepId.vpnGateway(dc.name)],
        params: {
          name: dcNames[i]!,
          localCidrs: p.dcCidrs,
          remoteCidrs: p.hubCidrs,
          ikeVersion,
          peerSite: hub.name,
          mirror: p.hubId,
          ...dcForm.params,
        },
        refs: { vpnGatewayId: ref(stepId.vpnGateway(dc.name)), ...dcForm.refs },
      });
    }
  });

  const route = (site: Site, destination: string): Draft => ({
    id: stepId.routeEntry(site.name, destination),
    kind: 'route-entry',
    site: site.name,
    region: site.region,
    dependsOn: [stepId.vpc(site.name), stepId.vpnGateway(site.name)],
    params: {
      destinationCidr: destination,
      nextHopType: 'VpnGateway',
      name: `${t.name}-${site.name}-to-${owner(destination)}`,
    },
    refs: { routeTableId: ref(stepId.vpc(site.name), 'routeTableId'), nextHopId: ref(stepId.vpnGateway(site.name)) },
  });
  for (const n of dcRoutes) add(route(dc, n));
  for (const d of hubRoutes) add(route(hub, d));
}
