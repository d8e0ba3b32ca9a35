/** Step ids: stable names for every resource of a topology, shared by planner, engine and tags. */
export const stepId = {
  vpc: (site: string) => `vpc:${site}`,
  vswitch: (site: string) => `vswitch:${site}`,
  vpnGateway: (site: string) => `vpn-gateway:${site}`,
  /** The customer gateway in `site`'s region that stands for `peer`'s VPN device. */
  customerGateway: (site: string, peer: string) => `customer-gateway:${site}:${peer}`,
  /** IKEv1: one per (local, remote) CIDR pair on each side. */
  ipsecPair: (site: string, local: string, remote: string) => `ipsec-connection:${site}:${local}>${remote}`,
  /** IKEv2: one per peer on each side. */
  ipsecPeer: (site: string, peer: string) => `ipsec-connection:${site}:${peer}`,
  routeEntry: (site: string, destination: string) => `route-entry:${site}:${destination}`,
  cen: (topology: string) => `cen:${topology}`,
  cenAttachment: (site: string) => `cen-attachment:${site}`,
  cenRoutePublish: (site: string, destination: string) => `cen-route-publish:${site}:${destination}`,
  securityGroup: (site: string) => `security-group:${site}`,
  securityGroupRule: (site: string, protocol: string, source: string) => `security-group-rule:${site}:${protocol}:${source}`,
  ecsInstance: (site: string) => `ecs-instance:${site}`,
};
