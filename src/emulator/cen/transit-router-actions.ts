/**
 * CEN 2017-09-12, Enterprise Edition: transit routers, their route tables, VPC and inter-region
 * attachments, associations and propagations, static transit-router routes, and VPC routes that
 * point at an attachment. Wire names, statuses and paging as the SDK models have them
 * (shared/reference/alibaba-today-api.md §2). Forwarding is in network/transit-routing.ts.
 *
 * One change at a time per transit router: anything else answers Operation.Blocking (Terraform
 * retries it on every transit-router action). Codes the references do not give are marked
 * SYNTHETIC.
 */
import { cidr, parseCidr } from '../../topology/cidr';
import { findRegion } from '../../topology/regions';
import { ApiError } from '../api/api-error';
import {
  isoMinutes,
  page,
  reads,
  regionOf,
  tokenPage,
  writes,
  type ActionContext,
  type ActionTable,
} from '../api/api-kit';
import { isAttached, live, regionRouter, tableRoutes, transitRouterOf, type TrRoute } from '../network/transit-routing';
import type {
  TrPeerAttachmentR,
  TrRouteTableR,
  TrTableLinkR,
  TrVpcAttachmentR,
  TransitRouterR,
} from '../state/transit-router-state';
import { LATENCY, matchesTags, tagList, type CenR, type World } from '../state/world';
import { lockVpc } from '../vpc/vpc-kit';
import { cenOf } from './cen-actions';

/**
 * DryRun: the checks ran and nothing changes. Most actions answer the error DryRunOperation; the
 * models of some deletes and of CreateTransitRouterPeerAttachment say they return the request id.
 */
function dryRun(ctx: ActionContext, style: 'error' | 'request-id'): Record<string, unknown> | undefined {
  if (!ctx.params.bool('DryRun', false)) return undefined;
  if (style === 'request-id') return {};
  throw new ApiError('DryRunOperation', 'Request validation has been passed with DryRun flag set.', 400);
}

/** The CEN a transit router may be made in: today's CENs only (a held Basic one keeps its Basic routers). */
function enterpriseCen(w: World, id: string): CenR {
  const c = cenOf(w, id);
  if (w.status(c, 'Deleting') !== 'Active')
    throw new ApiError('IncorrectStatus.CenInstance', `The CEN instance ${c.id} is not Active.`, 400);
  // SYNTHETIC: the code for Enterprise resources on a CEN of Basic transit routers is not documented.
  if ((c.edition ?? 'Basic') === 'Basic')
    throw new ApiError(
      'InvalidOperation.CenBasicEdition',
      `The CEN instance ${c.id} has Basic Edition transit routers: attach VPCs with AttachCenChildInstance.`,
      400,
    );
  return c;
}

function routerOf(w: World, id: string): TransitRouterR {
  const r = transitRouterOf(w, id);
  // SYNTHETIC: a transit router that does not exist.
  if (!r) throw new ApiError('InvalidTransitRouterId.NotFound', `The transit router ${id} does not exist.`, 404);
  return r;
}

/** One change at a time per transit router, and only once it is Active. */
function lockRouter(w: World, r: TransitRouterR, realMs: number): void {
  const status = w.status(r, 'Deleting');
  if (status !== 'Active')
    throw new ApiError('IncorrectStatus.Status', `The transit router ${r.id} is ${status}, not Active.`, 400);
  if (w.now() < r.busyUntil)
    throw new ApiError(
      'Operation.Blocking',
      `The transit router ${r.id} is processing another operation; try again later.`,
      400,
    );
  r.busyUntil = w.now() + w.clock.delay(realMs);
}

function newRouter(
  w: World,
  cen: CenR,
  regionId: string,
  name: string,
  description: string,
  tags: Record<string, string>,
) {
  const id = w.newId('tr');
  const phases = w.phases([['Creating', LATENCY.transitRouterCreate]], 'Active');
  const tableId = w.newId('vtb');
  w.tr.routeTables.set(tableId, {
    id: tableId,
    transitRouterId: id,
    regionId,
    type: 'System',
    name: 'System route table',
    description: '',
    createdAt: w.now(),
    phases,
  });
  const router: TransitRouterR = {
    id,
    cenId: cen.id,
    regionId,
    type: 'Enterprise',
    name,
    description,
    systemRouteTableId: tableId,
    busyUntil: 0,
    tags,
    createdAt: w.now(),
    phases,
  };
  w.tr.routers.set(id, router);
  return router;
}

function text(ctx: ActionContext, name: string, max: number): string {
  const v = ctx.params.opt(name) ?? '';
  if (v.length > max || /^https?:\/\//.test(v))
    throw new ApiError(
      `IllegalParam.${name}`,
      `${name} must be 1-${max} characters, not starting with http(s)://.`,
      400,
    );
  return v;
}

/** MaxResults/NextToken paging, with the size echoed back as the models have it. */
function tokenList<T>(ctx: ActionContext, items: readonly T[], max: number, fallback: number) {
  const size = ctx.params.int('MaxResults', fallback, 1, max);
  const { items: slice, nextToken } = tokenPage(ctx, items, 'MaxResults', max, fallback);
  return { slice, meta: { NextToken: nextToken, MaxResults: size, TotalCount: items.length } };
}

const tags = (t: Record<string, string>) => tagList(t);

// ---- transit routers ------------------------------------------------------------------------

const routerView = (w: World, r: TransitRouterR) => ({
  TransitRouterId: r.id,
  TransitRouterName: r.name,
  TransitRouterDescription: r.description,
  CenId: r.cenId,
  RegionId: r.regionId,
  Type: r.type,
  Status: w.status(r, 'Deleting'),
  CreationTime: isoMinutes(r.createdAt),
  AliUid: 0,
  SupportMulticast: false,
  Tags: tags(r.tags),
  TransitRouterCidrList: [] as unknown[],
});

const createTransitRouter = writes((ctx) => {
  const w = ctx.world;
  const cen = enterpriseCen(w, ctx.params.req('CenId'));
  const regionId = regionOf(ctx);
  const name = text(ctx, 'TransitRouterName', 128);
  const description = text(ctx, 'TransitRouterDescription', 256);
  const existing = [...w.tr.routers.values()].find((r) => r.cenId === cen.id && r.regionId === regionId && live(r));
  // SYNTHETIC: only one transit router per CEN per region.
  if (existing)
    throw new ApiError(
      'InstanceExist.TransitRouter',
      `The CEN instance ${cen.id} already has transit router ${existing.id} in ${regionId}.`,
      400,
    );
  const dry = dryRun(ctx, 'error');
  if (dry) return dry;
  const r = newRouter(w, cen, regionId, name, description, ctx.params.tags());
  return { TransitRouterId: r.id };
});

const listTransitRouters = reads((ctx) => {
  const w = ctx.world;
  const f = {
    cen: ctx.params.opt('CenId'),
    region: ctx.params.opt('RegionId'),
    id: ctx.params.opt('TransitRouterId'),
    name: ctx.params.opt('TransitRouterName'),
    type: ctx.params.opt('Type'),
    status: ctx.params.opt('Status'),
  };
  const wanted = ctx.params.tags();
  const all = [...w.tr.routers.values()].filter(
    (r) =>
      (!f.cen || r.cenId === f.cen) &&
      (!f.region || r.regionId === f.region) &&
      (!f.id || r.id === f.id) &&
      (!f.name || r.name === f.name) &&
      (!f.type || r.type === f.type) &&
      (!f.status || w.status(r, 'Deleting') === f.status) &&
      matchesTags(r.tags, wanted),
  );
  const { items, meta } = page(ctx, all);
  return { TransitRouters: items.map((r) => routerView(w, r)), ...meta };
});

const deleteTransitRouter = writes((ctx) => {
  const w = ctx.world;
  const r = routerOf(w, ctx.params.req('TransitRouterId'));
  const used =
    [...w.tr.vpcAttachments.values()].some((a) => a.transitRouterId === r.id && live(a)) ||
    [...w.tr.peerAttachments.values()].some(
      (p) => live(p) && (p.transitRouterId === r.id || p.peerTransitRouterId === r.id),
    );
  // The code Terraform retries DeleteTransitRouter on while connections remain.
  if (used)
    throw new ApiError(
      'InvalidOperation.AttachedChildInstanceExist',
      `The transit router ${r.id} still has network instance connections.`,
      400,
    );
  const dry = dryRun(ctx, 'error');
  if (dry) return dry;
  lockRouter(w, r, LATENCY.transitRouterDelete);
  w.markDeleting(r, LATENCY.transitRouterDelete);
  const table = w.tr.routeTables.get(r.systemRouteTableId);
  if (table) w.markDeleting(table, LATENCY.transitRouterDelete);
  return {};
});

const availableResource = reads((ctx) => {
  const regionId = regionOf(ctx);
  const zones = (findRegion(regionId)?.zones ?? []).filter((z) => !ctx.account.closedZones.has(z));
  return { AvailableZones: zones, MasterZones: zones.slice(0, 1), SlaveZones: zones.slice(1), SupportMulticast: false };
});

// ---- VPC attachments ------------------------------------------------------------------------

function vpcAttachmentOf(w: World, id: string): TrVpcAttachmentR {
  const a = w.tr.vpcAttachments.get(id);
  // SYNTHETIC
  if (!live(a))
    throw new ApiError('InvalidTransitRouterAttachmentId.NotFound', `The attachment ${id} does not exist.`, 404);
  return a;
}

const vpcAttachmentView = (w: World, a: TrVpcAttachmentR) => ({
  TransitRouterAttachmentId: a.id,
  TransitRouterId: a.transitRouterId,
  CenId: a.cenId,
  VpcId: a.vpcId,
  VpcRegionId: a.regionId,
  VpcOwnerId: 0,
  Status: w.status(a, 'Detaching'),
  ResourceType: 'VPC',
  ChargeType: 'POSTPAY',
  OrderType: 'PayByCenOwner',
  AutoPublishRouteEnabled: a.autoPublishRouteEnabled,
  CreationTime: isoMinutes(a.createdAt),
  TransitRouterAttachmentName: a.name,
  TransitRouterAttachmentDescription: a.description,
  Options: { ApplianceModeSupport: 'disable', Ipv6Support: 'disable' },
  TransitRouterVPCAttachmentOptions: {},
  ZoneMappings: a.zoneMappings.map((z) => ({
    VSwitchId: z.vswitchId,
    ZoneId: z.zoneId,
    NetworkInterfaceId: z.networkInterfaceId,
  })),
  Tags: tags(a.tags),
});

const createVpcAttachment = writes((ctx) => {
  const w = ctx.world;
  const vpcId = ctx.params.req('VpcId');
  const given = ctx.params.opt('TransitRouterId');
  const cenId = ctx.params.opt('CenId');
  let router = given ? routerOf(w, given) : undefined;
  const cen = enterpriseCen(w, router?.cenId ?? cenId ?? ctx.params.req('CenId'));
  if (router && cenId && router.cenId !== cenId)
    throw new ApiError(
      'IllegalParam.CenId',
      `The transit router ${router.id} belongs to ${router.cenId}, not ${cenId}.`,
      400,
    );
  const regionId = router?.regionId ?? regionOf(ctx);
  const vpc = w.vpcs.get(vpcId);
  if (!live(vpc) || vpc.regionId !== regionId)
    throw new ApiError('IllegalParam.VpcId', `The VPC ${vpcId} does not exist in ${regionId}.`, 400);
  if (w.status(vpc, 'Deleting') !== 'Available')
    throw new ApiError('IncorrectStatus.VpcResource', `The VPC ${vpc.id} is not Available.`, 400);
  const mappings = ctx.params.objects('ZoneMappings');
  if (mappings.length === 0) throw new ApiError('MissingParam.ZoneMappings', 'ZoneMappings.N is mandatory.', 400);
  if (mappings.length > 10) throw new ApiError('IllegalParam.ZoneMappings', 'At most 10 zone mappings.', 400);
  const zones = new Set<string>();
  for (const m of mappings) {
    const s = m.VSwitchId ? w.vswitches.get(m.VSwitchId) : undefined;
    if (!live(s) || s.vpcId !== vpc.id)
      throw new ApiError(
        'IllegalParam.VSwitchId',
        `The vSwitch ${m.VSwitchId ?? ''} is not a vSwitch of ${vpc.id}.`,
        400,
      );
    if (s.zoneId !== m.ZoneId)
      throw new ApiError('IllegalParam.ZoneId', `The vSwitch ${s.id} is in ${s.zoneId}, not ${m.ZoneId ?? ''}.`, 400);
    if (w.status(s, 'Deleting') !== 'Available')
      throw new ApiError('IncorrectStatus.VpcSwitch', `The vSwitch ${s.id} is not Available.`, 400);
    zones.add(s.zoneId);
  }
  // SYNTHETIC code; the rule is documented: vSwitches in at least two zones where the region has several.
  const regionZones = findRegion(regionId)?.zones.length ?? 1;
  if (regionZones > 1 && zones.size < 2)
    throw new ApiError(
      'IllegalParam.ZoneMappings',
      `A VPC connection in ${regionId} needs vSwitches in at least two zones; got ${[...zones].join(', ')}.`,
      400,
    );
  if (w.cenAttachments.some((a) => a.childInstanceId === vpc.id && a.deletingUntil === undefined))
    throw new ApiError('InstanceExist.AttachedToCen', `The VPC ${vpc.id} is already attached to a CEN instance.`, 400);
  const already = [...w.tr.vpcAttachments.values()].find((a) => a.vpcId === vpc.id && a.cenId === cen.id && live(a));
  // SYNTHETIC
  if (already)
    throw new ApiError(
      'InstanceExist.AttachedToTransitRouter',
      `The VPC ${vpc.id} is already connected to ${cen.id} by ${already.id}.`,
      400,
    );
  const dry = dryRun(ctx, 'error');
  if (dry) return dry;
  // Without a transit router id: the region's, made now if the CEN has none there.
  router ??= regionRouter(w, cen.id, regionId) ?? newRouter(w, cen, regionId, '', '', {});
  lockRouter(w, router, LATENCY.trAttach);
  const id = w.newId('tr-attach');
  w.tr.vpcAttachments.set(id, {
    id,
    cenId: cen.id,
    transitRouterId: router.id,
    vpcId: vpc.id,
    regionId,
    zoneMappings: mappings.map((m) => ({
      vswitchId: m.VSwitchId!,
      zoneId: m.ZoneId!,
      networkInterfaceId: w.newId('eni'),
    })),
    autoPublishRouteEnabled: ctx.params.bool('AutoPublishRouteEnabled', false),
    name: text(ctx, 'TransitRouterAttachmentName', 128),
    description: text(ctx, 'TransitRouterAttachmentDescription', 256),
    tags: ctx.params.tags(),
    createdAt: w.now(),
    phases: w.phases([['Attaching', LATENCY.trAttach]], 'Attached'),
  });
  return { TransitRouterAttachmentId: id };
});

const listVpcAttachments = reads((ctx) => {
  const w = ctx.world;
  const f = {
    cen: ctx.params.opt('CenId'),
    region: ctx.params.opt('RegionId'),
    router: ctx.params.opt('TransitRouterId'),
    id: ctx.params.opt('TransitRouterAttachmentId'),
    vpc: ctx.params.opt('VpcId'),
    status: ctx.params.opt('Status'),
  };
  const wanted = ctx.params.tags();
  const all = [...w.tr.vpcAttachments.values()].filter(
    (a) =>
      (!f.cen || a.cenId === f.cen) &&
      (!f.region || a.regionId === f.region) &&
      (!f.router || a.transitRouterId === f.router) &&
      (!f.id || a.id === f.id) &&
      (!f.vpc || a.vpcId === f.vpc) &&
      (!f.status || w.status(a, 'Detaching') === f.status) &&
      matchesTags(a.tags, wanted),
  );
  const { slice, meta } = tokenList(ctx, all, 100, 20);
  return { TransitRouterAttachments: slice.map((a) => vpcAttachmentView(w, a)), ...meta };
});

/** What must go before an attachment does, unless forced: associations, propagations, routes through it. */
function attachmentDependents(w: World, id: string): string | undefined {
  if (w.tr.associations.some((x) => x.attachmentId === id && live(x))) return 'is associated with a route table';
  if (w.tr.propagations.some((x) => x.attachmentId === id && live(x))) return 'propagates into a route table';
  if ([...w.routeEntries.values()].some((e) => e.nextHopId === id && live(e))) return 'is the next hop of a VPC route';
  if ([...w.tr.routeEntries.values()].some((e) => e.nextHopId === id && live(e)))
    return 'is the next hop of a transit-router route';
  return undefined;
}

function forceDependents(w: World, id: string, realMs: number): void {
  for (const x of [...w.tr.associations, ...w.tr.propagations])
    if (x.attachmentId === id && live(x)) w.markDeleting(x, realMs);
  for (const e of w.routeEntries.values()) if (e.nextHopId === id && live(e)) w.markDeleting(e, realMs);
  for (const e of w.tr.routeEntries.values()) if (e.nextHopId === id && live(e)) w.markDeleting(e, realMs);
}

const deleteVpcAttachment = writes((ctx) => {
  const w = ctx.world;
  const a = vpcAttachmentOf(w, ctx.params.req('TransitRouterAttachmentId'));
  const force = ctx.params.bool('Force', false);
  const dependent = attachmentDependents(w, a.id);
  // SYNTHETIC: the preconditions are documented, their codes are not.
  if (dependent && !force)
    throw new ApiError('DependencyViolation.TransitRouterAttachment', `The attachment ${a.id} ${dependent}.`, 400);
  if (w.cenPublished.some((p) => p.cenId === a.cenId && p.childInstanceId === a.vpcId && p.deletingUntil === undefined))
    throw new ApiError(
      'DependencyViolation.PublishedRouteEntries',
      `Routes of ${a.vpcId} are still advertised to ${a.cenId}; withdraw them first.`,
      400,
    );
  const dry = dryRun(ctx, 'request-id');
  if (dry) return dry;
  lockRouter(w, routerOf(w, a.transitRouterId), LATENCY.trDetach);
  if (force) forceDependents(w, a.id, LATENCY.trDetach);
  w.markDeleting(a, LATENCY.trDetach);
  return {};
});

// ---- route tables, associations, propagations ----------------------------------------------

function tableOf(w: World, id: string): TrRouteTableR {
  const t = w.tr.routeTables.get(id);
  // SYNTHETIC
  if (!live(t))
    throw new ApiError('InvalidTransitRouterRouteTableId.NotFound', `The route table ${id} does not exist.`, 404);
  return t;
}

const tableView = (w: World, t: TrRouteTableR) => ({
  TransitRouterRouteTableId: t.id,
  TransitRouterRouteTableName: t.name,
  TransitRouterRouteTableDescription: t.description,
  TransitRouterRouteTableType: t.type,
  TransitRouterRouteTableStatus: w.status(t, 'Deleting'),
  TransitRouterId: t.transitRouterId,
  RegionId: t.regionId,
  CreateTime: isoMinutes(t.createdAt),
  RouteTableOptions: { MultiRegionECMP: 'disable' },
  Tags: [] as unknown[],
});

const listRouteTables = reads((ctx) => {
  const w = ctx.world;
  const router = ctx.params.opt('TransitRouterId');
  const ids = ctx.params.list('TransitRouterRouteTableIds');
  const names = ctx.params.list('TransitRouterRouteTableNames');
  const type = ctx.params.opt('TransitRouterRouteTableType');
  const status = ctx.params.opt('TransitRouterRouteTableStatus');
  const all = [...w.tr.routeTables.values()].filter(
    (t) =>
      (!router || t.transitRouterId === router) &&
      (ids.length === 0 || ids.includes(t.id)) &&
      (names.length === 0 || names.includes(t.name)) &&
      (!type || t.type === type) &&
      (!status || w.status(t, 'Deleting') === status),
  );
  const { slice, meta } = tokenList(ctx, all, 100, 20);
  return { TransitRouterRouteTables: slice.map((t) => tableView(w, t)), ...meta };
});

/** Either kind of attachment, with the transit router(s) it belongs to. */
function anyAttachment(
  w: World,
  id: string,
): { a: TrVpcAttachmentR | TrPeerAttachmentR; routers: string[]; type: string; resource: string } {
  const v = w.tr.vpcAttachments.get(id);
  if (live(v)) return { a: v, routers: [v.transitRouterId], type: 'VPC', resource: v.vpcId };
  const p = w.tr.peerAttachments.get(id);
  if (live(p))
    return { a: p, routers: [p.transitRouterId, p.peerTransitRouterId], type: 'TR', resource: p.peerTransitRouterId };
  throw new ApiError('InvalidTransitRouterAttachmentId.NotFound', `The attachment ${id} does not exist.`, 404);
}

/** The attachment and table of an Associate/Enable call, checked; locks the table's router. */
function tableLink(ctx: ActionContext, realMs: number | undefined) {
  const w = ctx.world;
  const found = anyAttachment(w, ctx.params.req('TransitRouterAttachmentId'));
  const table = tableOf(w, ctx.params.req('TransitRouterRouteTableId'));
  if (!found.routers.includes(table.transitRouterId))
    throw new ApiError(
      'IllegalParam.TransitRouterRouteTableId',
      `The route table ${table.id} is not on the transit router of ${found.a.id}.`,
      400,
    );
  if (realMs !== undefined && !isAttached(w, found.a))
    throw new ApiError(
      'IncorrectStatus.Status',
      `The attachment ${found.a.id} is ${w.status(found.a, 'Detaching')}, not Attached.`,
      400,
    );
  return { ...found, table };
}

const linkView = (w: World, x: TrTableLinkR, inactive: string) => {
  const found = (() => {
    try {
      return anyAttachment(w, x.attachmentId);
    } catch {
      return undefined;
    }
  })();
  return {
    TransitRouterAttachmentId: x.attachmentId,
    TransitRouterRouteTableId: x.routeTableId,
    ResourceId: found?.resource ?? '',
    ResourceType: found?.type ?? '',
    Status: w.status(x, inactive),
  };
};

function linkActions(
  list: (w: World) => TrTableLinkR[],
  words: { create: string; remove: string; pending: string; removing: string; latency: number; one: boolean },
) {
  const add = writes((ctx) => {
    const w = ctx.world;
    const { a, table } = tableLink(ctx, words.latency);
    const links = list(w).filter((x) => x.attachmentId === a.id && live(x));
    if (links.some((x) => x.routeTableId === table.id)) return {};
    // SYNTHETIC: an attachment is associated with one route table at most (it may propagate into several).
    if (words.one && links.length > 0)
      throw new ApiError(
        'InvalidOperation.AttachmentAssociated',
        `The attachment ${a.id} is already associated with ${links[0]!.routeTableId}.`,
        400,
      );
    const dry = dryRun(ctx, 'error');
    if (dry) return dry;
    lockRouter(w, routerOf(w, table.transitRouterId), words.latency);
    list(w).push({
      attachmentId: a.id,
      routeTableId: table.id,
      createdAt: w.now(),
      phases: w.phases([[words.pending, words.latency]], 'Active'),
    });
    return {};
  });
  const remove = writes((ctx) => {
    const w = ctx.world;
    const { a, table } = tableLink(ctx, undefined);
    const link = list(w).find((x) => x.attachmentId === a.id && x.routeTableId === table.id && live(x));
    // SYNTHETIC
    if (!link)
      throw new ApiError(
        `InvalidTransitRouter${words.create}.NotFound`,
        `The attachment ${a.id} has no ${words.create.toLowerCase()} with ${table.id}.`,
        404,
      );
    const dry = dryRun(ctx, words.one ? 'request-id' : 'error');
    if (dry) return dry;
    lockRouter(w, routerOf(w, table.transitRouterId), words.latency);
    w.markDeleting(link, words.latency);
    return {};
  });
  const read = reads((ctx) => {
    const w = ctx.world;
    const f = {
      table: words.one ? ctx.params.opt('TransitRouterRouteTableId') : ctx.params.req('TransitRouterRouteTableId'),
      attachment: ctx.params.opt('TransitRouterAttachmentId'),
      resource: ctx.params.opt('TransitRouterAttachmentResourceId'),
      type: ctx.params.opt('TransitRouterAttachmentResourceType'),
      status: ctx.params.opt('Status'),
    };
    // Without a table or an attachment the call "returns a RequestId without results".
    const rows =
      !f.table && !f.attachment
        ? []
        : list(w)
            .filter(
              (x) => (!f.table || x.routeTableId === f.table) && (!f.attachment || x.attachmentId === f.attachment),
            )
            .map((x) => linkView(w, x, words.removing))
            .filter(
              (v) =>
                (!f.resource || v.ResourceId === f.resource) &&
                (!f.type || v.ResourceType === f.type) &&
                (!f.status || v.Status === f.status),
            );
    const { slice, meta } = tokenList(ctx, rows, 100, 50);
    return { [words.one ? 'TransitRouterAssociations' : 'TransitRouterPropagations']: slice, ...meta };
  });
  return { add, remove, read };
}

const association = linkActions((w) => w.tr.associations, {
  create: 'Association',
  remove: 'Dissociate',
  pending: 'Associating',
  removing: 'Dissociating',
  latency: LATENCY.trAssociate,
  one: true,
});
const propagation = linkActions((w) => w.tr.propagations, {
  create: 'Propagation',
  remove: 'Disable',
  pending: 'Enabling',
  removing: 'Disabling',
  latency: LATENCY.trPropagate,
  one: false,
});

// ---- inter-region connections ---------------------------------------------------------------

function peerAttachmentOf(w: World, id: string): TrPeerAttachmentR {
  const p = w.tr.peerAttachments.get(id);
  if (!live(p))
    throw new ApiError('InvalidTransitRouterAttachmentId.NotFound', `The attachment ${id} does not exist.`, 404);
  return p;
}

const peerView = (w: World, p: TrPeerAttachmentR) => ({
  TransitRouterAttachmentId: p.id,
  TransitRouterId: p.transitRouterId,
  CenId: p.cenId,
  RegionId: p.regionId,
  PeerTransitRouterId: p.peerTransitRouterId,
  PeerTransitRouterRegionId: p.peerRegionId,
  PeerTransitRouterOwnerId: 0,
  Status: w.status(p, 'Detaching'),
  ResourceType: 'TR',
  BandwidthType: p.bandwidthType,
  Bandwidth: p.bandwidth,
  CenBandwidthPackageId: p.cenBandwidthPackageId,
  GeographicSpanId: '',
  DefaultLinkType: p.defaultLinkType,
  AutoPublishRouteEnabled: p.autoPublishRouteEnabled,
  CreationTime: isoMinutes(p.createdAt),
  TransitRouterAttachmentName: p.name,
  TransitRouterAttachmentDescription: p.description,
  Tags: tags(p.tags),
});

const createPeerAttachment = writes((ctx) => {
  const w = ctx.world;
  const peer = routerOf(w, ctx.params.req('PeerTransitRouterId'));
  const given = ctx.params.opt('TransitRouterId');
  const local = given ? routerOf(w, given) : regionRouter(w, ctx.params.req('CenId'), regionOf(ctx));
  if (!local)
    throw new ApiError(
      'InvalidTransitRouterId.NotFound',
      `The CEN instance ${ctx.params.req('CenId')} has no transit router in ${regionOf(ctx)}.`,
      404,
    );
  const cen = enterpriseCen(w, local.cenId);
  const cenId = ctx.params.opt('CenId');
  if ((cenId && cenId !== cen.id) || peer.cenId !== cen.id)
    throw new ApiError('IllegalParam.CenId', `${local.id} and ${peer.id} must belong to the same CEN instance.`, 400);
  const peerRegion = ctx.params.opt('PeerTransitRouterRegionId');
  if (peerRegion && peerRegion !== peer.regionId)
    throw new ApiError(
      'IllegalParam.PeerTransitRouterRegionId',
      `${peer.id} is in ${peer.regionId}, not ${peerRegion}.`,
      400,
    );
  if (peer.regionId === local.regionId)
    throw new ApiError('IllegalParam.PeerTransitRouterId', 'An inter-region connection joins two regions.', 400);
  const type = ctx.params.opt('BandwidthType') ?? '';
  if (!['', 'BandwidthPackage', 'DataTransfer'].includes(type))
    throw new ApiError(
      'IllegalParam.BandwidthType',
      `BandwidthType must be BandwidthPackage or DataTransfer, not ${type}.`,
      400,
    );
  const bandwidth = ctx.params.int('Bandwidth', 0, 0, 100_000);
  const packageId = ctx.params.opt('CenBandwidthPackageId') ?? '';
  const linkType = ctx.params.opt('DefaultLinkType') ?? 'Gold';
  if (!['Gold', 'Platinum'].includes(linkType) || (linkType === 'Platinum' && type !== 'DataTransfer'))
    throw new ApiError('IllegalParam.DefaultLinkType', 'DefaultLinkType is Gold, or Platinum with DataTransfer.', 400);
  // SYNTHETIC codes for the bandwidth rules below.
  if (type === 'DataTransfer' && bandwidth < 1)
    throw new ApiError('MissingParam.Bandwidth', 'Bandwidth (the cap, Mbit/s) is mandatory with DataTransfer.', 400);
  if (type === 'BandwidthPackage' && bandwidth > 0) {
    const plan = w.tr.bandwidthPackages.get(packageId);
    if (!plan)
      throw new ApiError(
        'InvalidCenBandwidthPackageId.NotFound',
        `The bandwidth plan ${packageId || '(none given)'} does not exist.`,
        404,
      );
    const used = [...w.tr.peerAttachments.values()]
      .filter((p) => live(p) && p.cenBandwidthPackageId === plan.id)
      .reduce((n, p) => n + p.bandwidth, 0);
    if (used + bandwidth > plan.bandwidth)
      throw new ApiError(
        'QuotaExceeded.CenBandwidthPackage',
        `The bandwidth plan ${plan.id} has ${plan.bandwidth - used} Mbit/s left, not ${bandwidth}.`,
        400,
      );
  }
  const between = (p: TrPeerAttachmentR) =>
    live(p) &&
    ((p.transitRouterId === local.id && p.peerTransitRouterId === peer.id) ||
      (p.transitRouterId === peer.id && p.peerTransitRouterId === local.id));
  const twin = [...w.tr.peerAttachments.values()].find(between);
  if (twin)
    throw new ApiError(
      'InstanceExist.PeerAttachment',
      `${local.id} and ${peer.id} are already connected by ${twin.id}.`,
      400,
    );
  const dry = dryRun(ctx, 'request-id');
  if (dry) return dry;
  lockRouter(w, local, LATENCY.trPeerAttach);
  lockRouter(w, peer, LATENCY.trPeerAttach);
  const id = w.newId('tr-attach');
  w.tr.peerAttachments.set(id, {
    id,
    cenId: cen.id,
    transitRouterId: local.id,
    regionId: local.regionId,
    peerTransitRouterId: peer.id,
    peerRegionId: peer.regionId,
    bandwidthType: type as TrPeerAttachmentR['bandwidthType'],
    bandwidth,
    cenBandwidthPackageId: type === 'BandwidthPackage' ? packageId : '',
    defaultLinkType: linkType,
    autoPublishRouteEnabled: ctx.params.bool('AutoPublishRouteEnabled', false),
    name: text(ctx, 'TransitRouterAttachmentName', 128),
    description: text(ctx, 'TransitRouterAttachmentDescription', 256),
    tags: ctx.params.tags(),
    createdAt: w.now(),
    phases: w.phases([['Attaching', LATENCY.trPeerAttach]], 'Attached'),
  });
  return { TransitRouterAttachmentId: id };
});

const listPeerAttachments = reads((ctx) => {
  const w = ctx.world;
  const f = {
    cen: ctx.params.opt('CenId'),
    region: ctx.params.opt('RegionId'),
    router: ctx.params.opt('TransitRouterId'),
    id: ctx.params.opt('TransitRouterAttachmentId'),
  };
  const wanted = ctx.params.tags();
  const all = [...w.tr.peerAttachments.values()].filter(
    (p) =>
      (!f.cen || p.cenId === f.cen) &&
      (!f.region || p.regionId === f.region) &&
      (!f.router || p.transitRouterId === f.router || p.peerTransitRouterId === f.router) &&
      (!f.id || p.id === f.id) &&
      matchesTags(p.tags, wanted),
  );
  const { slice, meta } = tokenList(ctx, all, 100, 20);
  return { TransitRouterAttachments: slice.map((p) => peerView(w, p)), ...meta };
});

const deletePeerAttachment = writes((ctx) => {
  const w = ctx.world;
  const p = peerAttachmentOf(w, ctx.params.req('TransitRouterAttachmentId'));
  const force = ctx.params.bool('Force', false);
  const dependent = attachmentDependents(w, p.id);
  if (dependent && !force)
    throw new ApiError('DependencyViolation.TransitRouterAttachment', `The attachment ${p.id} ${dependent}.`, 400);
  const dry = dryRun(ctx, 'request-id');
  if (dry) return dry;
  lockRouter(w, routerOf(w, p.transitRouterId), LATENCY.trDetach);
  lockRouter(w, routerOf(w, p.peerTransitRouterId), LATENCY.trDetach);
  if (force) forceDependents(w, p.id, LATENCY.trDetach);
  w.markDeleting(p, LATENCY.trDetach);
  return {};
});

// ---- transit-router routes ------------------------------------------------------------------

const routeView = (w: World, table: TrRouteTableR, r: TrRoute) => {
  const vpcAttachment = w.tr.vpcAttachments.get(r.nextHopId);
  const peer = w.tr.peerAttachments.get(r.nextHopId);
  const entry = r.entryId ? w.tr.routeEntries.get(r.entryId) : undefined;
  return {
    TransitRouterRouteEntryId: r.entryId ?? '',
    TransitRouterRouteEntryDestinationCidrBlock: r.destination,
    TransitRouterRouteEntryType: r.type,
    TransitRouterRouteEntryStatus: r.status,
    TransitRouterRouteEntryNextHopType: r.nextHopType,
    TransitRouterRouteEntryNextHopId: r.nextHopId,
    TransitRouterRouteEntryNextHopResourceId:
      vpcAttachment?.vpcId ??
      (peer ? (peer.transitRouterId === table.transitRouterId ? peer.peerTransitRouterId : peer.transitRouterId) : ''),
    TransitRouterRouteEntryNextHopResourceType: vpcAttachment ? 'VPC' : peer ? 'TR' : '',
    TransitRouterRouteEntryOriginResourceId: r.originId,
    TransitRouterRouteEntryOriginResourceType: r.originType,
    TransitRouterRouteEntryName: entry?.name ?? '',
    TransitRouterRouteEntryDescription: entry?.description ?? '',
    CreateTime: entry ? isoMinutes(entry.createdAt) : '',
    OperationalMode: r.type === 'Static',
    PrefixListId: '',
    Tag: '',
    PathAttributes: {
      AsPaths: [] as string[],
      Communities: [] as string[],
      OriginInstanceId: r.originId,
      OriginInstanceType: r.originType || 'TR',
      OriginRouteType: r.type === 'Static' ? 'Custom' : 'System',
      Preference: r.type === 'Static' ? 5 : 50,
    },
  };
};

function routeAttachment(w: World, table: TrRouteTableR, type: string, nextHopId: string | undefined): string {
  if (type === 'BlackHole') return '';
  if (type !== 'Attachment')
    throw new ApiError(
      'IllegalParam.TransitRouterRouteEntryNextHopType',
      `The next hop type ${type} is not valid.`,
      400,
    );
  if (!nextHopId)
    throw new ApiError('MissingParam.TransitRouterRouteEntryNextHopId', 'The next hop attachment is mandatory.', 400);
  const { routers } = anyAttachment(w, nextHopId);
  if (!routers.includes(table.transitRouterId))
    throw new ApiError(
      'IllegalParam.TransitRouterRouteEntryNextHopId',
      `${nextHopId} is not on the router of ${table.id}.`,
      400,
    );
  return nextHopId;
}

const createRouteEntry = writes((ctx) => {
  const w = ctx.world;
  const table = tableOf(w, ctx.params.req('TransitRouterRouteTableId'));
  const destination = ctx.params.req('TransitRouterRouteEntryDestinationCidrBlock');
  if (!parseCidr(destination).ok)
    throw new ApiError(
      'IllegalParam.TransitRouterRouteEntryDestinationCidrBlock',
      `${destination} is not a CIDR block.`,
      400,
    );
  const type = ctx.params.req('TransitRouterRouteEntryNextHopType') as 'Attachment' | 'BlackHole';
  const nextHopId = routeAttachment(w, table, type, ctx.params.opt('TransitRouterRouteEntryNextHopId'));
  if (
    [...w.tr.routeEntries.values()].some((e) => e.routeTableId === table.id && live(e) && e.destination === destination)
  )
    throw new ApiError(
      'OperationFailed.CreateRouteEntryWithSameDestinationCidrBlock',
      `${table.id} already has a static route to ${destination}.`,
      400,
    );
  const dry = dryRun(ctx, 'error');
  if (dry) return dry;
  lockRouter(w, routerOf(w, table.transitRouterId), LATENCY.trRouteEntry);
  const id = w.newId('rte');
  w.tr.routeEntries.set(id, {
    id,
    routeTableId: table.id,
    destination,
    nextHopType: type,
    nextHopId,
    name: text(ctx, 'TransitRouterRouteEntryName', 128),
    description: text(ctx, 'TransitRouterRouteEntryDescription', 256),
    createdAt: w.now(),
    phases: w.phases([['Creating', LATENCY.trRouteEntry]], 'Active'),
  });
  return { TransitRouterRouteEntryId: id };
});

const listRouteEntries = reads((ctx) => {
  const w = ctx.world;
  const table = tableOf(w, ctx.params.req('TransitRouterRouteTableId'));
  const f = {
    ids: ctx.params.list('TransitRouterRouteEntryIds'),
    names: ctx.params.list('TransitRouterRouteEntryNames'),
    dest: ctx.params.opt('TransitRouterRouteEntryDestinationCidrBlock'),
    status: ctx.params.opt('TransitRouterRouteEntryStatus') ?? 'Active',
    type: ctx.params.opt('TransitRouterRouteEntryType'),
    hopType: ctx.params.opt('TransitRouterRouteEntryNextHopType'),
    hop: ctx.params.opt('TransitRouterRouteEntryNextHopId'),
  };
  const rows = tableRoutes(w, table, true)
    .map((r) => routeView(w, table, r))
    .filter(
      (v) =>
        (f.ids.length === 0 || f.ids.includes(v.TransitRouterRouteEntryId)) &&
        (f.names.length === 0 || f.names.includes(v.TransitRouterRouteEntryName)) &&
        (!f.dest || v.TransitRouterRouteEntryDestinationCidrBlock === f.dest) &&
        (f.status === 'All' || v.TransitRouterRouteEntryStatus === f.status) &&
        (!f.type || v.TransitRouterRouteEntryType === f.type) &&
        (!f.hopType || v.TransitRouterRouteEntryNextHopType === f.hopType) &&
        (!f.hop || v.TransitRouterRouteEntryNextHopId === f.hop),
    );
  const { slice, meta } = tokenList(ctx, rows, 100, 20);
  return { TransitRouterRouteEntries: slice, ...meta };
});

const deleteRouteEntry = writes((ctx) => {
  const w = ctx.world;
  const id = ctx.params.opt('TransitRouterRouteEntryId');
  const tableId = ctx.params.opt('TransitRouterRouteTableId');
  if (id && tableId)
    throw new ApiError(
      'IllegalParam.TransitRouterRouteEntryId',
      'Give TransitRouterRouteEntryId, or the route table, destination and next hop: not both.',
      400,
    );
  const entry = id
    ? w.tr.routeEntries.get(id)
    : [...w.tr.routeEntries.values()].find(
        (e) =>
          e.routeTableId === tableId &&
          e.destination === ctx.params.req('TransitRouterRouteEntryDestinationCidrBlock') &&
          e.nextHopType === ctx.params.req('TransitRouterRouteEntryNextHopType') &&
          (e.nextHopType === 'BlackHole' || e.nextHopId === ctx.params.opt('TransitRouterRouteEntryNextHopId')),
      );
  // The code Terraform counts as "already deleted".
  if (!live(entry))
    throw new ApiError('IllegalParam.TransitRouterRouteEntryId', `The route entry ${id ?? ''} does not exist.`, 400);
  const dry = dryRun(ctx, 'error');
  if (dry) return dry;
  const table = tableOf(w, entry.routeTableId);
  lockRouter(w, routerOf(w, table.transitRouterId), LATENCY.trRouteEntry);
  w.markDeleting(entry, LATENCY.trRouteEntry);
  return {};
});

// ---- VPC routes to an attachment --------------------------------------------------------------

/** The VPC route table and the VPC attachment of a CreateCenChildInstanceRouteEntryToAttachment call. */
function childRoute(ctx: ActionContext) {
  const w = ctx.world;
  const cenId = ctx.params.req('CenId');
  cenOf(w, cenId);
  const tableId = ctx.params.req('RouteTableId');
  const vpc = [...w.vpcs.values()].find((v) => v.routeTableId === tableId && live(v));
  if (!vpc)
    throw new ApiError('InvalidRouteTableId.NotFound', `The specified route table ${tableId} does not exist.`, 404);
  const destination = ctx.params.req('DestinationCidrBlock');
  if (!parseCidr(destination).ok)
    throw new ApiError('IllegalParam.DestinationCidrBlock', `${destination} is not a CIDR block.`, 400);
  const a = vpcAttachmentOf(w, ctx.params.req('TransitRouterAttachmentId'));
  if (a.vpcId !== vpc.id || a.cenId !== cenId)
    throw new ApiError(
      'IllegalParam.TransitRouterAttachmentId',
      `${a.id} does not connect ${vpc.id} to ${cenId}.`,
      400,
    );
  return { vpc, a, destination: cidr(destination).text };
}

const createChildRoute = writes((ctx) => {
  const w = ctx.world;
  const { vpc, a, destination } = childRoute(ctx);
  if (!isAttached(w, a))
    throw new ApiError(
      'IncorrectStatus.Status',
      `The attachment ${a.id} is ${w.status(a, 'Detaching')}, not Attached.`,
      400,
    );
  if ([...w.routeEntries.values()].some((e) => e.vpcId === vpc.id && live(e) && e.destinationCidrBlock === destination))
    throw new ApiError(
      'InvalidCIDRBlock.Duplicate',
      `A route entry for ${destination} already exists in ${vpc.routeTableId}.`,
      400,
    );
  lockVpc(w, vpc, LATENCY.routeEntryCreate);
  const id = w.newId('rte');
  w.routeEntries.set(id, {
    id,
    routeTableId: vpc.routeTableId,
    vpcId: vpc.id,
    regionId: vpc.regionId,
    destinationCidrBlock: destination,
    nextHopType: 'Attachment',
    nextHopId: a.id,
    name: '',
    description: '',
    createdAt: w.now(),
    phases: w.phases([['Pending', LATENCY.routeEntryCreate]], 'Available'),
  });
  return {};
});

const deleteChildRoute = writes((ctx) => {
  const w = ctx.world;
  const { vpc, a, destination } = childRoute(ctx);
  const e = [...w.routeEntries.values()].find(
    (x) => x.vpcId === vpc.id && x.nextHopId === a.id && x.destinationCidrBlock === destination && live(x),
  );
  if (!e)
    throw new ApiError(
      'InvalidRouteEntry.NotFound',
      `No route to ${destination} through ${a.id} in ${vpc.routeTableId}.`,
      404,
    );
  lockVpc(w, vpc, LATENCY.routeEntryDelete);
  w.markDeleting(e, LATENCY.routeEntryDelete);
  return {};
});

const listChildRoutes = reads((ctx) => {
  const w = ctx.world;
  const tableId = ctx.params.req('ChildInstanceRouteTableId');
  const attachmentId = ctx.params.req('TransitRouterAttachmentId');
  const cenId = ctx.params.opt('CenId');
  const exact = ctx.params
    .objects('RouteFilter')
    .flatMap((f, i) => (f.Key === 'prefix-exact-match' ? ctx.params.list(`RouteFilter.${i + 1}.Value`) : []));
  const a = w.tr.vpcAttachments.get(attachmentId);
  const rows = [...w.routeEntries.values()]
    .filter(
      (e) =>
        e.routeTableId === tableId &&
        e.nextHopId === attachmentId &&
        (!cenId || a?.cenId === cenId) &&
        (exact.length === 0 || exact.includes(e.destinationCidrBlock)),
    )
    .map((e) => ({
      CenId: a?.cenId ?? '',
      ChildInstanceRouteTableId: e.routeTableId,
      DestinationCidrBlock: e.destinationCidrBlock,
      ServiceType: 'TR',
      TransitRouterAttachmentId: attachmentId,
      Status: w.status(e, 'Deleting') === 'Pending' ? 'Pending' : w.status(e, 'Modifying'),
    }));
  const { items, nextToken } = tokenPage(ctx, rows, 'MaxResults', 100, 20);
  return { RouteEntry: items, NextToken: nextToken };
});

export const TRANSIT_ROUTER_ACTIONS: ActionTable = {
  CreateTransitRouter: createTransitRouter,
  ListTransitRouters: listTransitRouters,
  DeleteTransitRouter: deleteTransitRouter,
  ListTransitRouterAvailableResource: availableResource,
  CreateTransitRouterVpcAttachment: createVpcAttachment,
  ListTransitRouterVpcAttachments: listVpcAttachments,
  DeleteTransitRouterVpcAttachment: deleteVpcAttachment,
  ListTransitRouterRouteTables: listRouteTables,
  AssociateTransitRouterAttachmentWithRouteTable: association.add,
  DissociateTransitRouterAttachmentFromRouteTable: association.remove,
  ListTransitRouterRouteTableAssociations: association.read,
  EnableTransitRouterRouteTablePropagation: propagation.add,
  DisableTransitRouterRouteTablePropagation: propagation.remove,
  ListTransitRouterRouteTablePropagations: propagation.read,
  CreateTransitRouterPeerAttachment: createPeerAttachment,
  ListTransitRouterPeerAttachments: listPeerAttachments,
  DeleteTransitRouterPeerAttachment: deletePeerAttachment,
  CreateTransitRouterRouteEntry: createRouteEntry,
  ListTransitRouterRouteEntries: listRouteEntries,
  DeleteTransitRouterRouteEntry: deleteRouteEntry,
  CreateCenChildInstanceRouteEntryToAttachment: createChildRoute,
  DeleteCenChildInstanceRouteEntryToAttachment: deleteChildRoute,
  ListCenChildInstanceRouteEntriesToAttachment: listChildRoutes,
};
