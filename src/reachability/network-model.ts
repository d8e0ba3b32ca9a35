/**
 * The network a plan describes, as the predictor reads it: per site, its local networks, routes to
 * its VPN gateway, IPsec connections (selectors and whether the peer holds the mirror), CEN
 * membership and published routes (Basic Edition) or its transit-router pieces (transit-model.ts),
 * and what its security group admits; and the inter-region connections between transit routers. Built from a plan's steps
 * only (not from the emulator's data plane), so a planner mistake shows as a predicted/measured
 * mismatch instead of agreeing with itself.
 */
import type { Plan, Step } from '../planner/plan';
import { isCloudSite, type Topology } from '../topology/model';
import { peerLinks, transitOf, type InterRegionLink, type NetTransit } from './transit-model';

export interface NetRoute {
  readonly destination: string;
  readonly stepId: string;
}

export interface NetConnection {
  readonly stepId: string;
  readonly name: string;
  readonly localCidrs: readonly string[];
  readonly remoteCidrs: readonly string[];
  readonly peerSite: string;
  /** False when the peer is a cloud site whose mirrored connection is not in the model: no tunnel. */
  readonly mirrored: boolean;
  /** Two tunnels (traffic over the master) or one, on a gateway bought before the dual-tunnel upgrade. */
  readonly tunnels: 'dual' | 'single';
  /** The slave has a partner to take over when the master is down (dual-tunnel on both ends). */
  readonly standby: boolean;
}

export interface NetRule {
  readonly source: string;
  readonly protocol: string;
  readonly stepId: string;
}

export interface NetSite {
  readonly name: string;
  readonly region: string;
  readonly onPremises: boolean;
  /** Where the site's probe sends from: its IP as a /32 once known, else its vSwitch's CIDR. */
  readonly probe?: string;
  /** The VPC's blocks (what CEN advertises for it), or an on-premises site's CIDRs. */
  readonly networks: readonly string[];
  /** Delivered inside the VPC (system routes: its vSwitches). */
  readonly local: readonly string[];
  /** The step attaching the VPC to CEN, when it is attached. */
  readonly cenStep?: string;
  readonly routes: readonly NetRoute[];
  readonly connections: readonly NetConnection[];
  readonly published: readonly NetRoute[];
  /** On today's CEN: its connection to its region's transit router and what goes with it. */
  readonly transit?: NetTransit;
  /** Ingress accept rules; undefined for a site with no security group (on premises: not modelled). */
  readonly admits?: readonly NetRule[];
}

export interface NetModel {
  readonly topology: string;
  readonly sites: readonly NetSite[];
  /** Connections between the transit routers of two regions. */
  readonly interRegion: readonly InterRegionLink[];
}

export interface ModelOptions {
  /** Only what exists now (keep and adopt steps): the network as applied, not as planned. */
  readonly existingOnly?: boolean;
  /** Probe addresses by site, once the instances exist. */
  readonly probeIps?: Readonly<Record<string, string>>;
}

export function modelFromPlan(plan: Plan, topology: Topology, options: ModelOptions = {}): NetModel {
  const present = plan.steps.filter((s) => s.action !== 'delete' && (!options.existingOnly || s.action !== 'create'));
  const ids = new Set(present.map((s) => s.id));
  const at = (site: string) => present.filter((s) => s.site === site);
  const of = <K extends Step['kind']>(steps: readonly Step[], kind: K) =>
    steps.filter(
      (s): s is Extract<Step, { kind: K; action: 'create' | 'adopt' | 'keep' }> =>
        s.kind === kind && s.action !== 'delete',
    );

  const cloud: NetSite[] = topology.sites.filter(isCloudSite).map((site) => {
    const steps = at(site.name);
    const vpc = of(steps, 'vpc')[0];
    const vswitches = of(steps, 'vswitch').map((s) => s.params.cidrBlock);
    const probe = of(steps, 'ecs-instance').length
      ? options.probeIps?.[site.name]
        ? `${options.probeIps[site.name]}/32`
        : vswitches[0]
      : undefined;
    const attachment = of(steps, 'cen-attachment')[0];
    const transit = transitOf(steps);
    // A rule set's rules, and rules made one step each (plans of earlier versions).
    const admits = [
      ...of(steps, 'security-group-rules').flatMap((s) =>
        s.params.rules.map((r) => ({ source: r.sourceCidrIp, protocol: r.ipProtocol, stepId: s.id })),
      ),
      ...of(steps, 'security-group-rule').map((s) => ({
        source: s.params.sourceCidrIp,
        protocol: s.params.ipProtocol,
        stepId: s.id,
      })),
    ];
    return {
      name: site.name,
      region: site.region,
      onPremises: false,
      ...(probe ? { probe } : {}),
      networks: vpc ? [vpc.params.cidrBlock, ...vpc.params.secondaryCidrBlocks] : [...site.cidrs],
      local: vswitches,
      ...(attachment ? { cenStep: attachment.id } : {}),
      routes: of(steps, 'route-entry').map((s) => ({ destination: s.params.destinationCidr, stepId: s.id })),
      connections: of(steps, 'ipsec-connection').map((s) => ({
        stepId: s.id,
        name: s.params.name,
        localCidrs: s.params.localCidrs,
        remoteCidrs: s.params.remoteCidrs,
        peerSite: s.params.peerSite,
        mirrored: s.params.mirror === null || ids.has(s.params.mirror),
        tunnels: s.params.tunnels,
        standby: s.params.standby,
      })),
      published: of(steps, 'cen-route-publish').map((s) => ({ destination: s.params.destinationCidr, stepId: s.id })),
      ...(transit ? { transit } : {}),
      ...(of(steps, 'security-group').length ? { admits } : {}),
    };
  });

  // An on-premises DC is configured by its operators: assume its device mirrors the hub's
  // connections and routes their networks into the tunnel.
  const onPrem: NetSite[] = topology.sites
    .filter((s) => !isCloudSite(s))
    .map((site) => {
      const towards = cloud.flatMap((c) =>
        c.connections.filter((x) => x.peerSite === site.name).map((x) => ({ hub: c.name, x })),
      );
      // Its "probe" is a host somewhere in its first CIDR (an operator pastes what it printed).
      const probe = options.probeIps?.[site.name] ? `${options.probeIps[site.name]}/32` : site.cidrs[0];
      return {
        name: site.name,
        region: site.region,
        onPremises: true,
        networks: [...site.cidrs],
        local: [...site.cidrs],
        ...(probe ? { probe } : {}),
        routes: towards.flatMap(({ x }) => x.localCidrs.map((d) => ({ destination: d, stepId: x.stepId }))),
        connections: towards.map(({ hub, x }) => ({
          stepId: x.stepId,
          name: `${x.name} (on-premises side)`,
          localCidrs: x.remoteCidrs,
          remoteCidrs: x.localCidrs,
          peerSite: hub,
          mirrored: true,
          tunnels: x.tunnels,
          standby: x.standby,
        })),
        published: [],
      };
    });
  return { topology: topology.name, sites: [...cloud, ...onPrem], interRegion: peerLinks(present) };
}
