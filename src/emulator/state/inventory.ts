/**
 * What the emulated cloud holds, as a client would count it: live resources by kind (the names are
 * vpnbot's step kinds, so tests compare a plan with the cloud), every id, and the IPsec pairs.
 * Tests and the control API read this instead of the World's private maps.
 */
import { createHash } from 'node:crypto';
import type { VpnConnectionR, World } from './world';

export interface TunnelPair {
  readonly id: string;
  readonly vpnGatewayId: string;
  readonly localCidrs: readonly string[];
  readonly remoteCidrs: readonly string[];
  /** A digest of the pre-shared key: tells whether a key changed without showing it. */
  readonly keyDigest: string;
  /** The connection on the peer gateway with the same selectors swapped, if any. */
  readonly mirrorId?: string;
  /** Both sides hold the same pre-shared key, tunnel by tunnel (never the key itself). */
  readonly sameKey: boolean;
  /** Two for a dual-tunnel connection, one for a single-tunnel one. */
  readonly tunnelCount: number;
}

/** A connection's keys by tunnel role (a single-tunnel connection's one key is its master's). */
const keysOf = (c: VpnConnectionR): Record<string, string> =>
  c.tunnels ? Object.fromEntries(c.tunnels.map((t) => [t.role, t.ike.Psk])) : { master: c.ike?.Psk ?? '' };

export interface Inventory {
  readonly counts: Readonly<Record<string, number>>;
  /** Every ingress rule of every security group, whoever made it: each is a resource the cloud holds. */
  readonly ruleCount: number;
  /** Ids of every live resource that has an id of its own (not Basic CEN attachments, publishes or rules). */
  readonly ids: readonly string[];
  readonly tunnels: readonly TunnelPair[];
  /** Each VPC's blocks, primary first. */
  readonly vpcs: readonly { readonly id: string; readonly cidrs: readonly string[] }[];
  readonly customerGatewayIps: readonly string[];
  /** Routes published to CEN: destination CIDRs. */
  readonly published: readonly string[];
}

/** The Description vpnbot gives the rules of a set it makes in one step (`vpnbot:<topology>:security-group-rules:<site>`). */
const IN_RULE_SET = /^vpnbot:[^:]+:security-group-rules:/;

export function inventory(world: World): Inventory {
  world.reap();
  const live = <T extends { deletingUntil?: number }>(xs: Iterable<T>) =>
    [...xs].filter((x) => x.deletingUntil === undefined);
  const connections = live(world.vpnConnections.values());
  const enterprise = (cenId: string) => world.cens.get(cenId)?.edition === 'Enterprise';
  const rules = live(world.securityGroups.values()).flatMap((g) => g.rules);
  const counts = {
    vpc: live(world.vpcs.values()).length,
    vswitch: live(world.vswitches.values()).length,
    'vpn-gateway': live(world.vpnGateways.values()).length,
    'customer-gateway': world.customerGateways.size,
    'ipsec-connection': connections.length,
    'route-entry': live(world.routeEntries.values()).filter((e) => e.nextHopType !== 'Attachment').length,
    cen: live(world.cens.values()).length,
    'cen-attachment': live(world.cenAttachments).length,
    'cen-route-publish': live(world.cenPublished).filter((p) => !enterprise(p.cenId)).length,
    'transit-router': live(world.tr.routers.values()).filter((r) => r.type === 'Enterprise').length,
    'tr-vpc-attachment': live(world.tr.vpcAttachments.values()).length,
    'tr-association': live(world.tr.associations).length,
    'tr-propagation': live(world.tr.propagations).length,
    'tr-peer-attachment': live(world.tr.peerAttachments.values()).length,
    'tr-vpc-route': live(world.routeEntries.values()).filter((e) => e.nextHopType === 'Attachment').length,
    'tr-advertisement': live(world.cenPublished).filter((p) => enterprise(p.cenId)).length,
    'security-group': live(world.securityGroups.values()).length,
    // Rules vpnbot made one call each (legacy), and groups whose rules it made as one set.
    'security-group-rule': rules.filter((r) => !IN_RULE_SET.test(r.description)).length,
    'security-group-rules': live(world.securityGroups.values()).filter((g) =>
      g.rules.some((r) => IN_RULE_SET.test(r.description)),
    ).length,
    'ecs-instance': live(world.instances.values()).length,
  };
  const ids = [
    ...world.vpcs.keys(),
    ...world.vswitches.keys(),
    ...world.vpnGateways.keys(),
    ...world.customerGateways.keys(),
    ...world.vpnConnections.keys(),
    ...world.cens.keys(),
    ...[...world.tr.routers.values()].filter((r) => r.type === 'Enterprise').map((r) => r.id),
    ...world.tr.vpcAttachments.keys(),
    ...world.tr.peerAttachments.keys(),
    ...world.securityGroups.keys(),
    ...world.instances.keys(),
  ];
  const tunnels = connections.map((c) => {
    const mirror = connections.find(
      (m) =>
        m.id !== c.id &&
        m.localSubnet.join() === c.remoteSubnet.join() &&
        m.remoteSubnet.join() === c.localSubnet.join(),
    );
    return {
      id: c.id,
      vpnGatewayId: c.vpnGatewayId,
      localCidrs: [...c.localSubnet],
      remoteCidrs: [...c.remoteSubnet],
      keyDigest: createHash('sha256')
        .update(Object.values(keysOf(c)).join('\n'))
        .digest('hex')
        .slice(0, 16),
      ...(mirror ? { mirrorId: mirror.id } : {}),
      // Master with master, slave with slave; a single-tunnel side pairs with the other's master only.
      sameKey:
        mirror !== undefined &&
        Object.entries(keysOf(c)).every(
          ([role, key]) => keysOf(mirror)[role] === undefined || keysOf(mirror)[role] === key,
        ) &&
        keysOf(mirror).master === keysOf(c).master,
      tunnelCount: c.tunnels?.length ?? 1,
    };
  });
  return {
    counts,
    ruleCount: rules.length,
    ids,
    tunnels,
    vpcs: live(world.vpcs.values()).map((v) => ({ id: v.id, cidrs: [v.cidrBlock, ...v.secondaryCidrBlocks] })),
    customerGatewayIps: [...world.customerGateways.values()].map((g) => g.ipAddress),
    published: live(world.cenPublished).map((p) => p.destinationCidrBlock),
  };
}
