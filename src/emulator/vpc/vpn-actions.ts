/**
 * VPC 2016-04-28: VPN gateways and customer gateways (the family of cloud/alibaba/vpn-drivers.ts;
 * IPsec connections are in ipsec-actions.ts). A gateway is dual-tunnel or single-tunnel as its
 * region sells them (vpn-capabilities.ts). Codes marked SYNTHETIC are not documented publicly
 * (alibaba-api.md §13); they are named plainly so that a reader of vpnbot's logs knows what happened.
 */
import { isUsableGatewayIp } from '../../topology/cidr';
import { ApiError, notFound } from '../api/api-error';
import { omit, page, reads, regionOf, writes, type ActionContext, type ActionTable } from '../api/api-kit';
import { customerGatewaysOf } from '../network/tunnels';
import { gatewayOf, gatewayStatus, lockGateway, vpcOf } from './vpc-kit';
import { IPSEC_ACTIONS } from './ipsec-actions';
import { tunnelModeOf, VPN_ERRORS, VPN_SPECS, vpnZonesOf, zoneName } from './vpn-capabilities';
import { VPN_CHARGE_TYPE } from '../state/account';
import { LATENCY, matchesTags, tagList, type VpcR, type VpnGatewayR, type World } from '../state/world';

const PUBLIC_IP_BLOCKS: Record<string, string> = {
  'cn-hongkong': '8.210',
  'ap-northeast-1': '47.74',
  'us-west-1': '47.88',
};

// ---- VPN gateways ------------------------------------------------------------------------------

/** A dual-tunnel gateway answers its second vSwitch and address; a single-tunnel one has none. */
const gatewayView = (w: World, g: VpnGatewayR) => ({
  VpnGatewayId: g.id,
  VpcId: g.vpcId,
  VSwitchId: g.vswitchId,
  InternetIp: g.internetIp,
  ...(g.tunnelMode === 'dual'
    ? { DisasterRecoveryVSwitchId: g.drVswitchId ?? '', DisasterRecoveryInternetIp: g.drInternetIp ?? '' }
    : {}),
  Status: gatewayStatus(w, g),
  BusinessStatus: g.businessStatus ?? 'Normal',
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

function vswitchIn(w: World, v: VpcR, id: string) {
  const s = w.vswitches.get(id);
  if (!s || s.vpcId !== v.id || s.deletingUntil !== undefined)
    throw notFound('InvalidVSwitchId.NotFound', `vSwitch ${id}`);
  return s;
}

/**
 * The vSwitches a new gateway takes. Dual-tunnel: both given, in zones that sell VPN gateways, and in
 * two zones where the region has several (the same vSwitch, or one zone, only where it has one).
 * Single-tunnel: one, or the VPC's first when none is given; a second is ignored.
 */
function gatewayVswitches(ctx: ActionContext, v: VpcR, mode: 'dual' | 'single'): { first: string; second?: string } {
  const w = ctx.world;
  const given = ctx.params.opt('VSwitchId');
  if (mode === 'single') {
    const first = given ?? [...w.vswitches.values()].find((s) => s.vpcId === v.id)?.id ?? '';
    if (first) vswitchIn(w, v, first);
    return { first };
  }
  const second = ctx.params.opt('DisasterRecoveryVSwitchId');
  if (!given) throw VPN_ERRORS.missingVSwitch(v.regionId);
  if (!second) throw VPN_ERRORS.missingDisasterRecoveryVSwitch(v.regionId);
  const zones = vpnZonesOf(v.regionId).filter((z) => !ctx.account.closedZones.has(z));
  const a = vswitchIn(w, v, given);
  const b = vswitchIn(w, v, second);
  for (const s of [a, b]) if (!zones.includes(s.zoneId)) throw VPN_ERRORS.zoneNotSupported(s.id, s.zoneId, zones);
  if (zones.length > 1 && a.zoneId === b.zoneId) throw VPN_ERRORS.sameZone(a.zoneId, zones);
  return { first: a.id, second: b.id };
}

const createVpnGateway = writes((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const v = vpcOf(w, ctx.params.req('VpcId'));
  if (v.regionId !== regionId) throw notFound('InvalidVpcId.NotFound', `VPC ${v.id} in ${regionId}`);
  const bandwidth = ctx.params.int('Bandwidth', -1);
  if (![5, 10, 20, 50, 100, 200, 500, 1000].includes(bandwidth))
    throw new ApiError('InvalidBandwidth', 'Bandwidth must be one of 10, 100, 200, 500, 1000 Mbps.', 400);
  const chargeType = ctx.params.opt('InstanceChargeType') ?? 'POSTPAY';
  const site = ctx.account.site;
  // UNVERIFIED: the code and words a site answers a charge type it does not sell with; that the
  // international site sells VPN gateways pay-as-you-go only and the China site by subscription only.
  if (chargeType !== VPN_CHARGE_TYPE[site])
    throw new ApiError(
      'InvalidInstanceChargeType.NotSupported',
      `This account (${site === 'china' ? 'China site' : 'international site'}) buys VPN gateways as ${VPN_CHARGE_TYPE[site]}, not ${chargeType}.`,
      400,
    );
  if (site === 'china' && ctx.params.int('Period', 0) < 1)
    throw new ApiError('MissingPeriod', 'Period is mandatory for a PREPAY VPN gateway.', 400);
  // UNVERIFIED: the quota's error code (the official quota page gives the figure, 30, not the code).
  const live = [...w.vpnGateways.values()].filter((g) => g.regionId === regionId && g.deletingUntil === undefined);
  if (live.length >= ctx.account.vpnGatewayQuota)
    throw new ApiError(
      'QuotaExceeded.VpnGateway',
      `The account already has ${live.length} VPN gateways in ${regionId} (quota ${ctx.account.vpnGatewayQuota}).`,
      400,
    );
  const mode = tunnelModeOf(regionId, ctx.tunnelModes);
  const vswitches = gatewayVswitches(ctx, v, mode);
  if ([...w.vpnGateways.values()].some((g) => g.vpcId === v.id))
    throw new ApiError('VpnGateway.AlreadyExists', `The VPC ${v.id} already has a VPN gateway.`, 400);
  const id = w.newId('vpn');
  const prefix = PUBLIC_IP_BLOCKS[regionId] ?? '47.100';
  const newIp = () => `${prefix}.${1 + Math.floor(w.random() * 254)}.${1 + Math.floor(w.random() * 254)}`;
  const ip = newIp();
  let drIp = newIp();
  while (mode === 'dual' && drIp === ip) drIp = newIp();
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
    vswitchId: vswitches.first,
    regionId,
    name: ctx.params.opt('Name') ?? '',
    internetIp: ip,
    bandwidth,
    chargeType,
    busyUntil: 0,
    tags: {},
    createdAt: w.now(),
    phases,
    description: ctx.params.opt('Description') ?? '',
    tunnelMode: mode,
    ...(mode === 'dual' ? { drVswitchId: vswitches.second!, drInternetIp: drIp } : {}),
  });
  return { VpnGatewayId: id, Name: ctx.params.opt('Name') ?? '', OrderId: Math.floor(w.random() * 1e12) };
});

/** The zones where a gateway of the given bandwidth may be placed (its two vSwitches' zones). GET in the SDK. */
const describeVpnGatewayAvailableZones = reads((ctx) => {
  const regionId = regionOf(ctx);
  const spec = ctx.params.req('Spec');
  if (!VPN_SPECS.includes(spec))
    throw new ApiError('InvalidSpec', `The specified Spec ${spec} is not valid: one of ${VPN_SPECS.join(', ')}.`, 400);
  return {
    RegionId: regionId,
    AvailableZoneIdList: vpnZonesOf(regionId)
      .filter((z) => !ctx.account.closedZones.has(z))
      .map((z) => ({ ZoneId: z, ZoneName: zoneName(regionId, z) })),
  };
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
  if ([...w.vpnConnections.values()].some((c) => customerGatewaysOf(c).includes(id)))
    throw new ApiError(
      'DependencyViolation.VpnConnection',
      `The customer gateway ${id} is used by IPsec connections.`,
      400,
    );
  w.customerGateways.delete(id);
  return {};
});

export const VPN_ACTIONS: ActionTable = {
  CreateVpnGateway: createVpnGateway,
  DescribeVpnGatewayAvailableZones: describeVpnGatewayAvailableZones,
  ModifyVpnGatewayAttribute: modifyVpnGatewayAttribute,
  DescribeVpnGateway: describeVpnGateway,
  DescribeVpnGateways: describeVpnGateways,
  DeleteVpnGateway: deleteVpnGateway,
  CreateCustomerGateway: createCustomerGateway,
  DescribeCustomerGateways: describeCustomerGateways,
  DescribeCustomerGateway: describeCustomerGateway,
  DeleteCustomerGateway: deleteCustomerGateway,
  ...IPSEC_ACTIONS,
};
