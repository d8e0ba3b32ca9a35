/** ECS 2014-05-26: instances, and the zones they run in. */
import { cidr, hostAddress } from '../../topology/cidr';
import { findRegion } from '../../topology/regions';
import { ApiError, notFound } from '../api/api-error';
import {
  isoMinutes,
  page,
  reads,
  regionOf,
  tokenPage,
  writes,
  writesWithDryRun,
  type ActionContext,
  type ActionTable,
} from '../api/api-kit';
import { soldOut } from '../state/account';
import { DISK_CATEGORIES, INSTANCE_TYPE_IDS } from './catalogue-actions';
import { ecsTags, groupOf } from './ecs-kit';
import { instanceStatus } from '../state/instance-state';
import { LATENCY, matchesTags, type InstanceR, type World } from '../state/world';

// ---- instances ------------------------------------------------------------------------------

function allocateIp(w: World, vswitchCidr: string, taken: Set<string>): string {
  const block = cidr(vswitchCidr);
  const hosts = 2 ** (32 - block.prefix);
  // The first and the last three addresses of a vSwitch are reserved.
  for (let attempt = 0; attempt < 64; attempt++) {
    const ip = hostAddress(block, 1 + Math.floor(w.random() * (hosts - 4)));
    if (!taken.has(ip)) return ip;
  }
  throw new ApiError('InvalidVSwitchId.IpNotEnough', 'The vSwitch has no free private IP address.', 400);
}

/**
 * What RunInstances checks of the instance itself before anything else: its type, system disk and
 * stock in its zone (the vSwitch's; a dry run may name the zone alone). A `DryRun` stops here.
 */
function checkRunInstances(ctx: ActionContext): void {
  const regionId = regionOf(ctx);
  const vswitchId = ctx.params.opt('VSwitchId');
  const vsw = vswitchId ? ctx.world.vswitches.get(vswitchId) : undefined;
  if (vswitchId && (!vsw || vsw.regionId !== regionId))
    throw notFound('InvalidVSwitchId.NotFound', `vSwitch ${vswitchId}`);
  const zoneId = vsw?.zoneId ?? ctx.params.opt('ZoneId') ?? '';
  const instanceType = ctx.params.req('InstanceType');
  if (!INSTANCE_TYPE_IDS.includes(instanceType))
    throw new ApiError('InvalidInstanceType.NotSupported', `The instance type ${instanceType} is not supported.`, 400);
  const disk = ctx.params.opt('SystemDisk.Category') ?? 'cloud_efficiency';
  if (!DISK_CATEGORIES.includes(disk))
    throw new ApiError(
      'InvalidSystemDiskCategory.ValueNotSupported',
      `The system disk category ${disk} is not supported.`,
      400,
    );
  if (zoneId && soldOut(ctx.account, zoneId, instanceType))
    throw new ApiError(
      'OperationDenied.NoStock',
      `The resource ${instanceType} is out of stock in ${zoneId}. Please try another zone or instance type.`,
      403,
    );
}

const runInstances = writesWithDryRun(checkRunInstances, (ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const vswitchId = ctx.params.req('VSwitchId');
  const vsw = w.vswitches.get(vswitchId);
  if (!vsw || vsw.regionId !== regionId) throw notFound('InvalidVSwitchId.NotFound', `vSwitch ${vswitchId}`);
  if (!w.isReady(vsw))
    throw new ApiError('IncorrectVSwitchStatus', `The vSwitch ${vswitchId} is not Available yet.`, 400);
  const sgIds = ctx.params.opt('SecurityGroupId')
    ? [ctx.params.req('SecurityGroupId')]
    : ctx.params.list('SecurityGroupIds');
  if (sgIds.length === 0)
    throw new ApiError('MissingSecurityGroupId', 'SecurityGroupId is mandatory for this action.', 400);
  for (const id of sgIds)
    if (groupOf(w, id).vpcId !== vsw.vpcId)
      throw new ApiError(
        'InvalidSecurityGroupId.NotBelongToVpc',
        `The security group ${id} is not in the VPC of ${vswitchId}.`,
        400,
      );
  if (!ctx.params.opt('ImageId') && !ctx.params.opt('ImageFamily'))
    throw new ApiError('MissingImageId', 'ImageId or ImageFamily is mandatory.', 400);
  const instanceType = ctx.params.req('InstanceType');
  const amount = ctx.params.int('Amount', 1, 1, 100);
  const taken = new Set([...w.instances.values()].filter((i) => i.vswitchId === vswitchId).map((i) => i.privateIp));
  const ids: string[] = [];
  for (let n = 0; n < amount; n++) {
    const id = w.newId('i');
    const privateIp =
      amount === 1 && ctx.params.opt('PrivateIpAddress')
        ? ctx.params.req('PrivateIpAddress')
        : allocateIp(w, vsw.cidrBlock, taken);
    taken.add(privateIp);
    const phases = w.phases(
      [
        ['Pending', LATENCY.ecsPending],
        ['Starting', LATENCY.ecsStarting],
      ],
      'Running',
    );
    w.instances.set(id, {
      id,
      regionId,
      zoneId: ctx.params.opt('ZoneId') ?? vsw.zoneId,
      vswitchId,
      vpcId: vsw.vpcId,
      securityGroupIds: sgIds,
      privateIp,
      name: ctx.params.opt('InstanceName') ?? id,
      instanceType,
      imageId: ctx.params.opt('ImageId') ?? ctx.params.req('ImageFamily'),
      tags: ctx.params.tags(),
      createdAt: w.now(),
      phases,
      agentOnlineAt: phases.steps.at(-1)!.until + w.clock.delay(LATENCY.ecsAgentOnline),
    });
    ids.push(id);
  }
  return { InstanceIdSets: { InstanceIdSet: ids }, OrderId: String(Math.floor(w.random() * 1e12)), TradePrice: 0 };
});

/** A stable, locally administered MAC address derived from the instance id. */
const macOf = (id: string) =>
  [
    '00',
    '16',
    '3e',
    ...Array.from({ length: 3 }, (_, k) => (id.charCodeAt(id.length - 1 - k) & 0xff).toString(16).padStart(2, '0')),
  ].join(':');

const instanceView = (w: World, i: InstanceR) => ({
  InstanceId: i.id,
  InstanceName: i.name,
  HostName: i.name,
  Status: instanceStatus(w, i),
  RegionId: i.regionId,
  ZoneId: i.zoneId,
  InstanceType: i.instanceType,
  ImageId: i.imageId,
  OSType: 'linux',
  OSName: 'Alibaba Cloud Linux 3',
  InstanceNetworkType: 'vpc',
  CreationTime: isoMinutes(i.createdAt),
  StartTime: isoMinutes(i.createdAt),
  VpcAttributes: {
    VpcId: i.vpcId,
    VSwitchId: i.vswitchId,
    PrivateIpAddress: { IpAddress: [i.privateIp] },
    NatIpAddress: '',
  },
  NetworkInterfaces: {
    NetworkInterface: [
      {
        NetworkInterfaceId: `eni-${i.id.slice(2)}`,
        MacAddress: macOf(i.id),
        PrimaryIpAddress: i.privateIp,
        Type: 'Primary',
        PrivateIpSets: { PrivateIpSet: [{ PrivateIpAddress: i.privateIp, Primary: true }] },
      },
    ],
  },
  InstanceChargeType: 'PostPaid',
  InternetChargeType: 'PayByTraffic',
  Cpu: 2,
  Memory: 1024,
  InternetMaxBandwidthOut: 0,
  StoppedMode: instanceStatus(w, i) === 'Stopped' ? 'KeepCharging' : 'Not-applicable',
  Description: '',
  DeletionProtection: false,
  IoOptimized: true,
  InstanceTypeFamily: i.instanceType.split('.').slice(0, 2).join('.'),
  InternetMaxBandwidthIn: 0,
  SerialNumber: i.id.slice(2),
  PublicIpAddress: { IpAddress: [] },
  SecurityGroupIds: { SecurityGroupId: i.securityGroupIds },
  Tags: ecsTags(i.tags),
});

const describeInstances = reads((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const ids = ctx.params.json<string[]>('InstanceIds');
  const ips = ctx.params.json<string[]>('PrivateIpAddresses');
  const f = {
    vpc: ctx.params.opt('VpcId'),
    vsw: ctx.params.opt('VSwitchId'),
    status: ctx.params.opt('Status'),
    name: ctx.params.opt('InstanceName'),
    sg: ctx.params.opt('SecurityGroupId'),
  };
  const tags = ctx.params.tags();
  const nameMatches = (n: string) =>
    !f.name ||
    (f.name.includes('*')
      ? new RegExp(
          `^${f.name
            .split('*')
            .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
            .join('.*')}$`,
        ).test(n)
      : n === f.name);
  const all = [...w.instances.values()].filter(
    (i) =>
      i.regionId === regionId &&
      (!ids || ids.includes(i.id)) &&
      (!ips || ips.includes(i.privateIp)) &&
      (!f.vpc || i.vpcId === f.vpc) &&
      (!f.vsw || i.vswitchId === f.vsw) &&
      (!f.status || instanceStatus(w, i) === f.status) &&
      (!f.sg || i.securityGroupIds.includes(f.sg)) &&
      nameMatches(i.name) &&
      matchesTags(i.tags, tags),
  );
  if (ctx.params.opt('PageNumber')) {
    const { items, meta } = page(ctx, all, 100, 10);
    return { Instances: { Instance: items.map((i) => instanceView(w, i)) }, ...meta };
  }
  const { items, nextToken } = tokenPage(ctx, all, 'MaxResults', 100, 10);
  return {
    Instances: { Instance: items.map((i) => instanceView(w, i)) },
    NextToken: nextToken,
    TotalCount: all.length,
    PageNumber: 1,
    PageSize: items.length,
  };
});

function instanceOf(w: World, id: string): InstanceR {
  const i = w.instances.get(id);
  if (!i) throw notFound('InvalidInstanceId.NotFound', `instance ${id}`);
  return i;
}

function deleteOne(w: World, id: string, force: boolean): void {
  const i = instanceOf(w, id);
  if (i.deletingUntil !== undefined) return;
  const status = instanceStatus(w, i);
  if (status === 'Pending' || (status === 'Starting' && !i.power))
    throw new ApiError('IncorrectInstanceStatus.Initializing', `The instance ${id} is ${status}.`, 403);
  if (status === 'Starting' || status === 'Stopping')
    throw new ApiError('IncorrectInstanceStatus', `The instance ${id} is ${status}.`, 403);
  if (status === 'Running' && !force)
    throw new ApiError(
      'IncorrectInstanceStatus',
      `The instance ${id} is Running; stop it first or pass Force=true.`,
      403,
    );
  w.markDeleting(i, LATENCY.ecsDelete);
}

const deleteInstance = writes((ctx) => {
  deleteOne(ctx.world, ctx.params.req('InstanceId'), ctx.params.bool('Force', false));
  return {};
});

const deleteInstances = writes((ctx) => {
  regionOf(ctx);
  for (const id of ctx.params.list('InstanceId')) deleteOne(ctx.world, id, ctx.params.bool('Force', false));
  return {};
});

/** StopInstance: Running -> Stopping -> Stopped; the Cloud Assistant agent goes offline with it. */
const stopInstance = writes((ctx) => {
  const w = ctx.world;
  const i = instanceOf(w, ctx.params.req('InstanceId'));
  const status = instanceStatus(w, i);
  // A retry of a stop in progress is accepted; a stopped instance is not stopped again.
  if (status === 'Stopping') return {};
  if (status !== 'Running')
    throw new ApiError(
      'IncorrectInstanceStatus',
      `The instance ${i.id} is ${status}; only a Running instance can be stopped.`,
      403,
    );
  if (ctx.params.bool('DryRun', false))
    throw new ApiError('DryRunOperation', 'Request validation has been passed with DryRun flag set.', 400);
  i.power = w.phases([['Stopping', LATENCY.ecsStopping]], 'Stopped');
  return {};
});

/** StartInstance: Stopped -> Starting -> Running; the agent comes back online after it. */
const startInstance = writes((ctx) => {
  const w = ctx.world;
  const i = instanceOf(w, ctx.params.req('InstanceId'));
  const status = instanceStatus(w, i);
  if (status === 'Starting' && i.power) return {};
  if (status !== 'Stopped')
    throw new ApiError(
      'IncorrectInstanceStatus',
      `The instance ${i.id} is ${status}; only a Stopped instance can be started.`,
      403,
    );
  if (ctx.params.bool('DryRun', false))
    throw new ApiError('DryRunOperation', 'Request validation has been passed with DryRun flag set.', 400);
  i.power = w.phases([['Starting', LATENCY.ecsStarting]], 'Running');
  i.agentOnlineAt = i.power.steps.at(-1)!.until + w.clock.delay(LATENCY.ecsAgentOnline);
  return {};
});

// ---- zones ---------------------------------------------------------------------------------

/** DescribeZones: the region's zones, from the same list the sandbox's CreateVSwitch accepts. */
const describeZones = reads((ctx) => {
  const regionId = regionOf(ctx);
  const zones = findRegion(regionId)?.zones ?? [];
  return {
    Zones: {
      Zone: zones.map((ZoneId) => ({
        ZoneId,
        LocalName: `${findRegion(regionId)!.name} Zone ${ZoneId.slice(-1).toUpperCase()}`,
        ZoneType: 'AvailabilityZone',
        AvailableResourceCreation: { ResourceTypes: ['VSwitch', 'Instance', 'Disk'] },
        AvailableDiskCategories: { DiskCategories: ['cloud_essd', 'cloud_efficiency'] },
        AvailableInstanceTypes: { InstanceTypes: ['ecs.t6-c1m1.large', 'ecs.g7.large'] },
      })),
    },
  };
});

export const INSTANCE_ACTIONS: ActionTable = {
  RunInstances: runInstances,
  DescribeInstances: describeInstances,
  DeleteInstance: deleteInstance,
  DeleteInstances: deleteInstances,
  StopInstance: stopInstance,
  StartInstance: startInstance,
  DescribeZones: describeZones,
};
