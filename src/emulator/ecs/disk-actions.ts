/** ECS 2014-05-26 DescribeDisks: every instance has one system disk (40 GiB ESSD) and no data disk. */
import { isoMinutes, page, reads, regionOf, tokenPage, type ActionTable } from '../api/api-kit';
import { ecsTags } from './ecs-kit';
import { systemDiskId } from '../state/instance-state';
import { matchesTags, type InstanceR } from '../state/world';

const DEVICE = '/dev/xvda';

/** In_use while its instance lives (a system disk cannot be detached); gone with it. */
const diskView = (i: InstanceR) => {
  const attached = isoMinutes(i.createdAt);
  return {
    DiskId: systemDiskId(i),
    DiskName: '',
    Description: '',
    RegionId: i.regionId,
    ZoneId: i.zoneId,
    Type: 'system',
    Category: 'cloud_essd',
    PerformanceLevel: 'PL0',
    Size: 40,
    Status: 'In_use',
    InstanceId: i.id,
    Device: DEVICE,
    ImageId: i.imageId,
    SourceSnapshotId: '',
    Portable: false,
    DeleteWithInstance: true,
    DeleteAutoSnapshot: true,
    EnableAutoSnapshot: false,
    EnableAutomatedSnapshotPolicy: false,
    Encrypted: false,
    KMSKeyId: '',
    DiskChargeType: 'PostPaid',
    CreationTime: attached,
    AttachedTime: attached,
    DetachedTime: '',
    ExpiredTime: '2999-09-08T16:00Z',
    IOPS: 2280,
    MultiAttach: 'Disabled',
    BurstingEnabled: false,
    SerialNumber: `${systemDiskId(i).slice(2, 22)}`,
    ResourceGroupId: '',
    ProductCode: '',
    MountInstanceNum: 0,
    Attachments: { Attachment: [{ InstanceId: i.id, Device: DEVICE, AttachedTime: attached }] },
    OperationLocks: { OperationLock: [] },
    Tags: ecsTags(i.diskTags ?? {}),
  };
};

const describeDisks = reads((ctx) => {
  const regionId = regionOf(ctx);
  const ids = ctx.params.json<string[]>('DiskIds');
  const f = {
    instance: ctx.params.opt('InstanceId'),
    type: ctx.params.opt('DiskType') ?? 'all',
    category: ctx.params.opt('Category') ?? 'all',
    status: ctx.params.opt('Status') ?? 'All',
    zone: ctx.params.opt('ZoneId'),
  };
  const tags = ctx.params.tags();
  const all = [...ctx.world.instances.values()].filter(
    (i) =>
      i.regionId === regionId &&
      i.deletingUntil === undefined &&
      (!ids || ids.includes(systemDiskId(i))) &&
      (!f.instance || i.id === f.instance) &&
      (f.type === 'all' || f.type === 'system') &&
      (f.category === 'all' || f.category === 'cloud_essd') &&
      (f.status === 'All' || f.status === 'In_use') &&
      (!f.zone || i.zoneId === f.zone) &&
      matchesTags(i.diskTags ?? {}, tags),
  );
  if (ctx.params.opt('MaxResults') || ctx.params.opt('NextToken')) {
    const { items, nextToken } = tokenPage(ctx, all, 'MaxResults', 500, 10);
    return { Disks: { Disk: items.map(diskView) }, NextToken: nextToken, TotalCount: all.length };
  }
  const { items, meta } = page(ctx, all, 100, 10);
  return { Disks: { Disk: items.map(diskView) }, NextToken: '', ...meta };
});

export const DISK_ACTIONS: ActionTable = { DescribeDisks: describeDisks };
