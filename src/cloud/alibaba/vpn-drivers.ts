/** VPN gateways, customer gateways and IPsec connections. */
import * as $Vpc from '@alicloud/vpc20160428';
import { VpnbotError } from '../../errors';
import type { TunnelRole } from '../../planner/step-params';
import type { ResourceDriver, ResourceInput, TunnelObservation } from '../cloud-api';
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
            // Today's gateways are dual-tunnel: the second tunnel's vSwitch, in another zone.
            disasterRecoveryVSwitchId: input.params.drVswitchId,
            bandwidth: input.params.bandwidthMbps,
            instanceChargeType: ctx.billing.vpnGateway.chargeType,
            ...(ctx.billing.vpnGateway.period ? { period: ctx.billing.vpnGateway.period } : {}),
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
        refuseLocked(g);
        // A gateway bought before the dual-tunnel upgrade has no second address: '' says so.
        const outputs = { id, internetIp: g.internetIp ?? '', disasterRecoveryIp: g.disasterRecoveryInternetIp ?? '' };
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
    /**
     * A customer gateway for the same address already in the region (an adopted dual-tunnel
     * gateway's peer often has one for each address): the cloud takes one per address and region,
     * so it stands for the peer as it is, left in place.
     */
    async findExternal(input) {
      const ip = input.params.ipAddress;
      if (!ip) return undefined;
      const r = await ctx.call('DescribeCustomerGateways', () =>
        ctx.clients
          .vpc(input.region)
          .describeCustomerGateways(new $Vpc.DescribeCustomerGatewaysRequest({ regionId: input.region, pageSize: 50 })),
      );
      const found = r.body?.customerGateways?.customerGateway?.find((c) => c.ipAddress === ip);
      return found?.customerGatewayId ? { id: found.customerGatewayId, attrs: { ipAddress: ip } } : undefined;
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
      if (input.params.tunnels === 'dual') return createDual(ctx, input);
      if (!input.psk?.master) throw new Error('an IPsec connection needs its pre-shared key');
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
        IkeConfig: JSON.stringify({ Psk: input.psk.master, IkeVersion: ikeVersion, ...IKE }),
        IpsecConfig: JSON.stringify(IPSEC),
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
          // Readiness from the tunnels: what a dual-tunnel connection's own Status means is not documented.
          const listed = c.tunnelOptionsSpecification?.tunnelOptions ?? [];
          const tunnels: TunnelObservation[] = listed.length
            ? listed
                .map((t) => ({
                  role: t.role === 'slave' ? ('slave' as const) : ('master' as const),
                  id: t.tunnelId ?? '',
                  status: t.status ?? 'unknown',
                  up: t.status === 'ipsec_sa_established',
                }))
                .sort((a, b) => (a.role === b.role ? 0 : a.role === 'master' ? -1 : 1))
            : [{ role: 'master', id, status: c.status ?? 'unknown', up: c.status === 'ipsec_sa_established' }];
          const up = tunnels.every((t) => t.up) && c.state === 'active';
          // Settled (the next change on the gateway can go) once the connection is active: Terraform
          // waits for State active the same way. UNVERIFIED whether the gateway can still be
          // `updating` then; if it is, the next change answers VpnGateway.Configuring, which is
          // retried (map-error.ts), so reading the gateway on every poll buys nothing but calls.
          const settled = c.state === 'active';
          const detail = listed.length
            ? `tunnels: ${tunnels.map((t) => `${t.role} ${t.status}`).join(', ')} (connection ${c.state})`
            : `tunnel ${c.status ?? 'unknown'} (connection ${c.state})`;
          // The tunnels' ids go with the connection's record: status names them.
          const outputs: Record<string, string> = { id };
          for (const t of listed.length ? tunnels : []) outputs[`${t.role}TunnelId`] = t.id;
          const o = up ? ready(outputs, settled) : pending(detail, settled, outputs);
          return { ...o, tunnels };
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

/** The proposals vpnbot sets on both ends of every tunnel (IKE version and key apart). */
const IKE = { IkeMode: 'main', IkeEncAlg: 'aes', IkeAuthAlg: 'sha256', IkePfs: 'group14', IkeLifetime: 86400 };
const IPSEC = { IpsecEncAlg: 'aes', IpsecAuthAlg: 'sha256', IpsecPfs: 'group14', IpsecLifetime: 86400 };

/**
 * A connection on a dual-tunnel gateway: two tunnels, the master with the peer's first address and
 * the slave with its second (or its only one). The SDK puts TunnelOptionsSpecification, keys and
 * all, in the form body, never in the URL.
 */
async function createDual(ctx: DriverContext, input: ResourceInput<'ipsec-connection'>): Promise<string> {
  const { params, psk } = input;
  const [master, slave] = [psk?.master, psk?.slave];
  if (!master || !slave) throw new Error('a dual-tunnel IPsec connection needs a pre-shared key per tunnel');
  const tunnel = (role: TunnelRole, customerGatewayId: string, key: string) =>
    new $Vpc.CreateVpnConnectionRequestTunnelOptionsSpecification({
      role,
      customerGatewayId,
      enableDpd: true,
      enableNatTraversal: true,
      tunnelIkeConfig: new $Vpc.CreateVpnConnectionRequestTunnelOptionsSpecificationTunnelIkeConfig({
        psk: key,
        ikeVersion: params.ikeVersion,
        ikeMode: IKE.IkeMode,
        ikeEncAlg: IKE.IkeEncAlg,
        ikeAuthAlg: IKE.IkeAuthAlg,
        ikePfs: IKE.IkePfs,
        ikeLifetime: IKE.IkeLifetime,
      }),
      tunnelIpsecConfig: new $Vpc.CreateVpnConnectionRequestTunnelOptionsSpecificationTunnelIpsecConfig({
        ipsecEncAlg: IPSEC.IpsecEncAlg,
        ipsecAuthAlg: IPSEC.IpsecAuthAlg,
        ipsecPfs: IPSEC.IpsecPfs,
        ipsecLifetime: IPSEC.IpsecLifetime,
      }),
    });
  const r = await ctx.call('CreateVpnConnection', () =>
    ctx.clients.vpc(input.region).createVpnConnection(
      new $Vpc.CreateVpnConnectionRequest({
        regionId: input.region,
        vpnGatewayId: params.vpnGatewayId,
        name: params.name,
        localSubnet: params.localCidrs.join(','),
        remoteSubnet: params.remoteCidrs.join(','),
        effectImmediately: true,
        autoConfigRoute: true,
        clientToken: input.clientToken,
        tags: vpcTags(input.tags).map((t) => new $Vpc.CreateVpnConnectionRequestTags(t)),
        tunnelOptionsSpecification: [
          tunnel('master', params.customerGatewayId, master),
          tunnel('slave', params.slaveCustomerGatewayId, slave),
        ],
      }),
    ),
  );
  const id = r.body?.vpnConnectionId;
  if (!id) throw new Error('CreateVpnConnection answered without a VpnConnectionId');
  return id;
}

/**
 * A gateway of an overdue account takes no change and its tunnels are not to be waited for: a
 * clear error with what to do, instead of a wait that times out.
 */
function refuseLocked(g: { vpnGatewayId?: string; businessStatus?: string }): void {
  if (g.businessStatus === 'FinancialLocked')
    throw new VpnbotError(
      'cloud.financial-locked',
      `VPN gateway ${g.vpnGatewayId ?? ''} is locked: BusinessStatus FinancialLocked (the Alibaba Cloud account has an overdue payment)`,
    );
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
