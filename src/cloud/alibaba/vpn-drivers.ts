/** VPN gateways, customer gateways and IPsec connections. */
import * as $Vpc from '@alicloud/vpc20160428';
import type { ResourceDriver } from '../cloud-api';
import { GONE, matches, orGone, pending, ready, tagsOf, vpcTags, type DriverContext } from './driver-kit';

export function vpnGatewayDriver(ctx: DriverContext): ResourceDriver<'vpn-gateway'> {
  const describe = (region: string, id: string) =>
    ctx.call('DescribeVpnGateway', () =>
      ctx.clients
        .vpc(region)
        .describeVpnGateway(new $Vpc.DescribeVpnGatewayRequest({ regionId: region, vpnGatewayId: id })),
    );
  const list = (region: string, vpcId: string) =>
    ctx.call('DescribeVpnGateways', () =>
      ctx.clients
        .vpc(region)
        .describeVpnGateways(new $Vpc.DescribeVpnGatewaysRequest({ regionId: region, vpcId, pageSize: 50 })),
    );
  return {
    kind: 'vpn-gateway',
    // CreateVpnGateway takes no tags: they are added with TagResources right after (find falls back on the name).
    async create(input) {
      const r = await ctx.call('CreateVpnGateway', () =>
        ctx.clients.vpc(input.region).createVpnGateway(
          new $Vpc.CreateVpnGatewayRequest({
            regionId: input.region,
            vpcId: input.params.vpcId,
            vSwitchId: input.params.vswitchId,
            bandwidth: input.params.bandwidthMbps,
            instanceChargeType: 'POSTPAY',
            autoPay: true,
            enableIpsec: true,
            enableSsl: false,
            name: input.params.name,
            clientToken: input.clientToken,
          }),
        ),
      );
      const id = r.body!.vpnGatewayId!;
      await ctx.call('TagResources', () =>
        ctx.clients.vpc(input.region).tagResources(
          new $Vpc.TagResourcesRequest({
            regionId: input.region,
            resourceType: 'VpnGateway',
            resourceId: [id],
            tag: vpcTags(input.tags).map((t) => new $Vpc.TagResourcesRequestTag(t)),
          }),
        ),
      );
      return id;
    },
    read: (region, id) =>
      orGone(describe(region, id), (r) => {
        const g = r.body!;
        if (!g.vpnGatewayId) return GONE;
        const outputs = { id, internetIp: g.internetIp ?? '' };
        return g.status === 'active' ? ready(outputs) : pending(`VPN gateway is ${g.status}`, false, outputs);
      }),
    async find(input) {
      const gateways = (await list(input.region, input.params.vpcId)).body?.vpnGateways?.vpnGateway ?? [];
      return (
        gateways.find((g) => matches(tagsOf(g), input.tags)) ?? gateways.find((g) => g.name === input.params.name)
      )?.vpnGatewayId;
    },
    async listTagged(region, tags) {
      const r = await ctx.call('DescribeVpnGateways', () =>
        ctx.clients.vpc(region).describeVpnGateways(
          new $Vpc.DescribeVpnGatewaysRequest({
            regionId: region,
            pageSize: 50,
            tag: vpcTags(tags).map((t) => new $Vpc.DescribeVpnGatewaysRequestTag(t)),
          }),
        ),
      );
      return (r.body?.vpnGateways?.vpnGateway ?? []).map((x) => ({
        kind: 'vpn-gateway' as const,
        id: x.vpnGatewayId!,
        region,
        tags: tagsOf(x),
      }));
    },
    async delete(region, id) {
      await ctx.call('DeleteVpnGateway', () =>
        ctx.clients
          .vpc(region)
          .deleteVpnGateway(new $Vpc.DeleteVpnGatewayRequest({ regionId: region, vpnGatewayId: id })),
      );
    },
  };
}

export function customerGatewayDriver(ctx: DriverContext): ResourceDriver<'customer-gateway'> {
  return {
    kind: 'customer-gateway',
    async create(input) {
      const r = await ctx.call('CreateCustomerGateway', () =>
        ctx.clients.vpc(input.region).createCustomerGateway(
          new $Vpc.CreateCustomerGatewayRequest({
            regionId: input.region,
            ipAddress: input.params.ipAddress,
            name: input.params.name,
            clientToken: input.clientToken,
            tags: vpcTags(input.tags).map((t) => new $Vpc.CreateCustomerGatewayRequestTags(t)),
          }),
        ),
      );
      return r.body!.customerGatewayId!;
    },
    read: (region, id) =>
      orGone(
        ctx.call('DescribeCustomerGateway', () =>
          ctx.clients
            .vpc(region)
            .describeCustomerGateway(
              new $Vpc.DescribeCustomerGatewayRequest({ regionId: region, customerGatewayId: id }),
            ),
        ),
        (r) => (r.body?.customerGatewayId ? ready({ id, ipAddress: r.body.ipAddress ?? '' }) : GONE),
      ),
    async find(input) {
      const r = await ctx.call('DescribeCustomerGateways', () =>
        ctx.clients.vpc(input.region).describeCustomerGateways(
          new $Vpc.DescribeCustomerGatewaysRequest({
            regionId: input.region,
            pageSize: 50,
            tag: vpcTags(input.tags).map((t) => new $Vpc.DescribeCustomerGatewaysRequestTag(t)),
          }),
        ),
      );
      return r.body?.customerGateways?.customerGateway?.[0]?.customerGatewayId;
    },
    async listTagged(region, tags) {
      const r = await ctx.call('DescribeCustomerGateways', () =>
        ctx.clients.vpc(region).describeCustomerGateways(
          new $Vpc.DescribeCustomerGatewaysRequest({
            regionId: region,
            pageSize: 50,
            tag: vpcTags(tags).map((t) => new $Vpc.DescribeCustomerGatewaysRequestTag(t)),
          }),
        ),
      );
      return (r.body?.customerGateways?.customerGateway ?? []).map((x) => ({
        kind: 'customer-gateway' as const,
        id: x.customerGatewayId!,
        region,
        tags: tagsOf(x),
      }));
    },
    async delete(region, id) {
      await ctx.call('DeleteCustomerGateway', () =>
        ctx.clients
          .vpc(region)
          .deleteCustomerGateway(new $Vpc.DeleteCustomerGatewayRequest({ regionId: region, customerGatewayId: id })),
      );
    },
  };
}

/**
 * IPsec connections. `settled` means the gateway accepts the next change (gateway active, connection
 * configured); `ready` means the tunnel is up (ipsec_sa_established), which needs the mirror on the peer.
 */
export function ipsecConnectionDriver(ctx: DriverContext): ResourceDriver<'ipsec-connection'> {
  const list = (region: string, q: Partial<$Vpc.DescribeVpnConnectionsRequest>) =>
    ctx.call('DescribeVpnConnections', () =>
      ctx.clients
        .vpc(region)
        .describeVpnConnections(new $Vpc.DescribeVpnConnectionsRequest({ regionId: region, pageSize: 50, ...q })),
    );
  const sameSet = (a: string | undefined, b: readonly string[]) => {
    const xs = (a ?? '').split(',').filter((x) => x !== '');
    return xs.length === b.length && b.every((x) => xs.includes(x));
  };
  return {
    kind: 'ipsec-connection',
    async create(input) {
      if (!input.psk) throw new Error('an IPsec connection needs its pre-shared key');
      const ikeVersion = input.params.ikeVersion;
      // The keys travel in the form body (vpcForm), never in the URL the SDK would put them in.
      const query = {
        RegionId: input.region,
        VpnGatewayId: input.params.vpnGatewayId,
        CustomerGatewayId: input.params.customerGatewayId,
        Name: input.params.name,
        LocalSubnet: input.params.localCidrs.join(','),
        RemoteSubnet: input.params.remoteCidrs.join(','),
        EffectImmediately: true,
        AutoConfigRoute: true,
        ClientToken: input.clientToken,
        Tags: vpcTags(input.tags).map((t) => ({ Key: t.key, Value: t.value })),
      };
      const secrets = {
        IkeConfig: JSON.stringify({
          Psk: input.psk,
          IkeVersion: ikeVersion,
          IkeMode: 'main',
          IkeEncAlg: 'aes',
          IkeAuthAlg: 'sha256',
          IkePfs: 'group14',
          IkeLifetime: 86400,
        }),
        IpsecConfig: JSON.stringify({
          IpsecEncAlg: 'aes',
          IpsecAuthAlg: 'sha256',
          IpsecPfs: 'group14',
          IpsecLifetime: 86400,
        }),
      };
      const r = await ctx.call('CreateVpnConnection', () =>
        ctx.clients.vpcForm(input.region, 'CreateVpnConnection', query, secrets),
      );
      const id = (r as { VpnConnectionId?: string }).VpnConnectionId;
      if (!id) throw new Error('CreateVpnConnection answered without a VpnConnectionId');
      return id;
    },
    read: (region, id) =>
      orGone(
        ctx.call('DescribeVpnConnection', () =>
          ctx.clients
            .vpc(region)
            .describeVpnConnection(new $Vpc.DescribeVpnConnectionRequest({ regionId: region, vpnConnectionId: id })),
        ),
        async (r) => {
          const c = r.body!;
          if (!c.vpnConnectionId) return GONE;
          const gw = await ctx.call('DescribeVpnGateway', () =>
            ctx.clients
              .vpc(region)
              .describeVpnGateway(
                new $Vpc.DescribeVpnGatewayRequest({ regionId: region, vpnGatewayId: c.vpnGatewayId }),
              ),
          );
          const settled = c.state === 'active' && gw.body?.status === 'active';
          return c.status === 'ipsec_sa_established' && c.state === 'active'
            ? ready({ id }, settled)
            : pending(`tunnel ${c.status ?? 'unknown'} (connection ${c.state})`, settled, { id });
        },
      ),
    async find(input) {
      const r = await list(input.region, { vpnGatewayId: input.params.vpnGatewayId });
      return r.body?.vpnConnections?.vpnConnection?.find((c) => matches(tagsOf(c), input.tags))?.vpnConnectionId;
    },
    async findExternal(input) {
      const r = await list(input.region, { vpnGatewayId: input.params.vpnGatewayId });
      const c = r.body?.vpnConnections?.vpnConnection?.find(
        (x) => sameSet(x.localSubnet, input.params.localCidrs) && sameSet(x.remoteSubnet, input.params.remoteCidrs),
      );
      return c?.vpnConnectionId
        ? {
            id: c.vpnConnectionId,
            attrs: { localCidrs: input.params.localCidrs, remoteCidrs: input.params.remoteCidrs },
          }
        : undefined;
    },
    async listTagged(region, tags) {
      const r = await list(region, { tag: vpcTags(tags).map((t) => new $Vpc.DescribeVpnConnectionsRequestTag(t)) });
      return (r.body?.vpnConnections?.vpnConnection ?? []).map((x) => ({
        kind: 'ipsec-connection' as const,
        id: x.vpnConnectionId!,
        region,
        tags: tagsOf(x),
      }));
    },
    explain: (region, id) => explainConnection(ctx, region, id),
    async delete(region, id) {
      await ctx.call('DeleteVpnConnection', () =>
        ctx.clients
          .vpc(region)
          .deleteVpnConnection(new $Vpc.DeleteVpnConnectionRequest({ regionId: region, vpnConnectionId: id })),
      );
    },
  };
}

/** The IKE log of a connection: why its tunnel does not come up. */
async function explainConnection(ctx: DriverContext, region: string, id: string): Promise<string> {
  const r = await ctx.call('DescribeVpnConnectionLogs', () =>
    ctx.clients
      .vpc(region)
      .describeVpnConnectionLogs(
        new $Vpc.DescribeVpnConnectionLogsRequest({ regionId: region, vpnConnectionId: id, minutePeriod: 10 }),
      ),
  );
  return (r.body?.data?.logs ?? []).map((l) => l.replace(/^\S+ \S+ /, '')).join('; ');
}
