/**
 * CEN Enterprise Edition (Cbn 2017-09-12, through callApi): transit routers, VPC connections and
 * their association and propagation, inter-region connections, the VPC routes back to a
 * connection, and the hub's advertisement. Wire names, statuses and paging as in
 * shared/reference/alibaba-today-api.md §2. Resources without ids of their own get composite ids.
 */
import type { CenEdition } from '../../planner/observed';
import type { ObservedAttrs, StepInput } from '../../planner/step-params';
import type { ResourceDriver, ResourceInput } from '../cloud-api';
import type { RawAnswer } from './alibaba-clients';
import { publishedRouteDriver } from './cen-drivers';
import { capitalTags, GONE, matches, pending, ready, type DriverContext } from './driver-kit';

/** Tags as the transit-router lists return them: a plain array of {Key, Value}. */
const tagsOfItem = (item: { Tags?: { Key: string; Value: string }[] }) =>
  Object.fromEntries((item.Tags ?? []).map((t) => [t.Key, t.Value]));

/** Status words -> an observation: `readyWord` is ready, anything else listed is pending, absent is gone. */
const byStatus = (status: string | undefined, readyWord: string, what: string, outputs: Record<string, string>) =>
  status === undefined ? GONE : status === readyWord ? ready(outputs) : pending(`${what} is ${status}`);

/**
 * The edition of a CEN, from its transit routers: a CEN bought before Enterprise Edition has Basic
 * ones where it is used. One with none (or only Enterprise ones) is today's.
 */
export async function readCenEdition(ctx: DriverContext, cenId: string): Promise<CenEdition> {
  const r = await ctx.call('ListTransitRouters', () =>
    ctx.clients.cen('ListTransitRouters', { CenId: cenId, PageSize: 50 }),
  );
  return ((r.TransitRouters ?? []) as { Type?: string }[]).some((x) => x.Type === 'Basic') ? 'basic' : 'enterprise';
}

export function transitRouterDriver(ctx: DriverContext): ResourceDriver<'transit-router'> {
  const list = (q: Record<string, unknown>) =>
    ctx.call('ListTransitRouters', () => ctx.clients.cen('ListTransitRouters', { PageSize: 50, ...q }));
  const systemTable = async (id: string) =>
    (
      await ctx.call('ListTransitRouterRouteTables', () =>
        ctx.clients.cen('ListTransitRouterRouteTables', {
          TransitRouterId: id,
          TransitRouterRouteTableType: 'System',
        }),
      )
    ).TransitRouterRouteTables?.[0]?.TransitRouterRouteTableId as string | undefined;
  const routers = (r: RawAnswer) => (r.TransitRouters ?? []) as RawAnswer[];
  return {
    kind: 'transit-router',
    async create(input) {
      const r = await ctx.call('CreateTransitRouter', () =>
        ctx.clients.cen('CreateTransitRouter', {
          CenId: input.params.cenId,
          RegionId: input.region,
          TransitRouterName: input.params.name,
          ClientToken: input.clientToken,
          Tag: capitalTags(input.tags),
        }),
      );
      return r.TransitRouterId as string;
    },
    // Ready once Active, with its system route table: what associations and propagations name.
    async read(_region, id) {
      const x = routers(await list({ TransitRouterId: id }))[0];
      if (!x) return GONE;
      if (x.Status !== 'Active') return pending(`transit router is ${x.Status}`);
      const table = await systemTable(id);
      return table ? ready({ id, routeTableId: table }) : pending('transit router has no system route table yet');
    },
    async find(input) {
      const found = routers(await list({ RegionId: input.region, Tag: capitalTags(input.tags) }));
      return found.find((x) => matches(tagsOfItem(x), input.tags))?.TransitRouterId;
    },
    async findExternal(input) {
      const x = routers(await list({ CenId: input.params.cenId, RegionId: input.region, Type: 'Enterprise' }))[0];
      return x ? { id: x.TransitRouterId, attrs: { cenId: input.params.cenId } } : undefined;
    },
    async listTagged(region, tags) {
      return routers(await list({ RegionId: region, Tag: capitalTags(tags) })).map((x) => ({
        kind: 'transit-router' as const,
        id: x.TransitRouterId as string,
        region,
        tags: tagsOfItem(x),
      }));
    },
    async delete(_region, id) {
      await ctx.call('DeleteTransitRouter', () => ctx.clients.cen('DeleteTransitRouter', { TransitRouterId: id }));
    },
  };
}

export function trVpcAttachmentDriver(ctx: DriverContext): ResourceDriver<'tr-vpc-attachment'> {
  const list = (q: Record<string, unknown>) =>
    ctx.call('ListTransitRouterVpcAttachments', () =>
      ctx.clients.cen('ListTransitRouterVpcAttachments', { MaxResults: 100, ...q }),
    );
  const items = (r: RawAnswer) => (r.TransitRouterAttachments ?? []) as RawAnswer[];
  const zoneMappings = (p: StepInput<'tr-vpc-attachment'>) =>
    [p.vswitchId, p.secondVswitchId]
      .map((VSwitchId, i) => ({ VSwitchId, ZoneId: p.zoneIds[i] }))
      .filter((z): z is { VSwitchId: string; ZoneId: string } => z.VSwitchId !== undefined && z.ZoneId !== undefined);
  return {
    kind: 'tr-vpc-attachment',
    async create(input) {
      const r = await ctx.call('CreateTransitRouterVpcAttachment', () =>
        ctx.clients.cen('CreateTransitRouterVpcAttachment', {
          CenId: input.params.cenId,
          TransitRouterId: input.params.transitRouterId,
          VpcId: input.params.vpcId,
          ZoneMappings: zoneMappings(input.params),
          TransitRouterAttachmentName: input.params.name,
          ClientToken: input.clientToken,
          Tag: capitalTags(input.tags),
        }),
      );
      return r.TransitRouterAttachmentId as string;
    },
    async read(region, id) {
      const x = items(await list({ RegionId: region, TransitRouterAttachmentId: id }))[0];
      return byStatus(x?.Status, 'Attached', 'VPC connection', { id });
    },
    async find(input) {
      const found = items(
        await list({
          TransitRouterId: input.params.transitRouterId,
          VpcId: input.params.vpcId,
          Tag: capitalTags(input.tags),
        }),
      );
      return found.find((x) => matches(tagsOfItem(x), input.tags))?.TransitRouterAttachmentId;
    },
    externalKeys: ['cenId', 'vpcId'],
    async findExternal(input) {
      const x = items(await list({ CenId: input.params.cenId, RegionId: input.region, VpcId: input.params.vpcId }))[0];
      return x
        ? { id: x.TransitRouterAttachmentId, attrs: { cenId: input.params.cenId, vpcId: input.params.vpcId } }
        : undefined;
    },
    async listTagged(region, tags) {
      return items(await list({ RegionId: region, Tag: capitalTags(tags) })).map((x) => ({
        kind: 'tr-vpc-attachment' as const,
        id: x.TransitRouterAttachmentId as string,
        region,
        tags: tagsOfItem(x),
      }));
    },
    async delete(_region, id) {
      await ctx.call('DeleteTransitRouterVpcAttachment', () =>
        ctx.clients.cen('DeleteTransitRouterVpcAttachment', { TransitRouterAttachmentId: id }),
      );
    },
  };
}

type Query = Record<string, unknown>;

/** The three calls of an association or a propagation, each written out (the RAM policy test reads them). */
interface TableLinkCalls {
  readonly create: (q: Query) => Promise<RawAnswer>;
  readonly remove: (q: Query) => Promise<RawAnswer>;
  /** The links listed, under the answer's own field name. */
  readonly list: (q: Query) => Promise<RawAnswer[]>;
  readonly what: string;
}

/**
 * An attachment's association with a route table, or its propagation into one: `attachment|table`.
 * Gone once no longer listed.
 */
function tableLinkDriver<K extends 'tr-association' | 'tr-propagation'>(
  kind: K,
  calls: TableLinkCalls,
): ResourceDriver<K> {
  const parse = (id: string) => {
    const [TransitRouterAttachmentId, TransitRouterRouteTableId] = id.split('|');
    return { TransitRouterAttachmentId, TransitRouterRouteTableId };
  };
  const idOf = (input: ResourceInput<K>) => `${input.params.attachmentId}|${input.params.routeTableId}`;
  const read = async (id: string) => {
    const x = (await calls.list(parse(id))).find(
      (i) => i.TransitRouterRouteTableId === parse(id).TransitRouterRouteTableId,
    );
    return byStatus(x?.Status, 'Active', calls.what, { id });
  };
  return {
    kind,
    async create(input) {
      await calls.create({ ...parse(idOf(input)), ClientToken: input.clientToken });
      return idOf(input);
    },
    read: (_region, id) => read(id),
    async find(input) {
      return (await read(idOf(input))).state === 'gone' ? undefined : idOf(input);
    },
    async findExternal(input) {
      return (await read(idOf(input))).state === 'gone'
        ? undefined
        : {
            id: idOf(input),
            attrs: {
              attachmentId: input.params.attachmentId,
              routeTableId: input.params.routeTableId,
            } as ObservedAttrs<K>,
          };
    },
    async delete(_region, id) {
      await calls.remove(parse(id));
    },
  };
}

export const trAssociationDriver = (ctx: DriverContext) =>
  tableLinkDriver('tr-association', {
    create: (q) =>
      ctx.call('AssociateTransitRouterAttachmentWithRouteTable', () =>
        ctx.clients.cen('AssociateTransitRouterAttachmentWithRouteTable', q),
      ),
    remove: (q) =>
      ctx.call('DissociateTransitRouterAttachmentFromRouteTable', () =>
        ctx.clients.cen('DissociateTransitRouterAttachmentFromRouteTable', q),
      ),
    list: async (q) =>
      (
        await ctx.call('ListTransitRouterRouteTableAssociations', () =>
          ctx.clients.cen('ListTransitRouterRouteTableAssociations', q),
        )
      ).TransitRouterAssociations ?? [],
    what: 'association',
  });

export const trPropagationDriver = (ctx: DriverContext) =>
  tableLinkDriver('tr-propagation', {
    create: (q) =>
      ctx.call('EnableTransitRouterRouteTablePropagation', () =>
        ctx.clients.cen('EnableTransitRouterRouteTablePropagation', q),
      ),
    remove: (q) =>
      ctx.call('DisableTransitRouterRouteTablePropagation', () =>
        ctx.clients.cen('DisableTransitRouterRouteTablePropagation', q),
      ),
    list: async (q) =>
      (
        await ctx.call('ListTransitRouterRouteTablePropagations', () =>
          ctx.clients.cen('ListTransitRouterRouteTablePropagations', q),
        )
      ).TransitRouterPropagations ?? [],
    what: 'propagation',
  });

/** What the topology's inter-region bandwidth is on the wire: nothing at all for the test bandwidth. */
function bandwidthParams(b: StepInput<'tr-peer-attachment'>['bandwidth']): Record<string, unknown> {
  switch (b.type) {
    case 'test':
      return {};
    case 'data-transfer':
      return { BandwidthType: 'DataTransfer', Bandwidth: b.mbps };
    case 'plan':
      return { BandwidthType: 'BandwidthPackage', Bandwidth: b.mbps, CenBandwidthPackageId: b.planId };
  }
}

export function trPeerAttachmentDriver(ctx: DriverContext): ResourceDriver<'tr-peer-attachment'> {
  const list = (q: Record<string, unknown>) =>
    ctx.call('ListTransitRouterPeerAttachments', () =>
      ctx.clients.cen('ListTransitRouterPeerAttachments', { MaxResults: 100, ...q }),
    );
  const items = (r: RawAnswer) => (r.TransitRouterAttachments ?? []) as RawAnswer[];
  return {
    kind: 'tr-peer-attachment',
    async create(input) {
      const r = await ctx.call('CreateTransitRouterPeerAttachment', () =>
        ctx.clients.cen('CreateTransitRouterPeerAttachment', {
          CenId: input.params.cenId,
          TransitRouterId: input.params.transitRouterId,
          PeerTransitRouterId: input.params.peerTransitRouterId,
          PeerTransitRouterRegionId: input.params.peerRegionId,
          // Each side learns what the other's VPCs propagate.
          AutoPublishRouteEnabled: true,
          ...bandwidthParams(input.params.bandwidth),
          TransitRouterAttachmentName: input.params.name,
          ClientToken: input.clientToken,
          Tag: capitalTags(input.tags),
        }),
      );
      return r.TransitRouterAttachmentId as string;
    },
    async read(_region, id) {
      const x = items(await list({ TransitRouterAttachmentId: id }))[0];
      return byStatus(x?.Status, 'Attached', 'inter-region connection', { id });
    },
    async find(input) {
      const found = items(await list({ TransitRouterId: input.params.transitRouterId, Tag: capitalTags(input.tags) }));
      return found.find((x) => matches(tagsOfItem(x), input.tags))?.TransitRouterAttachmentId;
    },
    async findExternal(input) {
      const ends = [input.params.transitRouterId, input.params.peerTransitRouterId];
      const x = items(await list({ TransitRouterId: input.params.transitRouterId })).find((i) =>
        ends.every((e) => e === i.TransitRouterId || e === i.PeerTransitRouterId),
      );
      return x ? { id: x.TransitRouterAttachmentId, attrs: { transitRouterIds: ends } } : undefined;
    },
    async listTagged(region, tags) {
      return items(await list({ RegionId: region, Tag: capitalTags(tags) })).map((x) => ({
        kind: 'tr-peer-attachment' as const,
        id: x.TransitRouterAttachmentId as string,
        region,
        tags: tagsOfItem(x),
      }));
    },
    async delete(_region, id) {
      await ctx.call('DeleteTransitRouterPeerAttachment', () =>
        ctx.clients.cen('DeleteTransitRouterPeerAttachment', { TransitRouterAttachmentId: id }),
      );
    },
  };
}

/** A VPC route whose next hop is the VPC's connection: `cenId|routeTableId|attachmentId|destination`. */
export function trVpcRouteDriver(ctx: DriverContext): ResourceDriver<'tr-vpc-route'> {
  const parse = (id: string) => {
    const [CenId, RouteTableId, TransitRouterAttachmentId, DestinationCidrBlock] = id.split('|');
    return { CenId, RouteTableId, TransitRouterAttachmentId, DestinationCidrBlock };
  };
  const idOf = (input: ResourceInput<'tr-vpc-route'>) =>
    [input.params.cenId, input.params.routeTableId, input.params.attachmentId, input.params.destinationCidr].join('|');
  const read = async (id: string) => {
    const p = parse(id);
    const r = await ctx.call('ListCenChildInstanceRouteEntriesToAttachment', () =>
      ctx.clients.cen('ListCenChildInstanceRouteEntriesToAttachment', {
        CenId: p.CenId,
        ChildInstanceRouteTableId: p.RouteTableId,
        TransitRouterAttachmentId: p.TransitRouterAttachmentId,
        RouteFilter: [{ Key: 'prefix-exact-match', Value: [p.DestinationCidrBlock] }],
      }),
    );
    const x = ((r.RouteEntry ?? []) as RawAnswer[]).find((e) => e.DestinationCidrBlock === p.DestinationCidrBlock);
    return byStatus(x?.Status, 'Available', 'route to the transit router', { id });
  };
  return {
    kind: 'tr-vpc-route',
    async create(input) {
      await ctx.call('CreateCenChildInstanceRouteEntryToAttachment', () =>
        ctx.clients.cen('CreateCenChildInstanceRouteEntryToAttachment', {
          ...parse(idOf(input)),
          ClientToken: input.clientToken,
        }),
      );
      return idOf(input);
    },
    read: (_region, id) => read(id),
    async find(input) {
      return (await read(idOf(input))).state === 'gone' ? undefined : idOf(input);
    },
    async findExternal(input) {
      return (await read(idOf(input))).state === 'gone'
        ? undefined
        : {
            id: idOf(input),
            attrs: { attachmentId: input.params.attachmentId, destinationCidr: input.params.destinationCidr },
          };
    },
    async delete(_region, id) {
      await ctx.call('DeleteCenChildInstanceRouteEntryToAttachment', () =>
        ctx.clients.cen('DeleteCenChildInstanceRouteEntryToAttachment', parse(id)),
      );
    },
  };
}

/**
 * The hub's DC CIDR advertised to its transit router. UNVERIFIED which API the console uses for
 * this on Enterprise Edition (alibaba-today-api.md §2.21): PublishRouteEntries, the documented
 * "advertise" of a VPN-gateway route, is chosen here; the alternative is a static transit-router
 * route (CreateTransitRouterRouteEntry to the hub's connection). Change it here, and in the emulator.
 */
export const trAdvertisementDriver = (ctx: DriverContext) => publishedRouteDriver(ctx, 'tr-advertisement');
