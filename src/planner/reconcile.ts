/**
 * Matching desired steps with what the cloud holds: found by vpnbot's tags -> keep; named under
 * `existing:` -> adopt; an equivalent resource already in place on an adopted gateway, VPC or CEN
 * -> keep (external, left as is); else create.
 */
import { dcsOfHub, type Site, type Topology } from '../topology/model';
import { TAG_STEP, type ObservedResource, type ObservedResourceOf, type ObservedState } from './observed';
import type { DesiredStep, StepKind } from './plan';
import { parseStepId } from './step-ids';

/** Sites by name and the adopted CEN, computed once per topology: per-step lookups stay O(1). */
interface TopologyIndex {
  readonly site: ReadonlyMap<string, Site>;
  readonly cen: string | undefined;
}
const indexes = new WeakMap<Topology, TopologyIndex>();
function indexOf(t: Topology): TopologyIndex {
  let index = indexes.get(t);
  if (!index) {
    index = {
      site: new Map(t.sites.map((s) => [s.name, s])),
      cen: t.sites.map((s) => s.existing.cen).find((c) => c !== undefined),
    };
    indexes.set(t, index);
  }
  return index;
}

/** The id the user asked to adopt for this step (under `existing:`), if any. */
export function adoptedId(topology: Topology, step: DesiredStep, observed: ObservedState): string | undefined {
  const site = step.site === null ? undefined : indexOf(topology).site.get(step.site);
  switch (step.kind) {
    case 'vpc':
      return site?.existing.vpc;
    case 'vpn-gateway':
      return site?.existing.vpnGateway;
    case 'cen':
      return indexOf(topology).cen;
    case 'customer-gateway': {
      const id = site?.existing.customerGateway;
      // The one named stands for the peer's first address: a dual-tunnel peer's second gets its own.
      const parsed = parseStepId(step.id);
      if (!id || !site || (parsed?.kind === 'customer-gateway' && 'address' in parsed)) return undefined;
      const peers = site.role === 'hub' ? dcsOfHub(topology, site.name) : [];
      if (site.role !== 'hub' || peers.length === 1) return id;
      // Several DCs on one hub: the adopted customer gateway is the one whose address is this peer's.
      const cg = observed.resources.find(
        (r): r is ObservedResourceOf<'customer-gateway'> => r.kind === 'customer-gateway' && r.id === id,
      );
      const peer = indexOf(topology).site.get(step.params.peerSite);
      const peerGateway = observed.resources.find(
        (r): r is ObservedResourceOf<'vpn-gateway'> => r.kind === 'vpn-gateway' && r.id === peer?.existing.vpnGateway,
      );
      const peerIp = peer?.onPremises?.publicIp ?? peerGateway?.attrs.internetIp;
      return cg && peerIp !== undefined && cg.attrs.ipAddress === peerIp ? id : undefined;
    }
    default:
      return undefined;
  }
}

const sameSet = (a: readonly string[] | undefined, b: readonly string[]) =>
  a !== undefined && a.length === b.length && b.every((x) => a.includes(x));

/** An equivalent resource already in place, not created by vpnbot (e.g. the tunnel in service). */
export function equivalentExternal(
  topology: Topology,
  step: DesiredStep,
  observed: ObservedState,
): ObservedResource | undefined {
  if (observed.resources.length === 0) return undefined;
  const site = step.site === null ? undefined : indexOf(topology).site.get(step.site);
  const cen = indexOf(topology).cen;
  const untagged = <K extends StepKind>(kind: K) =>
    observed.resources.filter(
      (r) => r.kind === kind && r.tags[TAG_STEP] === undefined,
    ) as unknown as ObservedResourceOf<K>[];
  switch (step.kind) {
    case 'customer-gateway': {
      // The cloud takes one customer gateway per address and region: one already there for the
      // peer's address (an adopted dual-tunnel peer's second address often has one) stands for it.
      const peer = indexOf(topology).site.get(step.params.peerSite);
      const peerGateway = observed.resources.find(
        (r): r is ObservedResourceOf<'vpn-gateway'> => r.kind === 'vpn-gateway' && r.id === peer?.existing.vpnGateway,
      );
      const output = step.refs.ipAddress?.output;
      const ip =
        step.params.ipAddress ??
        (output === 'internetIp' || output === 'disasterRecoveryIp' ? peerGateway?.attrs[output] : undefined);
      return ip
        ? untagged('customer-gateway').find((r) => r.region === step.region && r.attrs.ipAddress === ip)
        : undefined;
    }
    case 'ipsec-connection': {
      const gateway = site?.existing.vpnGateway;
      return gateway === undefined
        ? undefined
        : untagged('ipsec-connection').find(
            (r) =>
              r.attrs.vpnGatewayId === gateway &&
              sameSet(r.attrs.localCidrs, step.params.localCidrs) &&
              sameSet(r.attrs.remoteCidrs, step.params.remoteCidrs),
          );
    }
    case 'route-entry': {
      const vpc = site?.existing.vpc;
      const gateway = site?.existing.vpnGateway;
      return vpc === undefined || gateway === undefined
        ? undefined
        : untagged('route-entry').find(
            (r) =>
              r.attrs.vpcId === vpc &&
              r.attrs.destinationCidr === step.params.destinationCidr &&
              r.attrs.nextHopId === gateway,
          );
    }
    case 'cen-attachment': {
      const vpc = site?.existing.vpc;
      return cen === undefined || vpc === undefined
        ? undefined
        : untagged('cen-attachment').find((r) => r.attrs.cenId === cen && r.attrs.childInstanceId === vpc);
    }
    case 'cen-route-publish': {
      const vpc = site?.existing.vpc;
      return cen === undefined || vpc === undefined
        ? undefined
        : untagged('cen-route-publish').find(
            (r) =>
              r.attrs.cenId === cen &&
              r.attrs.childInstanceId === vpc &&
              r.attrs.destinationCidr === step.params.destinationCidr,
          );
    }
    default:
      return cen === undefined ? undefined : equivalentOnAdoptedCen(step, site, cen, untagged);
  }
}

/**
 * Today's CEN pieces already in place on an adopted CEN: the region's transit router, an adopted
 * VPC's connection to it, that connection's association, propagation and routes back, the
 * connection between two such routers, and an advertisement from an adopted VPC.
 */
function equivalentOnAdoptedCen(
  step: DesiredStep,
  site: Site | undefined,
  cen: string,
  untagged: <K extends StepKind>(kind: K) => ObservedResourceOf<K>[],
): ObservedResource | undefined {
  const router = (region: string) =>
    untagged('transit-router').find((r) => r.attrs.cenId === cen && r.region === region);
  const vpc = site?.existing.vpc;
  const attachment =
    vpc === undefined
      ? undefined
      : untagged('tr-vpc-attachment').find((r) => r.attrs.cenId === cen && r.attrs.vpcId === vpc);
  switch (step.kind) {
    case 'transit-router':
      return router(step.region);
    case 'tr-vpc-attachment':
      return attachment;
    case 'tr-association':
    case 'tr-propagation':
      return attachment === undefined
        ? undefined
        : untagged(step.kind).find((r) => r.attrs.attachmentId === attachment.id);
    case 'tr-peer-attachment': {
      const ends = [router(step.region)?.id, router(step.params.peerRegionId)?.id];
      return ends.some((e) => e === undefined)
        ? undefined
        : untagged('tr-peer-attachment').find((r) => ends.every((e) => r.attrs.transitRouterIds?.includes(e!)));
    }
    case 'tr-vpc-route':
      return attachment === undefined
        ? undefined
        : untagged('tr-vpc-route').find(
            (r) => r.attrs.attachmentId === attachment.id && r.attrs.destinationCidr === step.params.destinationCidr,
          );
    case 'tr-advertisement':
      return vpc === undefined
        ? undefined
        : untagged('tr-advertisement').find(
            (r) =>
              r.attrs.cenId === cen &&
              r.attrs.childInstanceId === vpc &&
              r.attrs.destinationCidr === step.params.destinationCidr,
          );
    default:
      return undefined;
  }
}
