/**
 * CEN 2017-09-12 route reads, to check that a published route really propagated:
 * DescribeCenChildInstanceRouteEntries (one attached VPC's table as CEN sees it) and
 * DescribeCenRegionDomainRouteEntries (what the CEN holds in one region). Both read the same
 * routing the data plane forwards by. Route maps, BGP attributes and route conflicts (a VPC's own
 * route simply wins) are not modelled: empty lists.
 */
import { ApiError } from '../api/api-error';
import { page, reads, type ActionTable } from '../api/api-kit';
import { cenOf } from './cen-actions';
import { advertisedBy, attachedVpcs, cenRoutes, ownRoutes, type Route } from '../network/routing';

const noBgp = {
  AsPaths: { AsPath: [] as string[] },
  Communities: { Community: [] as string[] },
  CenRouteMapRecords: { CenRouteMapRecord: [] as unknown[] },
};

const statusFilter = (wanted: string | undefined) => (status: string) =>
  !wanted || wanted === 'All' || wanted === status;

const childRouteEntries = reads((ctx) => {
  const w = ctx.world;
  const cenId = ctx.params.req('CenId');
  const childId = ctx.params.req('ChildInstanceId');
  const region = ctx.params.req('ChildInstanceRegionId');
  if (ctx.params.req('ChildInstanceType').toUpperCase() !== 'VPC')
    throw new ApiError('ParameterChildInstanceType', 'The emulator attaches VPCs only.', 400);
  cenOf(w, cenId);
  const attached = w.cenAttachments.find(
    (a) =>
      a.cenId === cenId &&
      a.childInstanceId === childId &&
      a.childInstanceRegionId === region &&
      a.deletingUntil === undefined,
  );
  const vpc = w.vpcs.get(childId);
  if (!attached || !vpc)
    throw new ApiError('ParameterInstanceId', `The instance ${childId} is not attached to ${cenId}.`, 400);
  const table = ctx.params.opt('ChildInstanceRouteTableId');
  if (table && table !== vpc.routeTableId)
    throw new ApiError('ParameterChildInstanceRouteTableId', `${table} is not the route table of ${vpc.id}.`, 400);
  const isPublished = (r: Route) =>
    r.type === 'System' ||
    w.cenPublished.some(
      (p) =>
        p.cenId === cenId && p.childInstanceId === vpc.id && p.destinationCidrBlock === r.destination && w.isReady(p),
    );
  const rows = [...ownRoutes(w, vpc), ...cenRoutes(w, vpc)]
    .map((r) => ({
      DestinationCidrBlock: r.destination,
      RouteTableId: vpc.routeTableId,
      Type: r.type,
      Status: 'Active',
      NextHopType: r.type === 'System' ? 'local' : r.nextHopType,
      NextHopInstanceId: r.nextHopId,
      NextHopRegionId: r.via?.regionId ?? (r.type === 'System' ? '' : vpc.regionId),
      PublishStatus: r.type === 'CEN' ? 'NonPublished' : isPublished(r) ? 'Published' : 'NonPublished',
      OperationalMode: r.type === 'Custom',
      Conflicts: { Conflict: [] as unknown[] },
      ...noBgp,
    }))
    .filter((r) => statusFilter(ctx.params.opt('Status'))(r.Status));
  const { items, meta } = page(ctx, rows);
  return { CenRouteEntries: { CenRouteEntry: items }, ...meta };
});

/** A region's CEN route table: routes of its own attached VPCs (System, or Custom when published) and those learned from other regions (CEN). */
const regionDomainRouteEntries = reads((ctx) => {
  const w = ctx.world;
  const cenId = ctx.params.req('CenId');
  const region = ctx.params.req('CenRegionId');
  cenOf(w, cenId);
  const dest = ctx.params.opt('DestinationCidrBlock');
  const rows = attachedVpcs(w, cenId)
    .flatMap((vpc) => {
      const systemCidrs = new Set([vpc.cidrBlock, ...vpc.secondaryCidrBlocks]);
      return advertisedBy(w, cenId, vpc).map((r) => ({
        DestinationCidrBlock: r.destination,
        Type: vpc.regionId !== region ? 'CEN' : systemCidrs.has(r.destination) ? 'System' : 'Custom',
        NextHopType: 'VPC',
        NextHopInstanceId: vpc.id,
        NextHopRegionId: vpc.regionId,
        Status: 'Active',
        ToOtherRegionStatus: 'Active',
        Preference: 50,
        AsPaths: noBgp.AsPaths,
        Communities: noBgp.Communities,
        CenRouteMapRecords: noBgp.CenRouteMapRecords,
        CenOutRouteMapRecords: { CenOutRouteMapRecord: [] as unknown[] },
      }));
    })
    .filter((r) => (!dest || r.DestinationCidrBlock === dest) && statusFilter(ctx.params.opt('Status'))(r.Status));
  const { items, meta } = page(ctx, rows);
  return { CenRouteEntries: { CenRouteEntry: items }, ...meta };
});

export const CEN_ROUTE_VIEW_ACTIONS: ActionTable = {
  DescribeCenChildInstanceRouteEntries: childRouteEntries,
  DescribeCenRegionDomainRouteEntries: regionDomainRouteEntries,
};
