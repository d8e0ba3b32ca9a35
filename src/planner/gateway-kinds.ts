/**
 * Which kind each VPN site's gateway is, as the planner needs it: a dual-tunnel gateway has two
 * public addresses (so a peer needs a customer gateway for each, and its connections take two
 * tunnels); one bought before the dual-tunnel upgrade has one. A gateway vpnbot creates is
 * dual-tunnel; an adopted one is what the cloud says it is.
 */
import { isCloudSite, type Topology } from '../topology/model';
import { TAG_STEP, TAG_TOPOLOGY, type ObservedResourceOf, type ObservedState } from './observed';
import { stepId } from './step-ids';
import type { TunnelForm } from './step-params';

/** By site name; a site not in it has a gateway of NEW_GATEWAY_KIND. */
export type GatewayKinds = ReadonlyMap<string, TunnelForm>;

/**
 * What a gateway vpnbot creates is: today's cloud sells dual-tunnel gateways in the seed's regions
 * and almost every other (alibaba-today.md §1). Which few regions still sell single-tunnel ones is
 * not known from public sources (UNVERIFIED): this is the one place to change if one must be.
 */
export const NEW_GATEWAY_KIND: TunnelForm = 'dual';

export const kindOf = (kinds: GatewayKinds, site: string): TunnelForm => kinds.get(site) ?? NEW_GATEWAY_KIND;

/**
 * The kinds of the gateways in place, read off what the refresh found: a second address means
 * dual-tunnel. Adopted gateways (by id), and those vpnbot created before (by their step's tag: a
 * sandbox's gateways made before the upgrade stay single-tunnel). A gateway the refresh did not
 * read (planning without the cloud) is taken for a new one.
 */
export function gatewayKinds(topology: Topology, observed: ObservedState): GatewayKinds {
  const kinds = new Map<string, TunnelForm>();
  for (const site of topology.sites) {
    if (!isCloudSite(site)) continue;
    const id = site.existing.vpnGateway;
    const step = stepId.vpnGateway(site.name);
    const seen = observed.resources.find(
      (r): r is ObservedResourceOf<'vpn-gateway'> =>
        r.kind === 'vpn-gateway' &&
        (id !== undefined ? r.id === id : r.tags[TAG_TOPOLOGY] === topology.name && r.tags[TAG_STEP] === step),
    );
    if (seen?.attrs.internetIp !== undefined) kinds.set(site.name, seen.attrs.disasterRecoveryIp ? 'dual' : 'single');
  }
  return kinds;
}
