/**
 * The peer side of IPsec connections as the cloud holds it: what the device at the other end must be
 * configured with (DownloadVpnConnectionConfig, the console's "download peer configuration", with
 * the tunnels' roles and state from DescribeVpnConnection), and a tunnel's key changed in place.
 */
import * as $Vpc from '@alicloud/vpc20160428';
import type { TunnelRole } from '../../planner/step-params';
import type { IpsecPeerApi, PeerTunnel } from '../cloud-api';
import type { DriverContext } from './driver-kit';

type IkeModel = {
  psk?: string;
  ikeVersion?: string;
  ikeMode?: string;
  ikeEncAlg?: string;
  ikeAuthAlg?: string;
  ikePfs?: string;
  ikeLifetime?: number | string;
  localId?: string;
  remoteId?: string;
};
type IpsecModel = { ipsecEncAlg?: string; ipsecAuthAlg?: string; ipsecPfs?: string; ipsecLifetime?: number | string };

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
/** Flags and lifetimes come as strings in describe answers and as booleans or numbers elsewhere. */
const flag = (v: unknown, fallback: boolean) => (v === undefined || v === '' ? fallback : String(v) === 'true');
const seconds = (v: unknown) => Number(v ?? 86400);

/** A tunnel from the download (the device's view: Local the device, LocalId its identity) and what Describe says of it. */
function peerTunnel(
  role: TunnelRole,
  id: string,
  download: { local?: string; remote?: string; ikeConfig?: IkeModel; ipsecConfig?: IpsecModel },
  described: { status?: string; enableDpd?: unknown; enableNatTraversal?: unknown },
): PeerTunnel {
  const ike = download.ikeConfig ?? {};
  const ipsec = download.ipsecConfig ?? {};
  const status = described.status ?? 'unknown';
  return {
    role,
    id,
    deviceAddress: download.local ?? '',
    cloudAddress: download.remote ?? '',
    psk: ike.psk ?? '',
    ike: {
      version: ike.ikeVersion ?? 'ikev1',
      mode: ike.ikeMode ?? 'main',
      encryption: ike.ikeEncAlg ?? 'aes',
      integrity: ike.ikeAuthAlg ?? 'md5',
      dhGroup: ike.ikePfs ?? 'group2',
      lifetimeSeconds: seconds(ike.ikeLifetime),
      localId: ike.localId ?? download.local ?? '',
      remoteId: ike.remoteId ?? download.remote ?? '',
    },
    ipsec: {
      encryption: ipsec.ipsecEncAlg ?? 'aes',
      integrity: ipsec.ipsecAuthAlg ?? 'md5',
      pfs: ipsec.ipsecPfs ?? 'group2',
      lifetimeSeconds: seconds(ipsec.ipsecLifetime),
    },
    dpd: flag(described.enableDpd, true),
    natTraversal: flag(described.enableNatTraversal, true),
    status,
    up: status === 'ipsec_sa_established',
  };
}

/** A read's answer, or undefined when the cloud says the resource is not found. */
async function unlessGone<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (e) {
    if ((e as { category?: string }).category === 'not-found') return undefined;
    throw e;
  }
}

export function ipsecPeerApi(ctx: DriverContext): IpsecPeerApi {
  const describe = (region: string, id: string) =>
    ctx.call('DescribeVpnConnection', () =>
      ctx.clients
        .vpc(region)
        .describeVpnConnection(new $Vpc.DescribeVpnConnectionRequest({ regionId: region, vpnConnectionId: id })),
    );
  return {
    async peerConfiguration(region, connectionId) {
      const c = await unlessGone(describe(region, connectionId));
      if (!c?.body?.vpnConnectionId) return undefined;
      const config = (
        await unlessGone(
          ctx.call('DownloadVpnConnectionConfig', () =>
            ctx.clients
              .vpc(region)
              .downloadVpnConnectionConfig(
                new $Vpc.DownloadVpnConnectionConfigRequest({ regionId: region, vpnConnectionId: connectionId }),
              ),
          ),
        )
      )?.body?.vpnConnectionConfig;
      if (!config) return undefined;
      const options = c.body.tunnelOptionsSpecification?.tunnelOptions ?? [];
      const perTunnel = config.tunnelsConfig?.tunnelConfig ?? [];
      const tunnels: PeerTunnel[] = perTunnel.length
        ? perTunnel.map((t) => {
            const o = options.find((x) => x.tunnelId === t.tunnelId);
            return peerTunnel(o?.role === 'slave' ? 'slave' : 'master', t.tunnelId ?? '', t, o ?? {});
          })
        : [peerTunnel('master', connectionId, config, c.body)];
      return {
        connectionId,
        name: c.body.name ?? '',
        gatewayId: c.body.vpnGatewayId ?? '',
        // The download speaks from the device's side: its Local is the device's networks.
        deviceSubnets: list(config.localSubnet),
        cloudSubnets: list(config.remoteSubnet),
        tunnels: tunnels.sort((a, b) => (a.role === b.role ? 0 : a.role === 'master' ? -1 : 1)),
      };
    },
    async setTunnelKey(region, connectionId, tunnel, psk) {
      const c = (await describe(region, connectionId)).body!;
      const options = c.tunnelOptionsSpecification?.tunnelOptions ?? [];
      if (options.length === 0) {
        if (tunnel !== 'master') throw new Error(`${connectionId} is a single-tunnel connection: it has no ${tunnel}`);
        // The single-tunnel form's IkeConfig, key and all, in the form body (never the URL).
        await ctx.call('ModifyVpnConnectionAttribute', () =>
          ctx.clients.vpcForm(
            region,
            'ModifyVpnConnectionAttribute',
            { RegionId: region, VpnConnectionId: connectionId },
            { IkeConfig: JSON.stringify({ Psk: psk }) },
          ),
        );
        return;
      }
      const target = options.find((o) => o.role === tunnel);
      if (!target?.tunnelId) throw new Error(`${connectionId} has no ${tunnel} tunnel`);
      // The SDK sends TunnelOptionsSpecification in the form body.
      await ctx.call('ModifyVpnConnectionAttribute', () =>
        ctx.clients.vpc(region).modifyVpnConnectionAttribute(
          new $Vpc.ModifyVpnConnectionAttributeRequest({
            regionId: region,
            vpnConnectionId: connectionId,
            tunnelOptionsSpecification: [
              new $Vpc.ModifyVpnConnectionAttributeRequestTunnelOptionsSpecification({
                tunnelId: target.tunnelId,
                tunnelIkeConfig: new $Vpc.ModifyVpnConnectionAttributeRequestTunnelOptionsSpecificationTunnelIkeConfig({
                  psk,
                }),
              }),
            ],
          }),
        ),
      );
    },
  };
}
