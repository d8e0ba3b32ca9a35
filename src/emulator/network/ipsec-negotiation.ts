/**
 * IKE/IPsec negotiation between emulated VPN gateways. A connection's tunnel is up only when the
 * gateway at its customer gateway's address holds a mirrored connection: pointing back at this
 * gateway, same IKE version, key and proposals, local and remote networks swapped.
 */
import type { VpnConnectionR, VpnGatewayR, World } from '../state/world';

export type TunnelStatus =
  | 'ike_sa_not_established'
  | 'ike_sa_established'
  | 'ipsec_sa_not_established'
  | 'ipsec_sa_established';

export interface Negotiation {
  readonly status: TunnelStatus;
  /** Why, in the words of an IKE log line; empty when established. */
  readonly reason: string;
  readonly peer?: { readonly gateway: VpnGatewayR; readonly connection?: VpnConnectionR };
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

export function peerGatewayOf(world: World, conn: VpnConnectionR): VpnGatewayR | undefined {
  const cg = world.customerGateways.get(conn.customerGatewayId);
  if (!cg) return undefined;
  return [...world.vpnGateways.values()].find((g) => g.internetIp === cg.ipAddress && g.deletingUntil === undefined);
}

export function negotiate(world: World, conn: VpnConnectionR): Negotiation {
  const down = (status: TunnelStatus, reason: string, peer?: Negotiation['peer']): Negotiation => ({
    status,
    reason,
    ...(peer ? { peer } : {}),
  });
  if (conn.deletingUntil !== undefined) return down('ike_sa_not_established', 'connection is being deleted');
  if (!world.isReady(conn)) return down('ike_sa_not_established', 'connection is being configured');
  if (conn.forcedDown) return down('ike_sa_not_established', 'tunnel is down: DPD timeout, peer not responding');
  const gw = world.vpnGateways.get(conn.vpnGatewayId);
  const cg = world.customerGateways.get(conn.customerGatewayId);
  if (!gw || !cg) return down('ike_sa_not_established', 'gateway or customer gateway missing');
  const peerGw = peerGatewayOf(world, conn);
  if (!peerGw)
    return down('ike_sa_not_established', `IKE phase 1: no response from ${cg.ipAddress} (retransmission timeout)`);
  const backwards = [...world.vpnConnections.values()].filter((c) => {
    const theirCg = world.customerGateways.get(c.customerGatewayId);
    return (
      c.vpnGatewayId === peerGw.id &&
      theirCg?.ipAddress === gw.internetIp &&
      c.deletingUntil === undefined &&
      world.isReady(c)
    );
  });
  if (backwards.length === 0) {
    return down(
      'ike_sa_not_established',
      `IKE phase 1: peer ${cg.ipAddress} (${peerGw.id}) has no IPsec connection for ${gw.internetIp}`,
      { gateway: peerGw },
    );
  }
  const mirror = backwards.find(
    (c) => sameSet(c.localSubnet, conn.remoteSubnet) && sameSet(c.remoteSubnet, conn.localSubnet),
  );
  const phase1 = (c: VpnConnectionR): string | undefined => {
    if (c.ike.IkeVersion !== conn.ike.IkeVersion)
      return `IKE phase 1: version mismatch (${conn.ike.IkeVersion} here, ${c.ike.IkeVersion} at peer)`;
    if (c.ike.Psk !== conn.ike.Psk) return 'IKE phase 1: authentication failed (pre-shared key mismatch)';
    if (
      c.ike.IkeEncAlg !== conn.ike.IkeEncAlg ||
      c.ike.IkeAuthAlg !== conn.ike.IkeAuthAlg ||
      c.ike.IkePfs !== conn.ike.IkePfs ||
      c.ike.IkeMode !== conn.ike.IkeMode
    ) {
      return 'IKE phase 1: no proposal chosen (IKE algorithms differ)';
    }
    return undefined;
  };
  if (!mirror) {
    const failures = backwards.map(phase1);
    if (failures.every((f) => f !== undefined))
      return down('ike_sa_not_established', failures[0]!, { gateway: peerGw });
    return down(
      'ipsec_sa_not_established',
      `IPsec phase 2: no proposal chosen: no connection on ${peerGw.id} with local ${conn.remoteSubnet.join(',')} and remote ${conn.localSubnet.join(',')} (traffic selectors do not match)`,
      { gateway: peerGw },
    );
  }
  const peer = { gateway: peerGw, connection: mirror };
  if (mirror.forcedDown) return down('ike_sa_not_established', 'IKE phase 1: peer connection is down', peer);
  const p1 = phase1(mirror);
  if (p1) return down('ike_sa_not_established', p1, peer);
  if (
    mirror.ipsec.IpsecEncAlg !== conn.ipsec.IpsecEncAlg ||
    mirror.ipsec.IpsecAuthAlg !== conn.ipsec.IpsecAuthAlg ||
    mirror.ipsec.IpsecPfs !== conn.ipsec.IpsecPfs
  ) {
    return down('ipsec_sa_not_established', 'IPsec phase 2: no proposal chosen (IPsec algorithms differ)', peer);
  }
  const configuredAt = Math.max(conn.phases.steps.at(-1)?.until ?? 0, mirror.phases.steps.at(-1)?.until ?? 0);
  // Without EffectImmediately on either side, negotiation starts with the first packet.
  const startedAt =
    conn.effectImmediately || mirror.effectImmediately
      ? configuredAt
      : Math.min(conn.trafficSeenAt ?? Infinity, mirror.trafficSeenAt ?? Infinity);
  if (!Number.isFinite(startedAt))
    return down(
      'ike_sa_not_established',
      'waiting for traffic: neither side negotiates immediately (EffectImmediately=false)',
      peer,
    );
  const upAt = Math.max(configuredAt, startedAt) + world.clock.delay(3_000);
  if (world.now() < upAt) return down('ike_sa_established', 'IPsec phase 2: negotiating', peer);
  return { status: 'ipsec_sa_established', reason: '', peer };
}
