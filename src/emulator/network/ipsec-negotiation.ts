/**
 * IKE/IPsec negotiation between emulated VPN gateways, one tunnel at a time. A tunnel is up only
 * when the gateway at its customer gateway's address holds a mirrored tunnel: on that address,
 * pointing back at this tunnel's address, same IKE version, key and proposals, local and remote
 * networks swapped. A dual-tunnel connection's master and slave negotiate each on its own. An
 * on-premises device played through the control API answers at its address the same way, with the
 * tunnels it was configured with.
 */
import type { DeviceR, DeviceTunnelR, VpnConnectionR, VpnGatewayR, World } from '../state/world';
import { gatewayAt, tunnelEnds, tunnelIp, type TunnelEnd } from './tunnels';

export type TunnelStatus =
  | 'ike_sa_not_established'
  | 'ike_sa_established'
  | 'ipsec_sa_not_established'
  | 'ipsec_sa_established';

export interface Negotiation {
  readonly status: TunnelStatus;
  /** Why, in the words of an IKE log line; empty when established. */
  readonly reason: string;
  readonly peer?:
    | { readonly gateway: VpnGatewayR; readonly tunnel?: TunnelEnd }
    | { readonly device: DeviceR; readonly tunnel?: DeviceTunnelR };
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** IKEv1 main mode authenticates before identities are exchanged (the ID payload is encrypted with the key). */
const keyedByAddress = (ike: { IkeVersion: string; IkeMode: string }) =>
  ike.IkeVersion === 'ikev1' && ike.IkeMode === 'main';

/**
 * The key a gateway uses for IKEv1 main mode between its address `local` and `peer`: looked up by
 * the peer's address alone, so one key serves every connection between the two. Of several
 * connections that hold different ones, the oldest's (UNVERIFIED: which one the cloud's IKE daemon
 * picks is not documented; the later one's tunnel staying down is what a PSK lookup by address gives).
 */
export function keyForAddresses(
  world: World,
  gateway: VpnGatewayR,
  local: string,
  peer: string,
): { readonly psk: string; readonly tunnel: TunnelEnd } | undefined {
  const ends = [...world.vpnConnections.values()]
    .filter((c) => c.vpnGatewayId === gateway.id && c.deletingUntil === undefined && world.isReady(c))
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
    .flatMap(tunnelEnds)
    .filter(
      (t) =>
        keyedByAddress(t.ike) &&
        tunnelIp(gateway, t.role) === local &&
        world.customerGateways.get(t.customerGatewayId)?.ipAddress === peer,
    );
  return ends[0] ? { psk: ends[0].ike.Psk, tunnel: ends[0] } : undefined;
}

export function negotiateTunnel(world: World, end: TunnelEnd): Negotiation {
  const down = (status: TunnelStatus, reason: string, peer?: Negotiation['peer']): Negotiation => ({
    status,
    reason,
    ...(peer ? { peer } : {}),
  });
  const conn = end.connection;
  if (conn.deletingUntil !== undefined) return down('ike_sa_not_established', 'connection is being deleted');
  if (!world.isReady(conn)) return down('ike_sa_not_established', 'connection is being configured');
  if (end.forcedDown) return down('ike_sa_not_established', 'tunnel is down: DPD timeout, peer not responding');
  if (end.updatingUntil !== undefined && world.now() < end.updatingUntil)
    return down('ike_sa_not_established', 'tunnel is being configured');
  const gw = world.vpnGateways.get(conn.vpnGatewayId);
  const cg = world.customerGateways.get(end.customerGatewayId);
  if (!gw || !cg) return down('ike_sa_not_established', 'gateway or customer gateway missing');
  const here = tunnelIp(gw, end.role);
  // Main mode: this gateway answers the peer's address with one key, whichever connection it holds for it.
  const mine = keyedByAddress(end.ike) ? keyForAddresses(world, gw, here, cg.ipAddress) : undefined;
  if (mine && mine.psk !== end.ike.Psk)
    return down(
      'ike_sa_not_established',
      `IKE phase 1: authentication failed (pre-shared key mismatch): IKEv1 main mode looks the key up by the peer's address, and ${mine.tunnel.connection.id} between ${here} and ${cg.ipAddress} holds another`,
    );
  const peerGw = gatewayAt(world, cg.ipAddress);
  const device = peerGw ? undefined : world.devices.get(cg.ipAddress);
  if (device) return negotiateWithDevice(world, end, here, device);
  if (!peerGw)
    return down('ike_sa_not_established', `IKE phase 1: no response from ${cg.ipAddress} (retransmission timeout)`);
  const backwards = [...world.vpnConnections.values()]
    .filter((c) => c.vpnGatewayId === peerGw.id && c.deletingUntil === undefined && world.isReady(c))
    .flatMap(tunnelEnds)
    .filter(
      (t) =>
        tunnelIp(peerGw, t.role) === cg.ipAddress &&
        world.customerGateways.get(t.customerGatewayId)?.ipAddress === here,
    );
  if (backwards.length === 0) {
    return down(
      'ike_sa_not_established',
      `IKE phase 1: peer ${cg.ipAddress} (${peerGw.id}) has no IPsec connection for ${here}`,
      { gateway: peerGw },
    );
  }
  const mirror = backwards.find(
    (t) => sameSet(t.connection.localSubnet, conn.remoteSubnet) && sameSet(t.connection.remoteSubnet, conn.localSubnet),
  );
  const phase1 = (t: TunnelEnd): string | undefined => {
    if (t.ike.IkeVersion !== end.ike.IkeVersion)
      return `IKE phase 1: version mismatch (${end.ike.IkeVersion} here, ${t.ike.IkeVersion} at peer)`;
    // The peer answers with the key it holds for this address (main mode), else the connection's own.
    const theirs = (keyedByAddress(t.ike) && keyForAddresses(world, peerGw, cg.ipAddress, here)?.psk) || t.ike.Psk;
    // Both ends must hold it too: a peer connection with another key stays down, and so does this
    // side of the pair it would have carried (the SAs are one pair).
    if (theirs !== end.ike.Psk || t.ike.Psk !== end.ike.Psk)
      return 'IKE phase 1: authentication failed (pre-shared key mismatch)';
    if (
      t.ike.IkeEncAlg !== end.ike.IkeEncAlg ||
      t.ike.IkeAuthAlg !== end.ike.IkeAuthAlg ||
      t.ike.IkePfs !== end.ike.IkePfs ||
      t.ike.IkeMode !== end.ike.IkeMode
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
  const peer = { gateway: peerGw, tunnel: mirror };
  if (mirror.forcedDown) return down('ike_sa_not_established', 'IKE phase 1: peer connection is down', peer);
  const p1 = phase1(mirror);
  if (p1) return down('ike_sa_not_established', p1, peer);
  if (
    mirror.ipsec.IpsecEncAlg !== end.ipsec.IpsecEncAlg ||
    mirror.ipsec.IpsecAuthAlg !== end.ipsec.IpsecAuthAlg ||
    mirror.ipsec.IpsecPfs !== end.ipsec.IpsecPfs
  ) {
    return down('ipsec_sa_not_established', 'IPsec phase 2: no proposal chosen (IPsec algorithms differ)', peer);
  }
  const other = mirror.connection;
  if (mirror.updatingUntil !== undefined && world.now() < mirror.updatingUntil)
    return down('ike_sa_not_established', 'IKE phase 1: peer tunnel is being configured', peer);
  const configuredAt = Math.max(
    conn.phases.steps.at(-1)?.until ?? 0,
    other.phases.steps.at(-1)?.until ?? 0,
    end.updatingUntil ?? 0,
    mirror.updatingUntil ?? 0,
  );
  // Without EffectImmediately on either side, negotiation starts with the first packet.
  const startedAt =
    conn.effectImmediately || other.effectImmediately
      ? configuredAt
      : Math.min(conn.trafficSeenAt ?? Infinity, other.trafficSeenAt ?? Infinity);
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

/**
 * A tunnel facing an on-premises device: the device answers with the tunnels it holds for this
 * address (its peer address must be this tunnel's), one key for the address (main mode), its IKE
 * identities and proposals, and a tunnel whose networks mirror the connection's. The device
 * initiates as soon as it is configured. The reasons read as a responder's refusals do (a peer with
 * no configuration for an address answers NO_PROPOSAL_CHOSEN); UNVERIFIED: the cloud's own log
 * wording is not documented, and vpnbot's diagnosis reads these in one place (src/app/tunnel-diagnosis.ts).
 */
function negotiateWithDevice(world: World, end: TunnelEnd, here: string, device: DeviceR): Negotiation {
  const conn = end.connection;
  const peer = { device };
  const down = (status: TunnelStatus, reason: string, tunnel?: DeviceTunnelR): Negotiation => ({
    status,
    reason,
    peer: tunnel ? { device, tunnel } : peer,
  });
  const towards = device.tunnels.filter((t) => t.Remote === here);
  if (towards.length === 0) {
    const elsewhere = [...new Set(device.tunnels.map((t) => t.Remote))];
    return down(
      'ike_sa_not_established',
      `IKE phase 1: NO_PROPOSAL_CHOSEN from ${device.publicIp}: it has no IKE configuration for peer ${here}${
        elsewhere.length ? ` (its IKE packets go to ${elsewhere.slice(0, 3).join(', ')}, not here)` : ''
      }`,
    );
  }
  // The device's IKE SA with this address: one key and one set of proposals, its first tunnel's.
  const first = towards[0]!;
  const ike = first.IkeConfig;
  if (ike.IkeVersion !== end.ike.IkeVersion)
    return down(
      'ike_sa_not_established',
      `IKE phase 1: version mismatch (${end.ike.IkeVersion} here, ${ike.IkeVersion} at peer)`,
    );
  if (
    ike.IkeEncAlg !== end.ike.IkeEncAlg ||
    ike.IkeAuthAlg !== end.ike.IkeAuthAlg ||
    ike.IkePfs !== end.ike.IkePfs ||
    ike.IkeMode !== end.ike.IkeMode
  )
    return down('ike_sa_not_established', 'IKE phase 1: no proposal chosen (IKE algorithms differ)');
  if (ike.Psk !== end.ike.Psk)
    return down('ike_sa_not_established', 'IKE phase 1: authentication failed (pre-shared key mismatch)');
  if (ike.LocalId !== end.ike.RemoteId || ike.RemoteId !== end.ike.LocalId)
    return down(
      'ike_sa_not_established',
      `IKE phase 1: authentication failed (identity mismatch: the peer is ${ike.LocalId} and expects ${ike.RemoteId}; here ${end.ike.LocalId} expects ${end.ike.RemoteId})`,
    );
  const mirror = towards.find(
    (t) => sameSet(t.LocalSubnet, conn.remoteSubnet) && sameSet(t.RemoteSubnet, conn.localSubnet),
  );
  if (!mirror)
    return down(
      'ipsec_sa_not_established',
      `IPsec phase 2: no proposal chosen: ${device.publicIp} has no tunnel with local ${conn.remoteSubnet.join(',')} and remote ${conn.localSubnet.join(',')} (traffic selectors do not match)`,
    );
  const p2 = mirror.IpsecConfig;
  if (
    p2.IpsecEncAlg !== end.ipsec.IpsecEncAlg ||
    p2.IpsecAuthAlg !== end.ipsec.IpsecAuthAlg ||
    p2.IpsecPfs !== end.ipsec.IpsecPfs
  )
    return down('ipsec_sa_not_established', 'IPsec phase 2: no proposal chosen (IPsec algorithms differ)', mirror);
  const configuredAt = Math.max(conn.phases.steps.at(-1)?.until ?? 0, device.configuredAt, end.updatingUntil ?? 0);
  if (world.now() < configuredAt + world.clock.delay(3_000))
    return down('ike_sa_established', 'IPsec phase 2: negotiating', mirror);
  return { status: 'ipsec_sa_established', reason: '', peer: { device, tunnel: mirror } };
}

/** Each tunnel of a connection with its negotiation, master first. */
export function negotiateTunnels(world: World, conn: VpnConnectionR): { end: TunnelEnd; n: Negotiation }[] {
  return tunnelEnds(conn)
    .sort((a, b) => (a.role === b.role ? 0 : a.role === 'master' ? -1 : 1))
    .map((end) => ({ end, n: negotiateTunnel(world, end) }));
}

/**
 * The tunnel that carries the connection's traffic: the master while it is up, else the slave
 * (dead peer detection moves traffic to it); undefined when none is up. DPD's detection time is not
 * modelled as loss: the echoes of one ping are computed together.
 */
export function carrierOf(world: World, conn: VpnConnectionR): { end: TunnelEnd; n: Negotiation } | undefined {
  return negotiateTunnels(world, conn).find((t) => t.n.status === 'ipsec_sa_established');
}

/**
 * The connection-level Status. For a dual-tunnel connection its meaning is UNVERIFIED
 * (alibaba-today.md §1: judge readiness from the tunnels): here, the status of the tunnel that
 * carries traffic, else the master's; the reason names the tunnels that are down.
 */
export function negotiate(world: World, conn: VpnConnectionR): Negotiation {
  const tunnels = negotiateTunnels(world, conn);
  if (!conn.tunnels) return tunnels[0]!.n;
  const carrier = tunnels.find((t) => t.n.status === 'ipsec_sa_established');
  const down = tunnels.filter((t) => t.n.status !== 'ipsec_sa_established');
  const reason = down.map((t) => `${t.end.role} ${t.end.id}: ${t.n.reason}`).join('; ');
  const base = carrier?.n ?? tunnels[0]!.n;
  return { ...base, reason };
}
