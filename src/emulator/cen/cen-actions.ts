/**
 * CEN (Cbn) 2017-09-12: instances, and what a CEN bought before Enterprise Edition still does:
 * VPC attachments (AttachCenChildInstance) and published route entries. A CEN created today is
 * Enterprise Edition: VPCs join through transit routers (transit-router-actions.ts), and
 * PublishRouteEntries advertises a VPC's route to the transit router its VPC is attached to.
 */
import { ApiError } from '../api/api-error';
import { isoMinutes, page, reads, writes, type ActionContext, type ActionTable } from '../api/api-kit';
import { ownRoutes } from '../network/routing';
import { vpcAttachmentOf } from '../network/transit-routing';
import {
  LATENCY,
  matchesTags,
  tagList,
  type CenAttachmentR,
  type CenPublishR,
  type CenR,
  type World,
} from '../state/world';

export function cenOf(world: World, id: string): CenR {
  const c = world.cens.get(id);
  if (!c) throw new ApiError('ParameterCenInstanceId', `The CEN instance ${id} does not exist.`, 400);
  return c;
}

/** One change at a time per CEN instance: the real service answers Operation.Blocking. */
function lockCen(w: World, c: CenR, realMs: number): void {
  const status = w.status(c, 'Deleting');
  if (status !== 'Active' || w.now() < c.busyUntil)
    throw new ApiError(
      'Operation.Blocking',
      `The CEN instance ${c.id} is ${status === 'Active' ? 'processing another operation' : status}; try again later.`,
      400,
    );
  c.busyUntil = w.now() + w.clock.delay(realMs);
}

function childParams(ctx: ActionContext) {
  return {
    cenId: ctx.params.req('CenId'),
    childInstanceId: ctx.params.req('ChildInstanceId'),
    childInstanceType: ctx.params.req('ChildInstanceType'),
    childInstanceRegionId: ctx.params.req('ChildInstanceRegionId'),
  };
}

function attachmentOf(w: World, cenId: string, childId: string): CenAttachmentR {
  const a = w.cenAttachments.find((x) => x.cenId === cenId && x.childInstanceId === childId);
  if (!a) throw new ApiError('ParameterInstanceId', `The instance ${childId} is not attached to ${cenId}.`, 400);
  return a;
}

const cenView = (w: World, c: CenR) => ({
  CenId: c.id,
  Name: c.name,
  Description: c.description,
  Status: w.status(c, 'Deleting'),
  ProtectionLevel: c.protectionLevel,
  Ipv6Level: 'DISABLED',
  CreationTime: isoMinutes(c.createdAt),
  CenBandwidthPackageIds: { CenBandwidthPackageId: [] },
  Tags: { Tag: tagList(c.tags) },
  ResourceGroupId: 'rg-default',
});

const attachmentView = (w: World, a: CenAttachmentR) => ({
  CenId: a.cenId,
  ChildInstanceId: a.childInstanceId,
  ChildInstanceType: a.childInstanceType,
  ChildInstanceRegionId: a.childInstanceRegionId,
  ChildInstanceOwnerId: 0,
  Status: w.status(a, 'Detaching'),
  ChildInstanceAttachTime: isoMinutes(a.createdAt),
});

const createCen = writes((ctx) => {
  const w = ctx.world;
  const id = w.newId('cen');
  w.cens.set(id, {
    id,
    name: ctx.params.opt('Name') ?? '',
    description: ctx.params.opt('Description') ?? '',
    protectionLevel: ctx.params.opt('ProtectionLevel') ?? 'REDUCED',
    busyUntil: 0,
    tags: ctx.params.tags(),
    createdAt: w.now(),
    phases: w.phases([['Creating', LATENCY.cenCreate]], 'Active'),
    edition: 'Enterprise',
  });
  return { CenId: id };
});

/**
 * A CEN bought before Enterprise Edition, held as an adopted one would be: its Basic transit
 * routers in `regions` (ListTransitRouters shows them), and AttachCenChildInstance as it was.
 * Only the control API makes one: Basic Edition can no longer be bought.
 */
export function holdBasicCen(w: World, name: string, regions: readonly string[]): string {
  const id = w.newId('cen');
  w.cens.set(id, {
    id,
    name,
    description: 'bought before Enterprise Edition',
    protectionLevel: 'REDUCED',
    busyUntil: 0,
    tags: {},
    createdAt: w.now(),
    phases: { steps: [], final: 'Active' },
    edition: 'Basic',
  });
  for (const r of regions) basicRouter(w, id, r);
  return id;
}

const basicRouter = (w: World, cenId: string, regionId: string) =>
  w.tr.holdBasic(cenId, regionId, w.now(), () => w.newId('tr'));

const describeCens = reads((ctx) => {
  const w = ctx.world;
  const filters = ctx.params
    .objects('Filter')
    .map((f, i) => ({ key: f.Key, values: ctx.params.list(`Filter.${i + 1}.Value`) }));
  const tags = ctx.params.tags();
  const all = [...w.cens.values()].filter(
    (c) =>
      matchesTags(c.tags, tags) &&
      filters.every(
        (f) => f.values.length === 0 || f.values.includes(f.key === 'Name' ? c.name : f.key === 'CenId' ? c.id : ''),
      ),
  );
  const { items, meta } = page(ctx, all);
  return { Cens: { Cen: items.map((c) => cenView(w, c)) }, ...meta };
});

const deleteCen = writes((ctx) => {
  const w = ctx.world;
  const c = cenOf(w, ctx.params.req('CenId'));
  if (c.deletingUntil !== undefined) return {};
  // SYNTHETIC: the documented prerequisite (no attached instances) has no public error code.
  if (w.cenAttachments.some((a) => a.cenId === c.id))
    throw new ApiError(
      'DependencyViolation.ChildInstance',
      `The CEN instance ${c.id} still has attached network instances.`,
      400,
    );
  // SYNTHETIC as well: transit routers go before their CEN.
  const router = [...w.tr.routers.values()].find(
    (r) => r.cenId === c.id && r.type === 'Enterprise' && r.deletingUntil === undefined,
  );
  if (router)
    throw new ApiError(
      'DependencyViolation.TransitRouter',
      `The CEN instance ${c.id} still has transit router ${router.id}.`,
      400,
    );
  lockCen(w, c, LATENCY.cenDelete);
  w.markDeleting(c, LATENCY.cenDelete);
  for (const r of w.tr.routers.values()) if (r.cenId === c.id) w.markDeleting(r, LATENCY.cenDelete);
  return {};
});

const attach = writes((ctx) => {
  const w = ctx.world;
  const p = childParams(ctx);
  const c = cenOf(w, p.cenId);
  // SYNTHETIC: a CEN created today has no Basic transit router to attach to, and none can be bought.
  if (c.edition === 'Enterprise')
    throw new ApiError(
      'InvalidOperation.BasicEditionNotAvailable',
      `The CEN instance ${c.id} is Enterprise Edition: Basic transit routers can no longer be bought. Connect the VPC with CreateTransitRouterVpcAttachment.`,
      400,
    );
  if (p.childInstanceType !== 'VPC')
    throw new ApiError('ParameterChildInstanceType', 'The emulator attaches VPCs only.', 400);
  const vpc = w.vpcs.get(p.childInstanceId);
  if (!vpc || vpc.regionId !== p.childInstanceRegionId || vpc.deletingUntil !== undefined)
    throw new ApiError(
      'ParameterInstanceId',
      `The VPC ${p.childInstanceId} does not exist in ${p.childInstanceRegionId}.`,
      400,
    );
  const existing = w.cenAttachments.find((a) => a.childInstanceId === vpc.id);
  if (existing)
    throw new ApiError(
      'InstanceExist.AttachedToCen',
      `The VPC ${vpc.id} is already attached to ${existing.cenId}.`,
      400,
    );
  if (w.status(vpc, 'Deleting') !== 'Available' || w.now() < vpc.busyUntil)
    throw new ApiError('OperationFailed.InvalidVpcStatus', `The VPC ${vpc.id} is changing; try again later.`, 400);
  lockCen(w, c, LATENCY.cenAttach);
  basicRouter(w, c.id, p.childInstanceRegionId);
  w.cenAttachments.push({ ...p, createdAt: w.now(), phases: w.phases([['Attaching', LATENCY.cenAttach]], 'Attached') });
  return {};
});

const detach = writes((ctx) => {
  const w = ctx.world;
  const p = childParams(ctx);
  const c = cenOf(w, p.cenId);
  const a = attachmentOf(w, c.id, p.childInstanceId);
  if (a.deletingUntil !== undefined) return {};
  // SYNTHETIC: withdraw published routes before detaching the VPC that owns them.
  if (w.cenPublished.some((x) => x.cenId === c.id && x.childInstanceId === a.childInstanceId)) {
    throw new ApiError(
      'DependencyViolation.PublishedRouteEntries',
      `Routes of ${a.childInstanceId} are still published to ${c.id}; withdraw them first.`,
      400,
    );
  }
  lockCen(w, c, LATENCY.cenDetach);
  w.markDeleting(a, LATENCY.cenDetach);
  return {};
});

const describeAttached = reads((ctx) => {
  const w = ctx.world;
  const cenId = ctx.params.req('CenId');
  cenOf(w, cenId);
  const region = ctx.params.opt('ChildInstanceRegionId');
  const type = ctx.params.opt('ChildInstanceType');
  const all = w.cenAttachments.filter(
    (a) =>
      a.cenId === cenId && (!region || a.childInstanceRegionId === region) && (!type || a.childInstanceType === type),
  );
  const { items, meta } = page(ctx, all);
  return { ChildInstances: { ChildInstance: items.map((a) => attachmentView(w, a)) }, ...meta };
});

const describeAttachedAttribute = reads((ctx) => {
  const w = ctx.world;
  const p = childParams(ctx);
  const a = attachmentOf(w, p.cenId, p.childInstanceId);
  const vpc = w.vpcs.get(a.childInstanceId);
  return {
    ...attachmentView(w, a),
    ChildInstanceName: vpc?.name ?? '',
    // The model's wire names inside ChildInstanceAttributes are lower-case (secondaryCidrBlock).
    ChildInstanceAttributes: {
      CidrBlock: vpc?.cidrBlock ?? '',
      SecondaryCidrBlocks: { secondaryCidrBlock: vpc?.secondaryCidrBlocks ?? [] },
    },
  };
});

function publishParams(ctx: ActionContext) {
  return {
    ...childParams(ctx),
    routeTableId: ctx.params.req('ChildInstanceRouteTableId'),
    destinationCidrBlock: ctx.params.req('DestinationCidrBlock'),
  };
}

const findPublished = (w: World, p: ReturnType<typeof publishParams>): CenPublishR | undefined =>
  w.cenPublished.find(
    (x) =>
      x.cenId === p.cenId &&
      x.childInstanceId === p.childInstanceId &&
      x.destinationCidrBlock === p.destinationCidrBlock,
  );

const publish = writes((ctx) => {
  const w = ctx.world;
  const p = publishParams(ctx);
  const c = cenOf(w, p.cenId);
  // UNVERIFIED: that PublishRouteEntries is what advertises a VPC's VPN-gateway route to an Enterprise transit router.
  if (c.edition === 'Enterprise') {
    if (!vpcAttachmentOf(w, c.id, p.childInstanceId))
      throw new ApiError(
        'InvalidOperation.ChildInstanceStatus',
        `The VPC ${p.childInstanceId} has no Attached transit-router connection in ${c.id}.`,
        400,
      );
  } else {
    const a = attachmentOf(w, c.id, p.childInstanceId);
    if (!w.isReady(a))
      throw new ApiError(
        'InvalidOperation.ChildInstanceStatus',
        `The instance ${a.childInstanceId} is ${w.status(a, 'Detaching')}, not Attached.`,
        400,
      );
  }
  const vpc = w.vpcs.get(p.childInstanceId);
  if (!vpc || vpc.regionId !== p.childInstanceRegionId)
    throw new ApiError(
      'ParameterInstanceId',
      `The VPC ${p.childInstanceId} does not exist in ${p.childInstanceRegionId}.`,
      400,
    );
  if (vpc.routeTableId !== p.routeTableId)
    throw new ApiError(
      'ParameterChildInstanceRouteTableId',
      `${p.routeTableId} is not the route table of ${vpc.id}.`,
      400,
    );
  const route = ownRoutes(w, vpc).find((r) => r.type === 'Custom' && r.destination === p.destinationCidrBlock);
  if (!route)
    throw new ApiError(
      'InvalidOperation.NotFoundRoute',
      `No available custom route entry for ${p.destinationCidrBlock} in ${p.routeTableId}.`,
      400,
    );
  if (findPublished(w, p)) return {};
  lockCen(w, c, LATENCY.cenPublish);
  w.cenPublished.push({
    cenId: c.id,
    childInstanceId: vpc.id,
    childInstanceRegionId: vpc.regionId,
    childInstanceType: 'VPC',
    routeTableId: p.routeTableId,
    destinationCidrBlock: p.destinationCidrBlock,
    createdAt: w.now(),
    phases: w.phases([['Publishing', LATENCY.cenPublish]], 'Published'),
  });
  return {};
});

const withdraw = writes((ctx) => {
  const w = ctx.world;
  const p = publishParams(ctx);
  const c = cenOf(w, p.cenId);
  const entry = findPublished(w, p);
  if (!entry)
    throw new ApiError('InvalidOperation.NotFoundRoute', `${p.destinationCidrBlock} is not published to ${c.id}.`, 400);
  if (entry.deletingUntil !== undefined) return {};
  lockCen(w, c, LATENCY.cenWithdraw);
  w.markDeleting(entry, LATENCY.cenWithdraw);
  return {};
});

const describePublished = reads((ctx) => {
  const w = ctx.world;
  const p = childParams(ctx);
  cenOf(w, p.cenId);
  const vpc = w.vpcs.get(p.childInstanceId);
  if (!vpc) throw new ApiError('ParameterInstanceId', `The VPC ${p.childInstanceId} does not exist.`, 400);
  const dest = ctx.params.opt('DestinationCidrBlock');
  const entries = ownRoutes(w, vpc)
    .filter((r) => !dest || r.destination === dest)
    .map((r) => {
      const published = w.cenPublished.find(
        (x) => x.cenId === p.cenId && x.childInstanceId === vpc.id && x.destinationCidrBlock === r.destination,
      );
      const status =
        r.type === 'System' ? 'Published' : published ? w.status(published, 'Withdrawing') : 'NonPublished';
      return {
        DestinationCidrBlock: r.destination,
        ChildInstanceRouteTableId: vpc.routeTableId,
        NextHopType: r.type === 'System' ? 'local' : r.nextHopType,
        NextHopId: r.nextHopId,
        RouteType: r.type,
        PublishStatus: status,
        OperationalMode: r.type === 'Custom',
        Conflicts: { Conflict: [] },
      };
    });
  const { items, meta } = page(ctx, entries, 500, 10);
  return { PublishedRouteEntries: { PublishedRouteEntry: items }, ...meta };
});

export const CEN_ACTIONS: ActionTable = {
  CreateCen: createCen,
  DescribeCens: describeCens,
  DeleteCen: deleteCen,
  AttachCenChildInstance: attach,
  DetachCenChildInstance: detach,
  DescribeCenAttachedChildInstances: describeAttached,
  DescribeCenAttachedChildInstanceAttribute: describeAttachedAttribute,
  PublishRouteEntries: publish,
  WithdrawPublishedRouteEntries: withdraw,
  DescribePublishedRouteEntries: describePublished,
};
