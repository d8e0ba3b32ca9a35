/** VPC 2016-04-28: VPCs, vSwitches and route entries (the family of cloud/alibaba/vpc-drivers.ts). */
import { cidr, cidrContains, cidrsOverlap, parseCidr } from '../../topology/cidr';
import { findRegion } from '../../topology/regions';
import { ApiError, notFound } from '../api/api-error';
import {
  isoSeconds,
  omit,
  page,
  reads,
  regionOf,
  tokenPage,
  writes,
  writesWithDryRun,
  type ActionTable,
} from '../api/api-kit';
import { cenRoutes, ownRoutes, vpcCidrs, cenOf as basicCenOf } from '../network/routing';
import { transitCenOf } from '../network/transit-routing';
import { lockVpc, vpcOf } from './vpc-kit';
import { LATENCY, matchesTags, tagList, type VpcR, type World } from '../state/world';

// ---- VPC, vSwitch ---------------------------------------------------------------------------

/** The CEN a VPC is on: attached as in Basic Edition, or through a transit router. */
const cenOf = (w: World, vpcId: string) => basicCenOf(w, vpcId) ?? transitCenOf(w, vpcId);

const vpcView = (w: World, v: VpcR) => ({
  VpcId: v.id,
  RegionId: v.regionId,
  VpcName: v.name,
  Description: v.description,
  CidrBlock: v.cidrBlock,
  SecondaryCidrBlocks: { SecondaryCidrBlock: v.secondaryCidrBlocks },
  Status: w.status(v, 'Deleting'),
  VRouterId: v.vRouterId,
  RouterTableIds: { RouterTableIds: [v.routeTableId] },
  IsDefault: false,
  CenStatus: cenOf(w, v.id) ? 'Attached' : '',
  CreationTime: isoSeconds(v.createdAt),
  VSwitchIds: { VSwitchId: [...w.vswitches.values()].filter((s) => s.vpcId === v.id).map((s) => s.id) },
  Tags: { Tag: tagList(v.tags) },
});

/** What CreateVpc checks before it makes anything (a `DryRun` stops after this). */
function checkCreateVpc(ctx: Parameters<typeof regionOf>[0]): void {
  regionOf(ctx);
  const block = ctx.params.opt('CidrBlock') ?? '172.16.0.0/12';
  const parsed = parseCidr(block);
  if (!parsed.ok || parsed.cidr.prefix < 8 || parsed.cidr.prefix > 28)
    throw new ApiError('InvalidCidrBlock.Malformed', `Specified CIDR block ${block} is not valid.`, 400);
}

const createVpc = writesWithDryRun(checkCreateVpc, (ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const block = ctx.params.opt('CidrBlock') ?? '172.16.0.0/12';
  const id = w.newId('vpc');
  w.vpcs.set(id, {
    id,
    regionId,
    cidrBlock: block,
    secondaryCidrBlocks: [],
    name: ctx.params.opt('VpcName') ?? '',
    description: ctx.params.opt('Description') ?? '',
    routeTableId: w.newId('vtb'),
    vRouterId: w.newId('vrt'),
    busyUntil: 0,
    tags: ctx.params.tags(),
    createdAt: w.now(),
    phases: w.phases([['Pending', LATENCY.vpcCreate]], 'Available'),
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
  if (vpcCidrs(v).some((c) => cidrsOverlap(cidr(c), parsed.cidr)))
    throw new ApiError('InvalidCidrBlock.Overlapped', `${block} overlaps a CIDR block of ${v.id}.`, 400);
  lockVpc(w, v, LATENCY.vswitchCreate);
  v.secondaryCidrBlocks.push(block);
  return { CidrBlock: block, IpVersion: 'IPV4' };
});

const describeVpcs = reads((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const ids = ctx.params.opt('VpcId')?.split(',');
  const name = ctx.params.opt('VpcName');
  const tags = ctx.params.tags();
  const all = [...w.vpcs.values()].filter(
    (v) =>
      v.regionId === regionId &&
      (!ids || ids.includes(v.id)) &&
      (!name || v.name === name) &&
      matchesTags(v.tags, tags),
  );
  const { items, meta } = page(ctx, all);
  return { Vpcs: { Vpc: items.map((v) => vpcView(w, v)) }, ...meta };
});

const describeVpcAttribute = reads((ctx) => {
  const w = ctx.world;
  const v = vpcOf(w, ctx.params.req('VpcId'));
  const cen = cenOf(w, v.id);
  return {
    ...omit(vpcView(w, v), 'RouterTableIds', 'CenStatus'),
    AssociatedCens: { AssociatedCen: cen ? [{ CenId: cen, CenStatus: 'Attached' }] : [] },
  };
});

const deleteVpc = writes((ctx) => {
  const w = ctx.world;
  const v = vpcOf(w, ctx.params.req('VpcId'));
  const uses = (list: Iterable<{ vpcId: string; deletingUntil?: number }>) => [...list].some((x) => x.vpcId === v.id);
  if (uses(w.vswitches.values()))
    throw new ApiError('DependencyViolation.VSwitch', `The VPC ${v.id} still has vSwitches.`, 400);
  if (uses(w.securityGroups.values()))
    throw new ApiError('DependencyViolation.SecurityGroup', `The VPC ${v.id} still has security groups.`, 400);
  if (uses(w.routeEntries.values()))
    throw new ApiError('DependencyViolation.RouteEntry', `The VPC ${v.id} still has custom route entries.`, 400);
  // SYNTHETIC: the real codes for a VPC with a VPN gateway or a CEN attachment are not documented.
  if (uses(w.vpnGateways.values()))
    throw new ApiError('DependencyViolation.VpnGateway', `The VPC ${v.id} still has a VPN gateway.`, 400);
  if (
    w.cenAttachments.some((a) => a.childInstanceId === v.id) ||
    [...w.tr.vpcAttachments.values()].some((a) => a.vpcId === v.id && a.deletingUntil === undefined)
  )
    throw new ApiError('DependencyViolation.CenInstance', `The VPC ${v.id} is still attached to a CEN instance.`, 400);
  if (w.now() < v.busyUntil) throw new ApiError('TaskConflict', `A task on ${v.id} is still in progress.`, 400);
  w.markDeleting(v, LATENCY.vpcDelete);
  return {};
});

const vswitchView = (
  w: World,
  s: {
    id: string;
    vpcId: string;
    zoneId: string;
    cidrBlock: string;
    name: string;
    createdAt: number;
    regionId: string;
    tags: Record<string, string>;
    description?: string;
  } & Parameters<World['status']>[0],
) => ({
  VSwitchId: s.id,
  VpcId: s.vpcId,
  ZoneId: s.zoneId,
  CidrBlock: s.cidrBlock,
  VSwitchName: s.name,
  Description: s.description ?? '',
  Status: w.status(s, 'Pending'),
  CreationTime: isoSeconds(s.createdAt),
  AvailableIpAddressCount:
    2 ** (32 - cidr(s.cidrBlock).prefix) - 4 - [...w.instances.values()].filter((i) => i.vswitchId === s.id).length,
  RouteTable: { RouteTableId: w.vpcs.get(s.vpcId)?.routeTableId ?? '', RouteTableType: 'System' },
  Tags: { Tag: tagList(s.tags) },
  IsDefault: false,
});

const createVSwitch = writes((ctx) => {
  const w = ctx.world;
  const v = vpcOf(w, ctx.params.req('VpcId'));
  const zoneId = ctx.params.req('ZoneId');
  if (!(findRegion(v.regionId)?.zones ?? []).includes(zoneId))
    throw new ApiError('InvalidZoneId.NotFound', `The specified zone ${zoneId} does not exist in ${v.regionId}.`, 400);
  const block = ctx.params.req('CidrBlock');
  const parsed = parseCidr(block);
  if (!parsed.ok || parsed.cidr.prefix < 16 || parsed.cidr.prefix > 29)
    throw new ApiError('InvalidCidrBlock.Malformed', `Specified CIDR block ${block} is not valid.`, 400);
  if (!vpcCidrs(v).some((c) => cidrContains(cidr(c), parsed.cidr)))
    throw new ApiError('InvalidParameter', `Specified CIDR block ${block} is not valid in VPC ${v.id}.`, 400);
  if ([...w.vswitches.values()].some((s) => s.vpcId === v.id && cidrsOverlap(cidr(s.cidrBlock), parsed.cidr)))
    throw new ApiError('InvalidCidrBlock.Overlapped', `${block} overlaps another vSwitch of ${v.id}.`, 400);
  lockVpc(w, v, LATENCY.vswitchCreate);
  const id = w.newId('vsw');
  w.vswitches.set(id, {
    id,
    vpcId: v.id,
    regionId: v.regionId,
    zoneId,
    cidrBlock: block,
    name: ctx.params.opt('VSwitchName') ?? '',
    tags: ctx.params.tags(),
    description: ctx.params.opt('Description') ?? '',
    createdAt: w.now(),
    phases: w.phases([['Pending', LATENCY.vswitchCreate]], 'Available'),
  });
  return { VSwitchId: id };
});

const describeVSwitches = reads((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx, false);
  const vpcId = ctx.params.opt('VpcId');
  const id = ctx.params.opt('VSwitchId');
  const tags = ctx.params.tags();
  const all = [...w.vswitches.values()].filter(
    (s) =>
      (!regionId || s.regionId === regionId) &&
      (!vpcId || s.vpcId === vpcId) &&
      (!id || s.id === id) &&
      matchesTags(s.tags, tags),
  );
  const { items, meta } = page(ctx, all);
  return { VSwitches: { VSwitch: items.map((s) => vswitchView(w, s)) }, ...meta };
});

const deleteVSwitch = writes((ctx) => {
  const w = ctx.world;
  const id = ctx.params.req('VSwitchId');
  const s = w.vswitches.get(id);
  if (!s || s.deletingUntil !== undefined) throw notFound('InvalidVSwitchId.NotFound', `vSwitch ${id}`);
  if ([...w.instances.values()].some((i) => i.vswitchId === id))
    throw new ApiError('DependencyViolation', `The vSwitch ${id} still has instances.`, 400);
  if ([...w.vpnGateways.values()].some((g) => g.vswitchId === id || g.drVswitchId === id))
    throw new ApiError('DependencyViolation', `The vSwitch ${id} is used by a VPN gateway.`, 400);
  if (
    [...w.tr.vpcAttachments.values()].some(
      (a) => a.deletingUntil === undefined && a.zoneMappings.some((z) => z.vswitchId === id),
    )
  )
    throw new ApiError('DependencyViolation', `The vSwitch ${id} is used by a transit-router connection.`, 400);
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
  if (!parseCidr(dest).ok)
    throw new ApiError(
      'InvalidDestinationCidrBlock.Malformed',
      `Specified destination ${dest} is not a valid CIDR block.`,
      400,
    );
  const nextHopType = ctx.params.opt('NextHopType') ?? 'Instance';
  const nextHopId = ctx.params.req('NextHopId');
  if (nextHopType === 'VpnGateway') {
    const g = w.vpnGateways.get(nextHopId);
    if (!g || g.vpcId !== v.id || g.deletingUntil !== undefined)
      throw new ApiError('InvalidNextHop.NotFound', `The next hop ${nextHopId} is not a VPN gateway of ${v.id}.`, 400);
  } else if (nextHopType === 'Instance') {
    if (!w.instances.get(nextHopId))
      throw new ApiError('InvalidNextHop.NotFound', `The next hop ${nextHopId} does not exist.`, 400);
  } else {
    throw new ApiError(
      'InvalidNextHopType.NotSupport',
      `The emulator supports next hops VpnGateway and Instance, not ${nextHopType}.`,
      400,
    );
  }
  if (
    ownRoutes(w, v).some((r) => r.destination === dest) ||
    [...w.routeEntries.values()].some((e) => e.vpcId === v.id && e.destinationCidrBlock === dest)
  ) {
    throw new ApiError(
      'InvalidCIDRBlock.Duplicate',
      `A route entry for ${dest} already exists in ${v.routeTableId}.`,
      400,
    );
  }
  lockVpc(w, v, LATENCY.routeEntryCreate);
  const id = w.newId('rte');
  w.routeEntries.set(id, {
    id,
    routeTableId: v.routeTableId,
    vpcId: v.id,
    regionId: v.regionId,
    destinationCidrBlock: dest,
    nextHopType,
    nextHopId,
    name: ctx.params.opt('RouteEntryName') ?? '',
    description: ctx.params.opt('Description') ?? '',
    createdAt: w.now(),
    phases: w.phases([['Pending', LATENCY.routeEntryCreate]], 'Available'),
  });
  return { RouteEntryId: id };
});

const describeRouteEntryList = reads((ctx) => {
  const w = ctx.world;
  const v = vpcByRouteTable(w, ctx.params.req('RouteTableId'));
  const f = {
    id: ctx.params.opt('RouteEntryId'),
    dest: ctx.params.opt('DestinationCidrBlock'),
    type: ctx.params.opt('RouteEntryType'),
    nextHopId: ctx.params.opt('NextHopId'),
    nextHopType: ctx.params.opt('NextHopType'),
    name: ctx.params.opt('RouteEntryName'),
  };
  const system = ownRoutes(w, v)
    .filter((r) => r.type === 'System')
    .map((r) => ({
      RouteEntryId: '',
      RouteTableId: v.routeTableId,
      DestinationCidrBlock: r.destination,
      Type: 'System',
      Status: 'Available',
      Origin: 'SystemCreate',
      NextHops: { NextHop: [{ NextHopType: 'local', NextHopId: '', Enabled: 1, Weight: 0 }] },
      IpVersion: 'ipv4',
      RouteEntryName: '',
      Description: '',
    }));
  const custom = [...w.routeEntries.values()]
    .filter((e) => e.vpcId === v.id)
    .map((e) => ({
      RouteEntryId: e.id,
      RouteTableId: v.routeTableId,
      DestinationCidrBlock: e.destinationCidrBlock,
      Type: 'Custom',
      Status: w.status(e, 'Deleting'),
      Origin: 'CustomCreate',
      NextHops: { NextHop: [{ NextHopType: e.nextHopType, NextHopId: e.nextHopId, Enabled: 1, Weight: 0 }] },
      IpVersion: 'ipv4',
      RouteEntryName: e.name,
      Description: e.description,
      GmtModified: isoSeconds(e.createdAt),
    }));
  const learned = cenRoutes(w, v).map((r) => ({
    RouteEntryId: '',
    RouteTableId: v.routeTableId,
    DestinationCidrBlock: r.destination,
    Type: 'CEN',
    Status: 'Available',
    Origin: 'RoutePropagation',
    NextHops: {
      NextHop: [
        {
          NextHopType: 'CEN',
          NextHopId: cenOf(w, v.id) ?? '',
          NextHopRegionId: r.via!.regionId,
          Enabled: 1,
          Weight: 0,
        },
      ],
    },
    IpVersion: 'ipv4',
    RouteEntryName: '',
    Description: '',
  }));
  const all = [...system, ...custom, ...learned].filter(
    (e) =>
      (!f.id || e.RouteEntryId === f.id) &&
      (!f.dest || e.DestinationCidrBlock === f.dest) &&
      (!f.type || e.Type === f.type) &&
      (!f.name || e.RouteEntryName === f.name) &&
      (!f.nextHopId || e.NextHops.NextHop[0]!.NextHopId === f.nextHopId) &&
      (!f.nextHopType || e.NextHops.NextHop[0]!.NextHopType === f.nextHopType),
  );
  const { items, nextToken } = tokenPage(ctx, all, 'MaxResult', 100, 10);
  return { RouteEntrys: { RouteEntry: items }, NextToken: nextToken, TotalCount: all.length };
});

const deleteRouteEntry = writes((ctx) => {
  const w = ctx.world;
  const id = ctx.params.opt('RouteEntryId');
  const entry = id
    ? w.routeEntries.get(id)
    : [...w.routeEntries.values()].find(
        (e) =>
          e.routeTableId === ctx.params.req('RouteTableId') &&
          e.destinationCidrBlock === ctx.params.req('DestinationCidrBlock'),
      );
  if (!entry || entry.deletingUntil !== undefined) throw notFound('InvalidRouteEntry.NotFound', 'route entry');
  if (w.status(entry, 'Deleting') !== 'Available')
    throw new ApiError(
      'IncorrectRouteEntryStatus',
      `The route entry ${entry.id} is ${w.status(entry, 'Deleting')}.`,
      400,
    );
  // SYNTHETIC: withdraw a route from CEN before deleting it.
  if (
    w.cenPublished.some(
      (p) => p.routeTableId === entry.routeTableId && p.destinationCidrBlock === entry.destinationCidrBlock,
    )
  ) {
    throw new ApiError(
      'DependencyViolation.CenPublishedRoute',
      `The route entry ${entry.id} is published to CEN; withdraw it first.`,
      400,
    );
  }
  lockVpc(w, vpcOf(w, entry.vpcId), LATENCY.routeEntryDelete);
  w.markDeleting(entry, LATENCY.routeEntryDelete);
  return {};
});

export const VPC_NETWORK_ACTIONS: ActionTable = {
  CreateVpc: createVpc,
  AssociateVpcCidrBlock: associateVpcCidrBlock,
  DescribeVpcs: describeVpcs,
  DescribeVpcAttribute: describeVpcAttribute,
  DeleteVpc: deleteVpc,
  CreateVSwitch: createVSwitch,
  DescribeVSwitches: describeVSwitches,
  DeleteVSwitch: deleteVSwitch,
  CreateRouteEntry: createRouteEntry,
  DescribeRouteEntryList: describeRouteEntryList,
  DeleteRouteEntry: deleteRouteEntry,
};
