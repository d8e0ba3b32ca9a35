/**
 * VPC 2016-04-28: VPCs, vSwitches, route entries, VPN gateways, customer gateways, IPsec
 * connections, tags. Codes marked SYNTHETIC are not documented publicly (see alibaba-api.md §13);
 * they are named plainly so that a reader of vpnbot's logs knows what happened.
 */
import { cidr, cidrContains, cidrsOverlap, isUsableGatewayIp, parseCidr } from '../topology/cidr';
import { findRegion } from '../topology/regions';
import { ApiError, invalid, notFound } from './api-error';
import { isoSeconds, page, reads, regionOf, tokenPage, writes, type ActionContext, type ActionTable } from './api-kit';
import { negotiate } from './ipsec-negotiation';
import { cenOf, cenRoutes, ownRoutes, vpcCidrs } from './routing';
import { LATENCY, matchesTags, tagList, type IkeConfig, type IpsecConfig, type VpcR, type VpnConnectionR, type VpnGatewayR, type World } from './world';

const PUBLIC_IP_BLOCKS: Record<string, string> = { 'cn-hongkong': '8.210', 'ap-northeast-1': '47.74', 'us-west-1': '47.88' };

function vpcOf(w: World, id: string): VpcR {
  const v = w.vpcs.get(id);
  if (!v || v.deletingUntil !== undefined) throw notFound('InvalidVpcId.NotFound', `VPC ${id}`);
  return v;
}

function gatewayOf(w: World, id: string): VpnGatewayR {
  const g = w.vpnGateways.get(id);
  if (!g) throw notFound('InvalidVpnGatewayInstanceId.NotFound', `VPN gateway ${id}`);
  return g;
}

function connectionOf(w: World, id: string): VpnConnectionR {
  const c = w.vpnConnections.get(id);
  if (!c) throw notFound('InvalidVpnConnectionInstanceId.NotFound', `IPsec connection ${id}`);
  return c;
}

/** One change at a time per VPC route table (vSwitches and route entries): the real service says TaskConflict. */
function lockVpc(w: World, vpc: VpcR, realMs: number): void {
  if (w.status(vpc, 'Deleting') !== 'Available') throw new ApiError('IncorrectVpcStatus', `The VPC ${vpc.id} is not in a valid state for the operation.`, 400);
  if (w.now() < vpc.busyUntil) throw new ApiError('TaskConflict', `A task on the route table of ${vpc.id} is still in progress; try again later.`, 400);
  vpc.busyUntil = w.now() + w.clock.delay(realMs);
}

export function gatewayStatus(w: World, g: VpnGatewayR): string {
  if (g.deletingUntil !== undefined) return 'deleting';
  const base = w.status(g, 'deleting');
  return base === 'active' && w.now() < g.busyUntil ? 'updating' : base;
}

/** One change at a time per VPN gateway: anything but `active` answers VpnGateway.Configuring. */
function lockGateway(w: World, g: VpnGatewayR, realMs: number): void {
  const status = gatewayStatus(w, g);
  if (status !== 'active') throw new ApiError('VpnGateway.Configuring', `The VPN gateway ${g.id} is ${status}; only one configuration change runs at a time.`, 400);
  g.busyUntil = w.now() + w.clock.delay(realMs);
}

function tagFilter(ctx: ActionContext): Record<string, string> {
  return ctx.params.tags();
}

function subnets(ctx: ActionContext, name: string): string[] {
  const list = ctx.params.req(name).split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const s of list) if (!parseCidr(s).ok) throw new ApiError(`Invalid${name}`, `The specified ${name} "${s}" is not a valid CIDR block.`, 400);
  if (list.length > 5) throw new ApiError(`Invalid${name}.TooMany`, `At most 5 CIDR blocks in ${name}.`, 400);
  return list;
}

// ---- VPC, vSwitch ---------------------------------------------------------------------------

const vpcView = (w: World, v: VpcR) => ({
  VpcId: v.id, RegionId: v.regionId, VpcName: v.name, Description: v.description, CidrBlock: v.cidrBlock,
  SecondaryCidrBlocks: { SecondaryCidrBlock: v.secondaryCidrBlocks }, Status: w.status(v, 'Deleting'),
  VRouterId: v.vRouterId, RouterTableIds: { RouterTableIds: [v.routeTableId] }, IsDefault: false,
  CenStatus: cenOf(w, v.id) ? 'Attached' : '', CreationTime: isoSeconds(v.createdAt),
  VSwitchIds: { VSwitchId: [...w.vswitches.values()].filter((s) => s.vpcId === v.id).map((s) => s.id) },
  Tags: { Tag: tagList(v.tags) },
});

const createVpc = writes((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const block = ctx.params.opt('CidrBlock') ?? '172.16.0.0/12';
  const parsed = parseCidr(block);
  if (!parsed.ok || parsed.cidr.prefix < 8 || parsed.cidr.prefix > 28) throw new ApiError('InvalidCidrBlock.Malformed', `Specified CIDR block ${block} is not valid.`, 400);
  const id = w.newId('vpc');
  w.vpcs.set(id, {
    id, regionId, cidrBlock: block, secondaryCidrBlocks: [], name: ctx.params.opt('VpcName') ?? '', description: ctx.params.opt('Description') ?? '',
    routeTableId: w.newId('vtb'), vRouterId: w.newId('vrt'), busyUntil: 0, tags: ctx.params.tags(),
    createdAt: w.now(), phases: w.phases([['Pending', LATENCY.vpcCreate]], 'Available'),
  });
  const v = w.vpcs.get(id)!;
  return { VpcId: id, VRouterId: v.vRouterId, RouteTableId: v.routeTableId, ResourceGroupId: 'rg-default' };
});

const associateVpcCidrBlock = writes((ctx) => {
  const w = ctx.world;
  const v = vpcOf(w, ctx.params.req('VpcId'));
  const block = ctx.params.req('SecondaryCidrBlock');
  const parsed = parseCidr(block);
  if (!parsed.ok) throw new ApiError('InvalidCidrBlock.Malformed', `Specified CIDR block ${block} is not valid.`, 400);
  if (vpcCidrs(v).some((c) => cidrsOverlap(cidr(c), parsed.cidr))) throw new ApiError('InvalidCidrBlock.Overlapped', `${block} overlaps a CIDR block of ${v.id}.`, 400);
  lockVpc(w, v, LATENCY.vswitchCreate);
  v.secondaryCidrBlocks.push(block);
  return {};
});

const describeVpcs = reads((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const ids = ctx.params.opt('VpcId')?.split(',');
  const name = ctx.params.opt('VpcName');
  const tags = tagFilter(ctx);
  const all = [...w.vpcs.values()].filter((v) => v.regionId === regionId && (!ids || ids.includes(v.id)) && (!name || v.name === name) && matchesTags(v.tags, tags));
  const { items, meta } = page(ctx, all);
  return { Vpcs: { Vpc: items.map((v) => vpcView(w, v)) }, ...meta };
});

const describeVpcAttribute = reads((ctx) => {
  const w = ctx.world;
  const v = vpcOf(w, ctx.params.req('VpcId'));
  const cen = cenOf(w, v.id);
  return { ...vpcView(w, v), AssociatedCens: { AssociatedCen: cen ? [{ CenId: cen, CenStatus: 'Attached' }] : [] } };
});

const deleteVpc = writes((ctx) => {
  const w = ctx.world;
  const v = vpcOf(w, ctx.params.req('VpcId'));
  const uses = (list: Iterable<{ vpcId: string; deletingUntil?: number }>) => [...list].some((x) => x.vpcId === v.id);
  if (uses(w.vswitches.values())) throw new ApiError('DependencyViolation.VSwitch', `The VPC ${v.id} still has vSwitches.`, 400);
  if (uses(w.securityGroups.values())) throw new ApiError('DependencyViolation.SecurityGroup', `The VPC ${v.id} still has security groups.`, 400);
  if (uses(w.routeEntries.values())) throw new ApiError('DependencyViolation.RouteEntry', `The VPC ${v.id} still has custom route entries.`, 400);
  // SYNTHETIC: the real codes for a VPC with a VPN gateway or a CEN attachment are not documented.
  if (uses(w.vpnGateways.values())) throw new ApiError('DependencyViolation.VpnGateway', `The VPC ${v.id} still has a VPN gateway.`, 400);
  if (w.cenAttachments.some((a) => a.childInstanceId === v.id)) throw new ApiError('DependencyViolation.CenInstance', `The VPC ${v.id} is still attached to a CEN instance.`, 400);
  if (w.now() < v.busyUntil) throw new ApiError('TaskConflict', `A task on ${v.id} is still in progress.`, 400);
  w.markDeleting(v, LATENCY.vpcDelete);
  return {};
});

const vswitchView = (w: World, s: { id: string; vpcId: string; zoneId: string; cidrBlock: string; name: string; createdAt: number; regionId: string; tags: Record<string, string> } & Parameters<World['status']>[0]) => ({
  VSwitchId: s.id, VpcId: s.vpcId, ZoneId: s.zoneId, CidrBlock: s.cidrBlock, VSwitchName: s.name, Status: w.status(s, 'Pending'),
  CreationTime: isoSeconds(s.createdAt), AvailableIpAddressCount: 2 ** (32 - cidr(s.cidrBlock).prefix) - 4 - [...w.instances.values()].filter((i) => i.vswitchId === s.id).length,
  RouteTable: { RouteTableId: w.vpcs.get(s.vpcId)?.routeTableId ?? '', RouteTableType: 'System' }, Tags: { Tag: tagList(s.tags) },
});

const createVSwitch = writes((ctx) => {
  const w = ctx.world;
  const v = vpcOf(w, ctx.params.req('VpcId'));
  const zoneId = ctx.params.req('ZoneId');
  if (!(findRegion(v.regionId)?.zones ?? []).includes(zoneId)) throw new ApiError('InvalidZoneId.NotFound', `The specified zone ${zoneId} does not exist in ${v.regionId}.`, 400);
  const block = ctx.params.req('CidrBlock');
  const parsed = parseCidr(block);
  if (!parsed.ok || parsed.cidr.prefix < 16 || parsed.cidr.prefix > 29) throw new ApiError('InvalidCidrBlock.Malformed', `Specified CIDR block ${block} is not valid.`, 400);
  if (!vpcCidrs(v).some((c) => cidrContains(cidr(c), parsed.cidr))) throw new ApiError('InvalidParameter', `Specified CIDR block ${block} is not valid in VPC ${v.id}.`, 400);
  if ([...w.vswitches.values()].some((s) => s.vpcId === v.id && cidrsOverlap(cidr(s.cidrBlock), parsed.cidr))) throw new ApiError('InvalidCidrBlock.Overlapped', `${block} overlaps another vSwitch of ${v.id}.`, 400);
  lockVpc(w, v, LATENCY.vswitchCreate);
  const id = w.newId('vsw');
  w.vswitches.set(id, {
    id, vpcId: v.id, regionId: v.regionId, zoneId, cidrBlock: block, name: ctx.params.opt('VSwitchName') ?? '', tags: ctx.params.tags(),
    createdAt: w.now(), phases: w.phases([['Pending', LATENCY.vswitchCreate]], 'Available'),
  });
  return { VSwitchId: id };
});

const describeVSwitches = reads((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx, false);
  const vpcId = ctx.params.opt('VpcId');
  const id = ctx.params.opt('VSwitchId');
  const tags = tagFilter(ctx);
  const all = [...w.vswitches.values()].filter((s) => (!regionId || s.regionId === regionId) && (!vpcId || s.vpcId === vpcId) && (!id || s.id === id) && matchesTags(s.tags, tags));
  const { items, meta } = page(ctx, all);
  return { VSwitches: { VSwitch: items.map((s) => vswitchView(w, s)) }, ...meta };
});

const deleteVSwitch = writes((ctx) => {
  const w = ctx.world;
  const id = ctx.params.req('VSwitchId');
  const s = w.vswitches.get(id);
  if (!s || s.deletingUntil !== undefined) throw notFound('InvalidVSwitchId.NotFound', `vSwitch ${id}`);
  if ([...w.instances.values()].some((i) => i.vswitchId === id)) throw new ApiError('DependencyViolation', `The vSwitch ${id} still has instances.`, 400);
  if ([...w.vpnGateways.values()].some((g) => g.vswitchId === id)) throw new ApiError('DependencyViolation', `The vSwitch ${id} is used by a VPN gateway.`, 400);
  lockVpc(w, vpcOf(w, s.vpcId), LATENCY.vswitchDelete);
  w.markDeleting(s, LATENCY.vswitchDelete);
  return {};
});

// ---- route entries --------------------------------------------------------------------------

function vpcByRouteTable(w: World, routeTableId: string): VpcR {
  const v = [...w.vpcs.values()].find((x) => x.routeTableId === routeTableId && x.deletingUntil === undefined);
  if (!v) throw notFound('InvalidRouteTableId.NotFound', `route table ${routeTableId}`);
  return v;
}

const createRouteEntry = writes((ctx) => {
  const w = ctx.world;
  const v = vpcByRouteTable(w, ctx.params.req('RouteTableId'));
  const dest = ctx.params.req('DestinationCidrBlock');
  if (!parseCidr(dest).ok) throw new ApiError('InvalidDestinationCidrBlock.Malformed', `Specified destination ${dest} is not a valid CIDR block.`, 400);
  const nextHopType = ctx.params.opt('NextHopType') ?? 'Instance';
  const nextHopId = ctx.params.req('NextHopId');
  if (nextHopType === 'VpnGateway') {
    const g = w.vpnGateways.get(nextHopId);
    if (!g || g.vpcId !== v.id || g.deletingUntil !== undefined) throw new ApiError('InvalidNextHop.NotFound', `The next hop ${nextHopId} is not a VPN gateway of ${v.id}.`, 400);
  } else if (nextHopType === 'Instance') {
    if (!w.instances.get(nextHopId)) throw new ApiError('InvalidNextHop.NotFound', `The next hop ${nextHopId} does not exist.`, 400);
  } else {
    throw new ApiError('InvalidNextHopType.NotSupport', `The emulator supports next hops VpnGateway and Instance, not ${nextHopType}.`, 400);
  }
  if (ownRoutes(w, v).some((r) => r.destination === dest) || [...w.routeEntries.values()].some((e) => e.vpcId === v.id && e.destinationCidrBlock === dest)) {
    throw new ApiError('InvalidCIDRBlock.Duplicate', `A route entry for ${dest} already exists in ${v.routeTableId}.`, 400);
  }
  lockVpc(w, v, LATENCY.routeEntryCreate);
  const id = w.newId('rte');
  w.routeEntries.set(id, {
    id, routeTableId: v.routeTableId, vpcId: v.id, regionId: v.regionId, destinationCidrBlock: dest, nextHopType, nextHopId,
    name: ctx.params.opt('RouteEntryName') ?? '', description: ctx.params.opt('Description') ?? '',
    createdAt: w.now(), phases: w.phases([['Pending', LATENCY.routeEntryCreate]], 'Available'),
  });
  return { RouteEntryId: id };
});

const describeRouteEntryList = reads((ctx) => {
  const w = ctx.world;
  const v = vpcByRouteTable(w, ctx.params.req('RouteTableId'));
  const f = {
    id: ctx.params.opt('RouteEntryId'), dest: ctx.params.opt('DestinationCidrBlock'), type: ctx.params.opt('RouteEntryType'),
    nextHopId: ctx.params.opt('NextHopId'), nextHopType: ctx.params.opt('NextHopType'), name: ctx.params.opt('RouteEntryName'),
  };
  const system = ownRoutes(w, v).filter((r) => r.type === 'System').map((r) => ({
    RouteEntryId: '', RouteTableId: v.routeTableId, DestinationCidrBlock: r.destination, Type: 'System', Status: 'Available', Origin: 'SystemCreate',
    NextHops: { NextHop: [{ NextHopType: 'local', NextHopId: '', Enabled: 1, Weight: 0 }] }, IpVersion: 'ipv4', RouteEntryName: '', Description: '',
  }));
  const custom = [...w.routeEntries.values()].filter((e) => e.vpcId === v.id).map((e) => ({
    RouteEntryId: e.id, RouteTableId: v.routeTableId, DestinationCidrBlock: e.destinationCidrBlock, Type: 'Custom', Status: w.status(e, 'Deleting'),
    Origin: 'CustomCreate', NextHops: { NextHop: [{ NextHopType: e.nextHopType, NextHopId: e.nextHopId, Enabled: 1, Weight: 0 }] },
    IpVersion: 'ipv4', RouteEntryName: e.name, Description: e.description, GmtModified: isoSeconds(e.createdAt),
  }));
  const learned = cenRoutes(w, v).map((r) => ({
    RouteEntryId: '', RouteTableId: v.routeTableId, DestinationCidrBlock: r.destination, Type: 'CEN', Status: 'Available', Origin: 'RoutePropagation',
    NextHops: { NextHop: [{ NextHopType: 'CEN', NextHopId: cenOf(w, v.id) ?? '', NextHopRegionId: r.via!.regionId, Enabled: 1, Weight: 0 }] },
    IpVersion: 'ipv4', RouteEntryName: '', Description: '',
  }));
  const all = [...system, ...custom, ...learned].filter((e) =>
    (!f.id || e.RouteEntryId === f.id) && (!f.dest || e.DestinationCidrBlock === f.dest) && (!f.type || e.Type === f.type) && (!f.name || e.RouteEntryName === f.name)
    && (!f.nextHopId || e.NextHops.NextHop[0]!.NextHopId === f.nextHopId) && (!f.nextHopType || e.NextHops.NextHop[0]!.NextHopType === f.nextHopType));
  const { items, nextToken } = tokenPage(ctx, all, 'MaxResult', 100, 10);
  return { RouteEntrys: { RouteEntry: items }, NextToken: nextToken, TotalCount: all.length };
});

const deleteRouteEntry = writes((ctx) => {
  const w = ctx.world;
  const id = ctx.params.opt('RouteEntryId');
  const entry = id
    ? w.routeEntries.get(id)
    : [...w.routeEntries.values()].find((e) => e.routeTableId === ctx.params.req('RouteTableId') && e.destinationCidrBlock === ctx.params.req('DestinationCidrBlock'));
  if (!entry || entry.deletingUntil !== undefined) throw notFound('InvalidRouteEntry.NotFound', 'route entry');
  if (w.status(entry, 'Deleting') !== 'Available') throw new ApiError('IncorrectRouteEntryStatus', `The route entry ${entry.id} is ${w.status(entry, 'Deleting')}.`, 400);
  // SYNTHETIC: withdraw a route from CEN before deleting it.
  if (w.cenPublished.some((p) => p.routeTableId === entry.routeTableId && p.destinationCidrBlock === entry.destinationCidrBlock)) {
    throw new ApiError('DependencyViolation.CenPublishedRoute', `The route entry ${entry.id} is published to CEN; withdraw it first.`, 400);
  }
  lockVpc(w, vpcOf(w, entry.vpcId), LATENCY.routeEntryDelete);
  w.markDeleting(entry, LATENCY.routeEntryDelete);
  return {};
});

// ---- VPN gateways, customer gateways, IPsec connections --------------------------------------

const gatewayView = (w: World, g: VpnGatewayR) => ({
  VpnGatewayId: g.id, VpcId: g.vpcId, VSwitchId: g.vswitchId, InternetIp: g.internetIp, Status: gatewayStatus(w, g), BusinessStatus: 'Normal',
  Name: g.name, Spec: `${g.bandwidth}M`, ChargeType: g.chargeType, CreateTime: g.createdAt, EndTime: 0, IpsecVpn: 'enable', SslVpn: 'disable',
  SslMaxConnections: 0, NetworkType: 'public', GatewayType: 'Traditional', EnableBgp: false, AutoPropagate: false, VpnType: 'Normal',
  Tags: { Tag: tagList(g.tags) }, RegionId: g.regionId,
});

const createVpnGateway = writes((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const v = vpcOf(w, ctx.params.req('VpcId'));
  if (v.regionId !== regionId) throw notFound('InvalidVpcId.NotFound', `VPC ${v.id} in ${regionId}`);
  const bandwidth = ctx.params.int('Bandwidth', -1);
  if (![5, 10, 20, 50, 100, 200, 500, 1000].includes(bandwidth)) throw new ApiError('InvalidBandwidth', 'Bandwidth must be one of 10, 100, 200, 500, 1000 Mbps.', 400);
  const vswitchId = ctx.params.opt('VSwitchId') ?? [...w.vswitches.values()].find((s) => s.vpcId === v.id)?.id ?? '';
  const s = w.vswitches.get(vswitchId);
  if (vswitchId && (!s || s.vpcId !== v.id)) throw notFound('InvalidVSwitchId.NotFound', `vSwitch ${vswitchId}`);
  if ([...w.vpnGateways.values()].some((g) => g.vpcId === v.id)) throw new ApiError('VpnGateway.AlreadyExists', `The VPC ${v.id} already has a VPN gateway.`, 400);
  const id = w.newId('vpn');
  const prefix = PUBLIC_IP_BLOCKS[regionId] ?? '47.100';
  const ip = `${prefix}.${1 + Math.floor(w.random() * 254)}.${1 + Math.floor(w.random() * 254)}`;
  // Without AutoPay the order waits for manual payment, and the gateway stays `init`.
  const phases = ctx.params.bool('AutoPay', false)
    ? w.phases([['init', LATENCY.vpnGatewayInit], ['provisioning', LATENCY.vpnGatewayProvision]], 'active')
    : w.phases([], 'init');
  w.vpnGateways.set(id, {
    id, vpcId: v.id, vswitchId, regionId, name: ctx.params.opt('Name') ?? '', internetIp: ip, bandwidth,
    chargeType: ctx.params.opt('InstanceChargeType') ?? 'POSTPAY', busyUntil: 0, tags: {}, createdAt: w.now(), phases,
  });
  return { VpnGatewayId: id, Name: ctx.params.opt('Name') ?? '', OrderId: Math.floor(w.random() * 1e12) };
});

const describeVpnGateway = reads((ctx) => gatewayView(ctx.world, gatewayOf(ctx.world, ctx.params.req('VpnGatewayId'))));

const describeVpnGateways = reads((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const f = { vpcId: ctx.params.opt('VpcId'), id: ctx.params.opt('VpnGatewayId'), status: ctx.params.opt('Status') };
  const tags = tagFilter(ctx);
  const all = [...w.vpnGateways.values()].filter((g) => g.regionId === regionId && (!f.vpcId || g.vpcId === f.vpcId) && (!f.id || g.id === f.id) && (!f.status || gatewayStatus(w, g) === f.status) && matchesTags(g.tags, tags));
  const { items, meta } = page(ctx, all);
  return { VpnGateways: { VpnGateway: items.map((g) => gatewayView(w, g)) }, ...meta };
});

const deleteVpnGateway = writes((ctx) => {
  const w = ctx.world;
  const g = gatewayOf(w, ctx.params.req('VpnGatewayId'));
  if (g.deletingUntil !== undefined) return {};
  // SYNTHETIC: the real code for a gateway that still has connections is not documented.
  if ([...w.vpnConnections.values()].some((c) => c.vpnGatewayId === g.id)) throw new ApiError('DependencyViolation.VpnConnection', `The VPN gateway ${g.id} still has IPsec connections.`, 400);
  if ([...w.routeEntries.values()].some((e) => e.nextHopId === g.id)) throw new ApiError('DependencyViolation.RouteEntry', `Route entries still point at ${g.id}.`, 400);
  lockGateway(w, g, LATENCY.vpnGatewayDelete);
  w.markDeleting(g, LATENCY.vpnGatewayDelete);
  return {};
});

const cgView = (c: { id: string; ipAddress: string; name: string; description: string; createdAt: number; tags: Record<string, string> }) => ({
  CustomerGatewayId: c.id, IpAddress: c.ipAddress, Name: c.name, Description: c.description, CreateTime: c.createdAt, Asn: 0, Tags: { Tag: tagList(c.tags) },
});

const createCustomerGateway = writes((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const ip = ctx.params.req('IpAddress');
  if (!isUsableGatewayIp(ip)) throw new ApiError('InvalidIpAddress', `The IP address ${ip} cannot be used for a customer gateway.`, 400);
  if ([...w.customerGateways.values()].some((c) => c.regionId === regionId && c.ipAddress === ip)) {
    throw new ApiError('InvalidIpAddress.AlreadyExist', `A customer gateway with IP ${ip} already exists in ${regionId}.`, 400);
  }
  const id = w.newId('cgw');
  const c = { id, regionId, ipAddress: ip, name: ctx.params.opt('Name') ?? '', description: ctx.params.opt('Description') ?? '', createdAt: w.now(), tags: ctx.params.tags() };
  w.customerGateways.set(id, c);
  return cgView(c);
});

const describeCustomerGateways = reads((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const id = ctx.params.opt('CustomerGatewayId');
  const tags = tagFilter(ctx);
  const all = [...w.customerGateways.values()].filter((c) => c.regionId === regionId && (!id || c.id === id) && matchesTags(c.tags, tags));
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
  if (!w.customerGateways.has(id)) throw notFound('InvalidCustomerGatewayInstanceId.NotFound', `customer gateway ${id}`);
  // SYNTHETIC: the real code for a customer gateway still in use is not documented.
  if ([...w.vpnConnections.values()].some((c) => c.customerGatewayId === id)) throw new ApiError('DependencyViolation.VpnConnection', `The customer gateway ${id} is used by IPsec connections.`, 400);
  w.customerGateways.delete(id);
  return {};
});

const IKE_DEFAULTS: Omit<IkeConfig, 'Psk' | 'LocalId' | 'RemoteId'> = { IkeVersion: 'ikev1', IkeMode: 'main', IkeEncAlg: 'aes', IkeAuthAlg: 'md5', IkePfs: 'group2', IkeLifetime: 86400 };
const IPSEC_DEFAULTS: IpsecConfig = { IpsecEncAlg: 'aes', IpsecAuthAlg: 'md5', IpsecPfs: 'group2', IpsecLifetime: 86400 };

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
    ...IKE_DEFAULTS, ...ikeIn,
    Psk: ikeIn.Psk ?? Array.from({ length: 16 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(w.random() * 36)]).join(''),
    LocalId: ikeIn.LocalId ?? g.internetIp, RemoteId: ikeIn.RemoteId ?? cg.ipAddress,
  };
  if (!['ikev1', 'ikev2'].includes(ike.IkeVersion)) throw invalid('IkeConfig.IkeVersion', 'must be ikev1 or ikev2');
  // SYNTHETIC code: IKEv1 carries one local and one remote CIDR per connection (documented rule; the real error code is not public).
  if (ike.IkeVersion === 'ikev1' && (local.length > 1 || remote.length > 1)) {
    throw new ApiError('InvalidParameter.IkeV1MultipleCidrs', 'With IKEv1 an IPsec connection supports only one local CIDR block and one remote CIDR block; use IKEv2 or one connection per CIDR pair.', 400);
  }
  if ([...w.vpnConnections.values()].filter((c) => c.vpnGatewayId === g.id).length >= ctx.ipsecConnectionQuota) {
    throw new ApiError('QuotaExceeded.VpnConnection', `The VPN gateway ${g.id} already has ${ctx.ipsecConnectionQuota} IPsec connections (quota).`, 400);
  }
  lockGateway(w, g, LATENCY.vpnGatewayUpdate);
  const id = w.newId('vco');
  w.vpnConnections.set(id, {
    id, regionId, vpnGatewayId: g.id, customerGatewayId: cg.id, name: ctx.params.opt('Name') ?? '', localSubnet: local, remoteSubnet: remote,
    ike, ipsec: { ...IPSEC_DEFAULTS, ...(ctx.params.json<Partial<IpsecConfig>>('IpsecConfig') ?? {}) }, effectImmediately: ctx.params.bool('EffectImmediately', false),
    tags: ctx.params.tags(), forcedDown: false, createdAt: w.now(), phases: w.phases([['init', LATENCY.vpnConnectionCreate]], 'active'),
  });
  return { VpnConnectionId: id, Name: ctx.params.opt('Name') ?? '', CreateTime: w.now() };
});

const connectionView = (w: World, c: VpnConnectionR) => ({
  VpnConnectionId: c.id, VpnGatewayId: c.vpnGatewayId, CustomerGatewayId: c.customerGatewayId, Name: c.name,
  LocalSubnet: c.localSubnet.join(','), RemoteSubnet: c.remoteSubnet.join(','), CreateTime: c.createdAt, EffectImmediately: c.effectImmediately,
  Status: negotiate(w, c).status, State: w.status(c, 'deleting'), IkeConfig: c.ike, IpsecConfig: c.ipsec, EnableDpd: true, EnableNatTraversal: true,
  NetworkType: 'public', AttachType: 'VPNGW', Tag: { Tag: tagList(c.tags) }, Tags: { Tag: tagList(c.tags) },
});

const describeVpnConnection = reads((ctx) => connectionView(ctx.world, connectionOf(ctx.world, ctx.params.req('VpnConnectionId'))));

const describeVpnConnections = reads((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const f = { gw: ctx.params.opt('VpnGatewayId'), cg: ctx.params.opt('CustomerGatewayId'), id: ctx.params.opt('VpnConnectionId') };
  const tags = tagFilter(ctx);
  const all = [...w.vpnConnections.values()].filter((c) => c.regionId === regionId && (!f.gw || c.vpnGatewayId === f.gw) && (!f.cg || c.customerGatewayId === f.cg) && (!f.id || c.id === f.id) && matchesTags(c.tags, tags));
  const { items, meta } = page(ctx, all);
  return { VpnConnections: { VpnConnection: items.map((c) => connectionView(w, c)) }, ...meta };
});

/** The IKE log of a connection: why its tunnel is (not) up. */
const describeVpnConnectionLogs = reads((ctx) => {
  const w = ctx.world;
  const c = connectionOf(w, ctx.params.req('VpnConnectionId'));
  const n = negotiate(w, c);
  const at = new Date(w.now()).toISOString().replace('T', ' ').slice(0, 19);
  const logs = n.status === 'ipsec_sa_established'
    ? [`${at} ${c.id}: IKE SA established with ${w.customerGateways.get(c.customerGatewayId)?.ipAddress ?? '?'}`, `${at} ${c.id}: IPsec SA established`]
    : [`${at} ${c.id}: ${n.reason}`];
  return { Data: { Logs: logs }, Count: logs.length, IsCompleted: true, PageNumber: 1, PageSize: logs.length };
});

const deleteVpnConnection = writes((ctx) => {
  const w = ctx.world;
  const c = connectionOf(w, ctx.params.req('VpnConnectionId'));
  if (c.deletingUntil !== undefined) return {};
  lockGateway(w, gatewayOf(w, c.vpnGatewayId), LATENCY.vpnGatewayUpdate);
  w.markDeleting(c, LATENCY.vpnGatewayUpdate);
  return {};
});

// ---- tags -----------------------------------------------------------------------------------

function taggable(w: World, type: string, id: string): { tags: Record<string, string> } | undefined {
  switch (type.toUpperCase()) {
    case 'VPC': return w.vpcs.get(id);
    case 'VSWITCH': return w.vswitches.get(id);
    case 'VPNGATEWAY': return w.vpnGateways.get(id);
    case 'CUSTOMERGATEWAY': return w.customerGateways.get(id);
    case 'VPNCONNECTION': return w.vpnConnections.get(id);
    default: throw new ApiError('InvalidResourceType.NotSupported', `The emulator cannot tag resources of type ${type}.`, 400);
  }
}

const tagResources = writes((ctx) => {
  const w = ctx.world;
  const type = ctx.params.req('ResourceType');
  const tags = ctx.params.tags();
  for (const id of ctx.params.list('ResourceId')) {
    const r = taggable(w, type, id);
    if (!r) throw notFound('InvalidResourceId.NotFound', `${type} ${id}`);
    Object.assign(r.tags, tags);
  }
  return {};
});

const listTagResources = reads((ctx) => {
  const w = ctx.world;
  const type = ctx.params.req('ResourceType');
  const ids = ctx.params.list('ResourceId');
  const wanted = ctx.params.tags();
  const out: { ResourceId: string; ResourceType: string; TagKey: string; TagValue: string }[] = [];
  for (const id of ids) {
    const r = taggable(w, type, id);
    for (const [k, v] of Object.entries(r?.tags ?? {})) if (Object.keys(wanted).length === 0 || wanted[k] === v) out.push({ ResourceId: id, ResourceType: type, TagKey: k, TagValue: v });
  }
  const { items, nextToken } = tokenPage(ctx, out, 'MaxResults', 50, 50);
  return { TagResources: { TagResource: items }, NextToken: nextToken };
});

export const VPC_ACTIONS: ActionTable = {
  CreateVpc: createVpc, AssociateVpcCidrBlock: associateVpcCidrBlock, DescribeVpcs: describeVpcs, DescribeVpcAttribute: describeVpcAttribute, DeleteVpc: deleteVpc,
  CreateVSwitch: createVSwitch, DescribeVSwitches: describeVSwitches, DeleteVSwitch: deleteVSwitch,
  CreateRouteEntry: createRouteEntry, DescribeRouteEntryList: describeRouteEntryList, DeleteRouteEntry: deleteRouteEntry,
  CreateVpnGateway: createVpnGateway, DescribeVpnGateway: describeVpnGateway, DescribeVpnGateways: describeVpnGateways, DeleteVpnGateway: deleteVpnGateway,
  CreateCustomerGateway: createCustomerGateway, DescribeCustomerGateways: describeCustomerGateways, DescribeCustomerGateway: describeCustomerGateway, DeleteCustomerGateway: deleteCustomerGateway,
  CreateVpnConnection: createVpnConnection, DescribeVpnConnection: describeVpnConnection, DescribeVpnConnections: describeVpnConnections,
  DescribeVpnConnectionLogs: describeVpnConnectionLogs, DeleteVpnConnection: deleteVpnConnection,
  TagResources: tagResources, ListTagResources: listTagResources,
};
