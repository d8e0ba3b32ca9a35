/**
 * The tunnels of IPsec connections, whatever their form: a dual-tunnel connection has a master and
 * a slave, each with its own customer gateway, keys and proposals, on its own public IP of the
 * gateway; a single-tunnel connection's one tunnel is its master. Negotiation and the data plane
 * read connections through these ends only.
 */
import type { IkeConfig, IpsecConfig, VpnConnectionR, VpnGatewayR, World } from '../state/world';

export type TunnelRole = 'master' | 'slave';

export interface TunnelEnd {
  readonly connection: VpnConnectionR;
  /** The tunnel's id; a single-tunnel connection's own id. */
  readonly id: string;
  readonly role: TunnelRole;
  readonly customerGatewayId: string;
  readonly ike: IkeConfig;
  readonly ipsec: IpsecConfig;
  /** The tunnel, or its whole connection, taken down through the control API. */
  readonly forcedDown: boolean;
  /** Being reconfigured on its own (its connection's other tunnel untouched) until then. */
  readonly updatingUntil?: number;
}

export function tunnelEnds(connection: VpnConnectionR): TunnelEnd[] {
  if (connection.tunnels)
    return connection.tunnels.map((t) => ({
      connection,
      id: t.id,
      role: t.role,
      customerGatewayId: t.customerGatewayId,
      ike: t.ike,
      ipsec: t.ipsec,
      forcedDown: connection.forcedDown || t.forcedDown,
      ...(t.updatingUntil !== undefined ? { updatingUntil: t.updatingUntil } : {}),
    }));
  return [
    {
      connection,
      id: connection.id,
      role: 'master',
      customerGatewayId: connection.customerGatewayId,
      // Single-tunnel connections always hold both (world.ts).
      ike: connection.ike!,
      ipsec: connection.ipsec!,
      forcedDown: connection.forcedDown,
    },
  ];
}

/** Every customer gateway a connection's tunnels point at. */
export const customerGatewaysOf = (connection: VpnConnectionR): string[] =>
  connection.tunnels ? connection.tunnels.map((t) => t.customerGatewayId) : [connection.customerGatewayId];

/**
 * The gateway's public IP a tunnel uses: the master the first (InternetIp), the slave the second
 * (DisasterRecoveryInternetIp). UNVERIFIED mapping (alibaba-today-api.md §3.6 lists it as open).
 */
export function tunnelIp(gateway: VpnGatewayR, role: TunnelRole): string {
  return role === 'slave' && gateway.drInternetIp ? gateway.drInternetIp : gateway.internetIp;
}

/** The zone of the vSwitch a tunnel's ENI is in. */
export function tunnelZone(world: World, gateway: VpnGatewayR, role: TunnelRole): string {
  const vswitch = role === 'slave' && gateway.drVswitchId ? gateway.drVswitchId : gateway.vswitchId;
  return world.vswitches.get(vswitch)?.zoneId ?? '';
}

/** The live gateway that holds `ip`, on either of its addresses. */
export function gatewayAt(world: World, ip: string): VpnGatewayR | undefined {
  for (const g of world.vpnGateways.values())
    if (g.deletingUntil === undefined && (g.internetIp === ip || g.drInternetIp === ip)) return g;
  return undefined;
}
