/**
 * VPC 2016-04-28: VPN gateways, customer gateways and IPsec connections (the family of
 * cloud/alibaba/vpn-drivers.ts). Codes marked SYNTHETIC are not documented publicly (alibaba-api.md §13);
 * they are named plainly so that a reader of vpnbot's logs knows what happened.
 */
import { isUsableGatewayIp } from '../../topology/cidr';
import { ApiError, invalid, notFound } from '../api/api-error';
import { omit, page, reads, regionOf, writes, type ActionTable } from '../api/api-kit';
import { negotiate } from '../network/ipsec-negotiation';
import { connectionOf, gatewayOf, gatewayStatus, lockGateway, subnets, vpcOf } from './vpc-kit';
import { addAutoRoutes, liveRoutes } from './vpn-route-actions';
import {
  LATENCY,
  matchesTags,
  tagList,
  type IkeConfig,
  type IpsecConfig,
  type VpnConnectionR,
  type VpnGatewayR,
  type World,
} from '../state/world';

const PUBLIC_IP_BLOCKS: Record<string, string> = {
  'cn-hongkong': '8.210',
  'ap-northeast-1': '47.74',
  'us-west-1': '47.88',
};

// ---- VPN gateways, customer gateways, IPsec connections --------------------------------------

const gatewayView = (w: World, g: VpnGatewayR) => ({
  VpnGatewayId: g.id,
  VpcId: g.vpcId,
  VSwitchId: g.vswitchId,
  InternetIp: g.internetIp,
  Status: gatewayStatus(w, g),
  BusinessStatus: 'Normal',
  Name: g.name,
  Spec: `${g.bandwidth}M`,
  ChargeType: g.chargeType,
  CreateTime: g.createdAt,
  EndTime: 0,
  IpsecVpn: 'enable',
  SslVpn: 'disable',
  SslMaxConnections: 0,
  NetworkType: 'public',
  GatewayType: 'Traditional',
  EnableBgp: false,
  AutoPropagate: false,
  VpnType: 'Normal',
  Tags: { Tag: tagList(g.tags) },
  Tag: JSON.stringify(tagList(g.tags)),
  Description: g.description ?? '',
});

const createVpnGateway = writes((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const v = vpcOf(w, ctx.params.req('VpcId'));
  if (v.regionId !== regionId) throw notFound('InvalidVpcId.NotFound', `VPC ${v.id} in ${regionId}`);
  const bandwidth = ctx.params.int('Bandwidth', -1);
  if (![5, 10, 20, 50, 100, 200, 500, 1000].includes(bandwidth))
    throw new ApiError('InvalidBandwidth', 'Bandwidth must be one of 10, 100, 200, 500, 1000 Mbps.', 400);
  const vswitchId = ctx.params.opt('VSwitchId') ?? [...w.vswitches.values()].find((s) => s.vpcId === v.id)?.id ?? '';
  const s = w.vswitches.get(vswitchId);
  if (vswitchId && (!s || s.vpcId !== v.id)) throw notFound('InvalidVSwitchId.NotFound', `vSwitch ${vswitchId}`);
  if ([...w.vpnGateways.values()].some((g) => g.vpcId === v.id))
    throw new ApiError('VpnGateway.AlreadyExists', `The VPC ${v.id} already has a VPN gateway.`, 400);
  const id = w.newId('vpn');
  const prefix = PUBLIC_IP_BLOCKS[regionId] ?? '47.100';
  const ip = `${prefix}.${1 + Math.floor(w.random() * 254)}.${1 + Math.floor(w.random() * 254)}`;
  // Without AutoPay the order waits for manual payment, and the gateway stays `init`.
  const phases = ctx.params.bool('AutoPay', false)
    ? w.phases(
        [
          ['init', LATENCY.vpnGatewayInit],
          ['provisioning', LATENCY.vpnGatewayProvision],
        ],
        'active',
      )
    : w.phases([], 'init');
  w.vpnGateways.set(id, {
    id,
    vpcId: v.id,
    vswitchId,
    regionId,
    name: ctx.params.opt('Name') ?? '',
    internetIp: ip,
    bandwidth,
    chargeType: ctx.params.opt('InstanceChargeType') ?? 'POSTPAY',
    busyUntil: 0,
    tags: {},
    createdAt: w.now(),
    phases,
    description: ctx.params.opt('Description') ?? '',
  });
  return { VpnGatewayId: id, Name: ctx.params.opt('Name') ?? '', OrderId: Math.floor(w.random() * 1e12) };
});

/** Name, description and route propagation change in place; not a configuration change of the tunnels. */
const modifyVpnGatewayAttribute = writes((ctx) => {
  const w = ctx.world;
  const g = gatewayOf(w, ctx.params.req('VpnGatewayId'));
  g.name = ctx.params.opt('Name') ?? g.name;
  g.description = ctx.params.opt('Description') ?? g.description ?? '';
  // The model of this answer is the gateway without its tags and product flags.
  return omit(
    gatewayView(w, g),
    'ChargeType',
    'IpsecVpn',
    'SslVpn',
    'SslMaxConnections',
    'NetworkType',
    'GatewayType',
    'VpnType',
    'Tags',
    'Tag',
  );
});

const describeVpnGateway = reads((ctx) => gatewayView(ctx.world, gatewayOf(ctx.world, ctx.params.req('VpnGatewayId'))));

const describeVpnGateways = reads((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const f = { vpcId: ctx.params.opt('VpcId'), id: ctx.params.opt('VpnGatewayId'), status: ctx.params.opt('Status') };
  const tags = ctx.params.tags();
  const all = [...w.vpnGateways.values()].filter(
    (g) =>
      g.regionId === regionId &&
      (!f.vpcId || g.vpcId === f.vpcId) &&
      (!f.id || g.id === f.id) &&
      (!f.status || gatewayStatus(w, g) === f.status) &&
      matchesTags(g.tags, tags),
  );
  const { items, meta } = page(ctx, all);
  return { VpnGateways: { VpnGateway: items.map((g) => gatewayView(w, g)) }, ...meta };
});

const deleteVpnGateway = writes((ctx) => {
  const w = ctx.world;
  const g = gatewayOf(w, ctx.params.req('VpnGatewayId'));
  if (g.deletingUntil !== undefined) return {};
  // SYNTHETIC: the real code for a gateway that still has connections is not documented.
  if ([...w.vpnConnections.values()].some((c) => c.vpnGatewayId === g.id))
    throw new ApiError(
      'DependencyViolation.VpnConnection',
      `The VPN gateway ${g.id} still has IPsec connections.`,
      400,
    );
  if ([...w.routeEntries.values()].some((e) => e.nextHopId === g.id))
    throw new ApiError('DependencyViolation.RouteEntry', `Route entries still point at ${g.id}.`, 400);
  lockGateway(w, g, LATENCY.vpnGatewayDelete);
  w.markDeleting(g, LATENCY.vpnGatewayDelete);
  return {};
});

const cgView = (c: {
  id: string;
  ipAddress: string;
  name: string;
  description: string;
  createdAt: number;
  tags: Record<string, string>;
}) => ({
  CustomerGatewayId: c.id,
  IpAddress: c.ipAddress,
  Name: c.name,
  Description: c.description,
  CreateTime: c.createdAt,
  Asn: 0,
  Tags: { Tag: tagList(c.tags) },
});

const createCustomerGateway = writes((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const ip = ctx.params.req('IpAddress');
  if (!isUsableGatewayIp(ip))
    throw new ApiError('InvalidIpAddress', `The IP address ${ip} cannot be used for a customer gateway.`, 400);
  if ([...w.customerGateways.values()].some((c) => c.regionId === regionId && c.ipAddress === ip)) {
    throw new ApiError(
      'InvalidIpAddress.AlreadyExist',
      `A customer gateway with IP ${ip} already exists in ${regionId}.`,
      400,
    );
  }
  const id = w.newId('cgw');
  const c = {
    id,
    regionId,
    ipAddress: ip,
    name: ctx.params.opt('Name') ?? '',
    description: ctx.params.opt('Description') ?? '',
    createdAt: w.now(),
    tags: ctx.params.tags(),
  };
  w.customerGateways.set(id, c);
  return omit(cgView(c), 'Asn', 'Tags');
});

const describeCustomerGateways = reads((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const id = ctx.params.opt('CustomerGatewayId');
  const tags = ctx.params.tags();
  const all = [...w.customerGateways.values()].filter(
    (c) => c.regionId === regionId && (!id || c.id === id) && matchesTags(c.tags, tags),
  );
  const { items, meta } = page(ctx, all);
  return { CustomerGateways: { CustomerGateway: items.map(cgView) }, ...meta };
});

const describeCustomerGateway = reads((ctx) => {
  const c = ctx.world.customerGateways.get(ctx.params.req('CustomerGatewayId'));
  if (!c) throw notFound('InvalidCustomerGatewayInstanceId.NotFound', 'customer gateway');
  return cgView(c);
});

const deleteCustomerGateway = writes((ctx) => {
  const w = ctx.world;
  const id = ctx.params.req('CustomerGatewayId');
  if (!w.customerGateways.has(id))
    throw notFound('InvalidCustomerGatewayInstanceId.NotFound', `customer gateway ${id}`);
  // SYNTHETIC: the real code for a customer gateway still in use is not documented.
  if ([...w.vpnConnections.values()].some((c) => c.customerGatewayId === id))
    throw new ApiError(
      'DependencyViolation.VpnConnection',
      `The customer gateway ${id} is used by IPsec connections.`,
      400,
    );
  w.customerGateways.delete(id);
  return {};
});

const IKE_DEFAULTS: Omit<IkeConfig, 'Psk' | 'LocalId' | 'RemoteId'> = {
  IkeVersion: 'ikev1',
  IkeMode: 'main',
  IkeEncAlg: 'aes',
  IkeAuthAlg: 'md5',
  IkePfs: 'group2',
  IkeLifetime: 86400,
};
const IPSEC_DEFAULTS: IpsecConfig = {
  IpsecEncAlg: 'aes',
  IpsecAuthAlg: 'md5',
  IpsecPfs: 'group2',
  IpsecLifetime: 86400,
};

/** The IKE version is known, and IKEv1 carries one local and one remote CIDR per connection. */
function checkSelectors(ike: IkeConfig, local: readonly string[], remote: readonly string[]): void {
  if (!['ikev1', 'ikev2'].includes(ike.IkeVersion)) throw invalid('IkeConfig.IkeVersion', 'must be ikev1 or ikev2');
  // SYNTHETIC code: the rule is documented, the real error code is not public.
  if (ike.IkeVersion === 'ikev1' && (local.length > 1 || remote.length > 1)) {
    throw new ApiError(
      'InvalidParameter.IkeV1MultipleCidrs',
      'With IKEv1 an IPsec connection supports only one local CIDR block and one remote CIDR block; use IKEv2 or one connection per CIDR pair.',
      400,
    );
  }
}

const createVpnConnection = writes((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const g = gatewayOf(w, ctx.params.req('VpnGatewayId'));
  const cg = w.customerGateways.get(ctx.params.req('CustomerGatewayId'));
  if (!cg || cg.regionId !== regionId) throw notFound('InvalidCustomerGatewayInstanceId.NotFound', 'customer gateway');
  const local = subnets(ctx, 'LocalSubnet');
  const remote = subnets(ctx, 'RemoteSubnet');
  const ikeIn = ctx.params.json<Partial<IkeConfig>>('IkeConfig') ?? {};
  const ike: IkeConfig = {
    ...IKE_DEFAULTS,
    ...ikeIn,
    Psk:
      ikeIn.Psk ??
      Array.from({ length: 16 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(w.random() * 36)]).join(''),
    LocalId: ikeIn.LocalId ?? g.internetIp,
    RemoteId: ikeIn.RemoteId ?? cg.ipAddress,
  };
  checkSelectors(ike, local, remote);
  if ([...w.vpnConnections.values()].filter((c) => c.vpnGatewayId === g.id).length >= ctx.ipsecConnectionQuota) {
    throw new ApiError(
      'QuotaExceeded.VpnConnection',
      `The VPN gateway ${g.id} already has ${ctx.ipsecConnectionQuota} IPsec connections (quota).`,
      400,
    );
  }
  lockGateway(w, g, LATENCY.vpnGatewayUpdate);
  const id = w.newId('vco');
  const c: VpnConnectionR = {
    id,
    regionId,
    vpnGatewayId: g.id,
    customerGatewayId: cg.id,
    name: ctx.params.opt('Name') ?? '',
    localSubnet: local,
    remoteSubnet: remote,
    ike,
    ipsec: { ...IPSEC_DEFAULTS, ...(ctx.params.json<Partial<IpsecConfig>>('IpsecConfig') ?? {}) },
    effectImmediately: ctx.params.bool('EffectImmediately', false),
    tags: ctx.params.tags(),
    forcedDown: false,
    createdAt: w.now(),
    phases: w.phases([['init', LATENCY.vpnConnectionCreate]], 'active'),
    autoConfigRoute: ctx.params.bool('AutoConfigRoute', true),
  };
  w.vpnConnections.set(id, c);
  // AutoConfigRoute (true by default): the gateway's policy-based routes for the selectors come with it.
  if (c.autoConfigRoute) addAutoRoutes(w, c);
  return { VpnConnectionId: id, Name: ctx.params.opt('Name') ?? '', CreateTime: w.now() };
});

const connectionView = (w: World, c: VpnConnectionR) => ({
  VpnConnectionId: c.id,
  VpnGatewayId: c.vpnGatewayId,
  CustomerGatewayId: c.customerGatewayId,
  Name: c.name,
  LocalSubnet: c.localSubnet.join(','),
  RemoteSubnet: c.remoteSubnet.join(','),
  CreateTime: c.createdAt,
  EffectImmediately: c.effectImmediately,
  Status: negotiate(w, c).status,
  State: w.status(c, 'deleting'),
  IkeConfig: c.ike,
  IpsecConfig: c.ipsec,
  EnableDpd: true,
  EnableNatTraversal: true,
  NetworkType: 'public',
  AttachType: 'VPNGW',
});

// One connection carries its tags as Tags.Tag, the list as Tag.Tag (so the SDK models have it).
const describeVpnConnection = reads((ctx) => {
  const c = connectionOf(ctx.world, ctx.params.req('VpnConnectionId'));
  return { ...connectionView(ctx.world, c), Tags: { Tag: tagList(c.tags) } };
});

const describeVpnConnections = reads((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const f = {
    gw: ctx.params.opt('VpnGatewayId'),
    cg: ctx.params.opt('CustomerGatewayId'),
    id: ctx.params.opt('VpnConnectionId'),
  };
  const tags = ctx.params.tags();
  const all = [...w.vpnConnections.values()].filter(
    (c) =>
      c.regionId === regionId &&
      (!f.gw || c.vpnGatewayId === f.gw) &&
      (!f.cg || c.customerGatewayId === f.cg) &&
      (!f.id || c.id === f.id) &&
      matchesTags(c.tags, tags),
  );
  const { items, meta } = page(ctx, all);
  return {
    VpnConnections: { VpnConnection: items.map((c) => ({ ...connectionView(w, c), Tag: { Tag: tagList(c.tags) } })) },
    ...meta,
  };
});

/** The IKE log of a connection: why its tunnel is (not) up. */
const describeVpnConnectionLogs = reads((ctx) => {
  const w = ctx.world;
  const c = connectionOf(w, ctx.params.req('VpnConnectionId'));
  const n = negotiate(w, c);
  const at = new Date(w.now()).toISOString().replace('T', ' ').slice(0, 19);
  const logs =
    n.status === 'ipsec_sa_established'
      ? [
          `${at} ${c.id}: IKE SA established with ${w.customerGateways.get(c.customerGatewayId)?.ipAddress ?? '?'}`,
          `${at} ${c.id}: IPsec SA established`,
        ]
      : [`${at} ${c.id}: ${n.reason}`];
  return { Data: { Logs: logs }, Count: logs.length, IsCompleted: true, PageNumber: 1, PageSize: logs.length };
});

/**
 * Changes a connection in place (drift repair, key rotation without a new tunnel): name, selectors,
 * IKE and IPsec settings, EffectImmediately. One change of the gateway; the tunnel renegotiates with
 * what it now holds. With AutoConfigRoute the gateway's routes follow the new selectors.
 */
const modifyVpnConnectionAttribute = writes((ctx) => {
  const w = ctx.world;
  const c = connectionOf(w, ctx.params.req('VpnConnectionId'));
  const local = ctx.params.opt('LocalSubnet') !== undefined ? subnets(ctx, 'LocalSubnet') : c.localSubnet;
  const remote = ctx.params.opt('RemoteSubnet') !== undefined ? subnets(ctx, 'RemoteSubnet') : c.remoteSubnet;
  const ike: IkeConfig = { ...c.ike, ...(ctx.params.json<Partial<IkeConfig>>('IkeConfig') ?? {}) };
  checkSelectors(ike, local, remote);
  lockGateway(w, gatewayOf(w, c.vpnGatewayId), LATENCY.vpnGatewayUpdate);
  const selectorsChanged = local.join() !== c.localSubnet.join() || remote.join() !== c.remoteSubnet.join();
  Object.assign(c, {
    name: ctx.params.opt('Name') ?? c.name,
    localSubnet: local,
    remoteSubnet: remote,
    ike,
    ipsec: { ...c.ipsec, ...(ctx.params.json<Partial<IpsecConfig>>('IpsecConfig') ?? {}) },
    effectImmediately: ctx.params.bool('EffectImmediately', c.effectImmediately),
    autoConfigRoute: ctx.params.bool('AutoConfigRoute', c.autoConfigRoute !== false),
    forcedDown: false,
    trafficSeenAt: undefined,
    // The new settings take a negotiation: configuring until the gateway's change is done.
    phases: w.phases([['updating', LATENCY.vpnGatewayUpdate]], 'active'),
  });
  if (selectorsChanged && c.autoConfigRoute) {
    for (const r of liveRoutes(w, c.vpnGatewayId).filter((x) => x.nextHop === c.id && x.auto))
      w.markDeleting(r, LATENCY.vpnGatewayUpdate);
    addAutoRoutes(w, c);
  }
  return omit(connectionView(w, c), 'Status', 'State', 'NetworkType', 'AttachType');
});

const deleteVpnConnection = writes((ctx) => {
  const w = ctx.world;
  const c = connectionOf(w, ctx.params.req('VpnConnectionId'));
  if (c.deletingUntil !== undefined) return {};
  // SYNTHETIC code: routes added by hand still name the connection; the documented rule is to delete them first.
  const routes = liveRoutes(w, c.vpnGatewayId).filter((r) => r.nextHop === c.id);
  if (routes.some((r) => !r.auto))
    throw new ApiError(
      'DependencyViolation.VpnRouteEntry',
      `The IPsec connection ${c.id} is the next hop of VPN gateway routes; delete them first.`,
      400,
    );
  lockGateway(w, gatewayOf(w, c.vpnGatewayId), LATENCY.vpnGatewayUpdate);
  w.markDeleting(c, LATENCY.vpnGatewayUpdate);
  for (const r of routes) w.markDeleting(r, LATENCY.vpnGatewayUpdate);
  return {};
});

export const VPN_ACTIONS: ActionTable = {
  CreateVpnGateway: createVpnGateway,
  ModifyVpnGatewayAttribute: modifyVpnGatewayAttribute,
  DescribeVpnGateway: describeVpnGateway,
  DescribeVpnGateways: describeVpnGateways,
  DeleteVpnGateway: deleteVpnGateway,
  CreateCustomerGateway: createCustomerGateway,
  DescribeCustomerGateways: describeCustomerGateways,
  DescribeCustomerGateway: describeCustomerGateway,
  DeleteCustomerGateway: deleteCustomerGateway,
  CreateVpnConnection: createVpnConnection,
  DescribeVpnConnection: describeVpnConnection,
  DescribeVpnConnections: describeVpnConnections,
  DescribeVpnConnectionLogs: describeVpnConnectionLogs,
  DeleteVpnConnection: deleteVpnConnection,
  ModifyVpnConnectionAttribute: modifyVpnConnectionAttribute,
};
