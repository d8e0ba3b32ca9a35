/**
 * Step ids: stable names for every resource of a topology, shared by planner, engine and tags
 * (`KIND:SITE[:...]`). `stepId` makes them; `parseStepId` is the only place that takes them apart.
 */
import { STEP_KINDS, type StepKind } from './plan';

export const stepId = {
  vpc: (site: string) => `vpc:${site}`,
  vswitch: (site: string) => `vswitch:${site}`,
  /** The vSwitch in the site's second zone (dual-tunnel gateways, transit-router attachments). */
  secondVswitch: (site: string) => `vswitch:${site}:2`,
  vpnGateway: (site: string) => `vpn-gateway:${site}`,
  /** The customer gateway in `site`'s region that stands for `peer`'s VPN device (its first address). */
  customerGateway: (site: string, peer: string) => `customer-gateway:${site}:${peer}`,
  /** The one for a dual-tunnel peer gateway's second address (its slave tunnels'). */
  secondCustomerGateway: (site: string, peer: string) => `customer-gateway:${site}:${peer}:2`,
  /** IKEv1: one per (local, remote) CIDR pair on each side. */
  ipsecPair: (site: string, local: string, remote: string) => `ipsec-connection:${site}:${local}>${remote}`,
  /** IKEv2: one per peer on each side. */
  ipsecPeer: (site: string, peer: string) => `ipsec-connection:${site}:${peer}`,
  routeEntry: (site: string, destination: string) => `route-entry:${site}:${destination}`,
  cen: (topology: string) => `cen:${topology}`,
  cenAttachment: (site: string) => `cen-attachment:${site}`,
  cenRoutePublish: (site: string, destination: string) => `cen-route-publish:${site}:${destination}`,
  /** Enterprise Edition: one transit router per region. */
  transitRouter: (region: string) => `transit-router:${region}`,
  trVpcAttachment: (site: string) => `tr-vpc-attachment:${site}`,
  trAssociation: (site: string) => `tr-association:${site}`,
  trPropagation: (site: string) => `tr-propagation:${site}`,
  /** The inter-region connection between two regions, named in sorted order. */
  trPeerAttachment: (a: string, b: string) => `tr-peer-attachment:${[a, b].sort().join(':')}`,
  /** The VPC route that sends `destination` to the site's transit-router attachment. */
  trVpcRoute: (site: string, destination: string) => `tr-vpc-route:${site}:${destination}`,
  trAdvertisement: (site: string, destination: string) => `tr-advertisement:${site}:${destination}`,
  securityGroup: (site: string) => `security-group:${site}`,
  securityGroupRule: (site: string, protocol: string, source: string) =>
    `security-group-rule:${site}:${protocol}:${source}`,
  /** All of a security group's rules, in one step (the per-rule form above is read, for plans made before). */
  securityGroupRules: (site: string) => `security-group-rules:${site}`,
  ecsInstance: (site: string) => `ecs-instance:${site}`,
};

/** A step id taken apart. CIDRs contain no `:`, so every part is unambiguous. */
export type ParsedStepId =
  | { readonly kind: 'cen'; readonly topology: string; readonly site: null }
  | { readonly kind: 'transit-router'; readonly region: string; readonly site: null }
  | { readonly kind: 'tr-peer-attachment'; readonly regions: readonly [string, string]; readonly site: null }
  | {
      readonly kind:
        | 'vpc'
        | 'vswitch'
        | 'vpn-gateway'
        | 'cen-attachment'
        | 'tr-vpc-attachment'
        | 'tr-association'
        | 'tr-propagation'
        | 'security-group'
        | 'security-group-rules'
        | 'ecs-instance';
      readonly site: string;
    }
  | { readonly kind: 'vswitch'; readonly site: string; readonly zone: 'second' }
  | { readonly kind: 'customer-gateway'; readonly site: string; readonly peer: string }
  | { readonly kind: 'customer-gateway'; readonly site: string; readonly peer: string; readonly address: 'second' }
  | { readonly kind: 'ipsec-connection'; readonly site: string; readonly local: string; readonly remote: string }
  | { readonly kind: 'ipsec-connection'; readonly site: string; readonly peer: string }
  | {
      readonly kind: 'route-entry' | 'cen-route-publish' | 'tr-vpc-route' | 'tr-advertisement';
      readonly site: string;
      readonly destination: string;
    }
  | { readonly kind: 'security-group-rule'; readonly site: string; readonly protocol: string; readonly source: string };

const isKind = (k: string): k is StepKind => (STEP_KINDS as readonly string[]).includes(k);

/** The parts of a step id made by `stepId`, or undefined for anything else. */
export function parseStepId(id: string): ParsedStepId | undefined {
  const [kind, site, ...rest] = id.split(':');
  if (kind === undefined || site === undefined || site === '' || !isKind(kind)) return undefined;
  switch (kind) {
    case 'cen':
      return rest.length === 0 ? { kind, topology: site, site: null } : undefined;
    case 'transit-router':
      return rest.length === 0 ? { kind, region: site, site: null } : undefined;
    case 'tr-peer-attachment':
      return rest.length === 1 && rest[0] ? { kind, regions: [site, rest[0]], site: null } : undefined;
    case 'customer-gateway':
      if (rest.length === 1 && rest[0]) return { kind, site, peer: rest[0] };
      return rest.length === 2 && rest[0] && rest[1] === '2'
        ? { kind, site, peer: rest[0], address: 'second' }
        : undefined;
    case 'ipsec-connection': {
      if (rest.length !== 1 || !rest[0]) return undefined;
      const pair = /^([^>]+)>([^>]+)$/.exec(rest[0]);
      return pair ? { kind, site, local: pair[1]!, remote: pair[2]! } : { kind, site, peer: rest[0] };
    }
    case 'route-entry':
    case 'cen-route-publish':
    case 'tr-vpc-route':
    case 'tr-advertisement':
      return rest.length === 1 && rest[0] ? { kind, site, destination: rest[0] } : undefined;
    case 'vswitch':
      if (rest.length === 0) return { kind, site };
      return rest.length === 1 && rest[0] === '2' ? { kind, site, zone: 'second' } : undefined;
    case 'security-group-rule':
      return rest.length === 2 && rest[0] && rest[1] ? { kind, site, protocol: rest[0], source: rest[1] } : undefined;
    default:
      return rest.length === 0 ? { kind, site } : undefined;
  }
}
