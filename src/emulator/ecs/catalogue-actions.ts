/**
 * The reads a script or Terraform's alicloud provider makes around the resources vpnbot uses:
 * regions and zones (ECS and VPC), images and instance types (ECS), and the VPC's route table list
 * and vSwitch attributes. Answers come from the same region list the topology language validates
 * against, and from the resources in the world.
 */
import { cidr } from '../../topology/cidr';
import { findRegion, REGIONS } from '../../topology/regions';
import { ApiError, notFound } from '../api/api-error';
import { isoSeconds, page, reads, regionOf, type ActionTable } from '../api/api-kit';
import { soldOut } from '../state/account';
import { tagList } from '../state/world';

/** `withStatus`: ECS's region model has a Status, VPC's has none. */
const regionList = (endpointOf: (id: string) => string, withStatus: boolean) =>
  reads(() => ({
    Regions: {
      Region: REGIONS.map((r) => ({
        RegionId: r.id,
        LocalName: r.name,
        RegionEndpoint: endpointOf(r.id),
        ...(withStatus ? { Status: 'available' } : {}),
      })),
    },
  }));

const vpcZones = reads((ctx) => {
  const region = findRegion(regionOf(ctx));
  return {
    Zones: {
      Zone: (region?.zones ?? []).map((ZoneId) => ({
        ZoneId,
        LocalName: `${region!.name} Zone ${ZoneId.slice(-1).toUpperCase()}`,
        ZoneType: 'AvailabilityZone',
      })),
    },
  };
});

/** The images a probe can start from: Alibaba Cloud Linux, by family and id. */
const IMAGES = [
  {
    ImageId: 'aliyun_3_x64_20G_alibase_20250101.vhd',
    ImageFamily: 'acs:alibaba_cloud_linux_3_2104_lts_x64',
    OSName: 'Alibaba Cloud Linux 3.2104 LTS 64-bit',
  },
  {
    ImageId: 'aliyun_2_1903_x64_20G_alibase_20240101.vhd',
    ImageFamily: 'acs:aliyun_2_1903_x64',
    OSName: 'Alibaba Cloud Linux 2.1903 LTS 64-bit',
  },
];

const describeImages = reads((ctx) => {
  const id = ctx.params.opt('ImageId');
  const family = ctx.params.opt('ImageFamily');
  const all = IMAGES.filter((i) => (!id || i.ImageId === id) && (!family || i.ImageFamily === family));
  const { items, meta } = page(ctx, all, 100, 10);
  return {
    Images: {
      Image: items.map((i) => ({
        ...i,
        OSType: 'linux',
        Platform: 'Aliyun',
        Architecture: 'x86_64',
        Status: 'Available',
        ImageOwnerAlias: 'system',
        IsSupportCloudinit: true,
        Size: 20,
        Usage: 'instance',
        CreationTime: '2025-01-01T00:00:00Z',
      })),
    },
    RegionId: regionOf(ctx),
    ...meta,
  };
});

const INSTANCE_TYPES = [
  { InstanceTypeId: 'ecs.t6-c1m1.large', CpuCoreCount: 2, MemorySize: 2, InstanceTypeFamily: 'ecs.t6' },
  { InstanceTypeId: 'ecs.g7.large', CpuCoreCount: 2, MemorySize: 8, InstanceTypeFamily: 'ecs.g7' },
];

export const INSTANCE_TYPE_IDS: readonly string[] = INSTANCE_TYPES.map((t) => t.InstanceTypeId);
/** The system disk categories every emulated zone sells with every type. */
export const DISK_CATEGORIES: readonly string[] = ['cloud_essd', 'cloud_efficiency', 'cloud_ssd'];

/**
 * What a zone sells: `DestinationResource=InstanceType` lists the instance types (filtered by
 * `InstanceType` and `SystemDiskCategory` when given); `SystemDisk` the disk categories for
 * `InstanceType`. A sold-out type is listed `SoldOut` / `WithoutStock`, as the cloud lists it.
 */
const describeAvailableResource = reads((ctx) => {
  const regionId = regionOf(ctx);
  const destination = ctx.params.req('DestinationResource');
  if (!['Zone', 'InstanceType', 'SystemDisk'].includes(destination))
    throw new ApiError(
      'InvalidDestinationResource.ValueNotSupported',
      `DestinationResource ${destination} is not supported.`,
      400,
    );
  const zoneId = ctx.params.opt('ZoneId');
  const zones = (findRegion(regionId)?.zones ?? []).filter((z) => !zoneId || z === zoneId);
  const type = ctx.params.opt('InstanceType');
  const disk = ctx.params.opt('SystemDiskCategory');
  const diskSold = disk === undefined || DISK_CATEGORIES.includes(disk);
  const stock = (zone: string, t: string) => (diskSold && !soldOut(ctx.account, zone, t) ? 'Available' : 'SoldOut');
  const category = (status: string) => (status === 'Available' ? 'WithStock' : 'WithoutStock');
  const resources = (zone: string) => {
    if (destination === 'SystemDisk') {
      const typeStock = type ? stock(zone, type) : 'Available';
      return [
        {
          Type: 'SystemDisk',
          SupportedResources: {
            SupportedResource: DISK_CATEGORIES.filter((d) => !disk || d === disk).map((d) => ({
              Value: d,
              Status: typeStock,
              StatusCategory: category(typeStock),
              Min: 20,
              Max: 2048,
              Unit: 'GiB',
            })),
          },
        },
      ];
    }
    return [
      {
        Type: 'InstanceType',
        SupportedResources: {
          SupportedResource: INSTANCE_TYPE_IDS.filter((t) => !type || t === type).map((t) => ({
            Value: t,
            Status: stock(zone, t),
            StatusCategory: category(stock(zone, t)),
          })),
        },
      },
    ];
  };
  return {
    AvailableZones: {
      AvailableZone: zones.map((z) => {
        const any = INSTANCE_TYPE_IDS.some((t) => (!type || t === type) && stock(z, t) === 'Available');
        return {
          ZoneId: z,
          RegionId: regionId,
          Status: any ? 'Available' : 'SoldOut',
          StatusCategory: category(any ? 'Available' : 'SoldOut'),
          AvailableResources: { AvailableResource: resources(z) },
        };
      }),
    },
  };
});

const describeInstanceTypes = reads((ctx) => {
  const wanted = ctx.params.list('InstanceTypes');
  const items = INSTANCE_TYPES.filter((t) => wanted.length === 0 || wanted.includes(t.InstanceTypeId));
  return {
    InstanceTypes: {
      InstanceType: items.map((t) => ({
        ...t,
        EniQuantity: 2,
        GPUAmount: 0,
        LocalStorageCategory: '',
        CpuArchitecture: 'X86',
      })),
    },
    NextToken: '',
  };
});

/** Each VPC has one system route table (custom tables are not modelled). */
const describeRouteTableList = reads((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const vpcId = ctx.params.opt('VpcId');
  const tableId = ctx.params.opt('RouteTableId');
  const all = [...w.vpcs.values()].filter(
    (v) =>
      v.regionId === regionId &&
      v.deletingUntil === undefined &&
      (!vpcId || v.id === vpcId) &&
      (!tableId || v.routeTableId === tableId),
  );
  const { items, meta } = page(ctx, all, 50, 10);
  return {
    RouterTableList: {
      RouterTableListType: items.map((v) => ({
        RouteTableId: v.routeTableId,
        RouteTableType: 'System',
        RouteTableName: '',
        VpcId: v.id,
        RouterId: v.vRouterId,
        RouterType: 'VRouter',
        Status: 'Available',
        CreationTime: isoSeconds(v.createdAt),
        Description: '',
        ResourceGroupId: 'rg-default',
        AssociateType: 'VSwitch',
        VSwitchIds: {
          VSwitchId: [...w.vswitches.values()]
            .filter((s) => s.vpcId === v.id && s.deletingUntil === undefined)
            .map((s) => s.id),
        },
        Tags: { Tag: [] },
      })),
    },
    ...meta,
  };
});

const describeVSwitchAttributes = reads((ctx) => {
  const w = ctx.world;
  const id = ctx.params.req('VSwitchId');
  const s = w.vswitches.get(id);
  if (!s || s.regionId !== regionOf(ctx)) throw notFound('InvalidVSwitchId.NotFound', `vSwitch ${id}`);
  const vpc = w.vpcs.get(s.vpcId);
  const used = [...w.instances.values()].filter((i) => i.vswitchId === s.id).length;
  return {
    VSwitchId: s.id,
    VpcId: s.vpcId,
    ZoneId: s.zoneId,
    CidrBlock: s.cidrBlock,
    VSwitchName: s.name,
    Description: s.description ?? '',
    Status: w.status(s, 'Pending'),
    CreationTime: isoSeconds(s.createdAt),
    AvailableIpAddressCount: 2 ** (32 - cidr(s.cidrBlock).prefix) - 4 - used,
    IsDefault: false,
    NetworkAclId: '',
    ResourceGroupId: 'rg-default',
    RouteTable: { RouteTableId: vpc?.routeTableId ?? '', RouteTableType: 'System' },
    Tags: { Tag: tagList(s.tags) },
    OwnerId: 0,
    ShareType: '',
  };
});

export const ECS_CATALOGUE_ACTIONS: ActionTable = {
  DescribeRegions: regionList((id) => `ecs.${id}.aliyuncs.com`, true),
  DescribeImages: describeImages,
  DescribeInstanceTypes: describeInstanceTypes,
  DescribeAvailableResource: describeAvailableResource,
};

export const VPC_CATALOGUE_ACTIONS: ActionTable = {
  DescribeRegions: regionList((id) => `vpc.${id}.aliyuncs.com`, false),
  DescribeZones: vpcZones,
  DescribeRouteTableList: describeRouteTableList,
  DescribeVSwitchAttributes: describeVSwitchAttributes,
};
