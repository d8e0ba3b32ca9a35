/** CEN instances, VPC attachments and published route entries (Cbn 2017-09-12, through callApi). */
import type { ResourceDriver, ResourceInput } from '../cloud-api';
import { capitalTags, GONE, matches, orGone, pending, ready, tagsOf, type DriverContext } from './driver-kit';

const fromCapital = (cen: { Tags?: { Tag?: { Key: string; Value: string }[] } }) =>
  tagsOf({ tags: { tag: (cen.Tags?.Tag ?? []).map((t) => ({ key: t.Key, value: t.Value })) } });

export function cenDriver(ctx: DriverContext): ResourceDriver<'cen'> {
  const describe = (q: Record<string, unknown>) =>
    ctx.call('DescribeCens', () => ctx.clients.cen('DescribeCens', { PageSize: 50, ...q }));
  return {
    kind: 'cen',
    async create(input) {
      const r = await ctx.call('CreateCen', () =>
        ctx.clients.cen('CreateCen', {
          Name: input.params.name,
          ClientToken: input.clientToken,
          Tag: capitalTags(input.tags),
        }),
      );
      return r.CenId as string;
    },
    read: (_region, id) =>
      orGone(describe({ Filter: [{ Key: 'CenId', Value: [id] }] }), (r) => {
        const c = r.Cens?.Cen?.[0];
        if (!c) return GONE;
        return c.Status === 'Active' ? ready({ id }) : pending(`CEN is ${c.Status}`);
      }),
    async find(input) {
      const r = await describe({ Tag: capitalTags(input.tags) });
      return (r.Cens?.Cen ?? []).find((c: never) => matches(fromCapital(c), input.tags))?.CenId;
    },
    async listTagged(region, tags) {
      const r = await describe({ Tag: capitalTags(tags) });
      return (r.Cens?.Cen ?? []).map((c: never) => ({
        kind: 'cen' as const,
        id: (c as { CenId: string }).CenId,
        region,
        tags: fromCapital(c),
      }));
    },
    async delete(_region, id) {
      await ctx.call('DeleteCen', () => ctx.clients.cen('DeleteCen', { CenId: id }));
    },
  };
}

const child = (input: ResourceInput<'cen-attachment'>) => ({
  CenId: input.params.cenId,
  ChildInstanceId: input.params.childInstanceId,
  ChildInstanceType: input.params.childInstanceType,
  ChildInstanceRegionId: input.params.childInstanceRegionId,
});

/** Attachments have no id of their own: `cenId|vpcId|region`. */
export function cenAttachmentDriver(ctx: DriverContext): ResourceDriver<'cen-attachment'> {
  const parse = (id: string) => {
    const [CenId, ChildInstanceId, ChildInstanceRegionId] = id.split('|');
    return { CenId, ChildInstanceId, ChildInstanceRegionId, ChildInstanceType: 'VPC' };
  };
  const read = (id: string) =>
    orGone(
      ctx.call('DescribeCenAttachedChildInstanceAttribute', () =>
        ctx.clients.cen('DescribeCenAttachedChildInstanceAttribute', parse(id)),
      ),
      (r) => (r.Status === 'Attached' ? ready({ id }) : r.Status ? pending(`attachment is ${r.Status}`) : GONE),
    );
  const idOf = (input: ResourceInput<'cen-attachment'>) =>
    `${input.params.cenId}|${input.params.childInstanceId}|${input.params.childInstanceRegionId}`;
  return {
    kind: 'cen-attachment',
    async create(input) {
      await ctx.call('AttachCenChildInstance', () => ctx.clients.cen('AttachCenChildInstance', child(input)));
      return idOf(input);
    },
    read: (_region, id) => read(id),
    async find(input) {
      return (await read(idOf(input))).state === 'gone' ? undefined : idOf(input);
    },
    async findExternal(input) {
      return (await read(idOf(input))).state === 'gone'
        ? undefined
        : { id: idOf(input), attrs: { cenId: input.params.cenId, childInstanceId: input.params.childInstanceId } };
    },
    async delete(_region, id) {
      await ctx.call('DetachCenChildInstance', () => ctx.clients.cen('DetachCenChildInstance', parse(id)));
    },
  };
}

/** Published routes: `cenId|vpcId|region|routeTableId|destination`. Gone = NonPublished. */
export const cenRoutePublishDriver = (ctx: DriverContext) => publishedRouteDriver(ctx, 'cen-route-publish');

/**
 * A VPC route published to its CEN (PublishRouteEntries): to a Basic CEN's attached VPCs, or, on
 * Enterprise Edition, advertised to the transit router the VPC is connected to.
 */
export function publishedRouteDriver<K extends 'cen-route-publish' | 'tr-advertisement'>(
  ctx: DriverContext,
  kind: K,
): ResourceDriver<K> {
  const parse = (id: string) => {
    const [CenId, ChildInstanceId, ChildInstanceRegionId, ChildInstanceRouteTableId, DestinationCidrBlock] =
      id.split('|');
    return {
      CenId,
      ChildInstanceId,
      ChildInstanceRegionId,
      ChildInstanceType: 'VPC',
      ChildInstanceRouteTableId,
      DestinationCidrBlock,
    };
  };
  const idOf = (input: ResourceInput<K>) =>
    [
      input.params.cenId,
      input.params.childInstanceId,
      input.params.childInstanceRegionId,
      input.params.routeTableId,
      input.params.destinationCidr,
    ].join('|');
  const read = (id: string) =>
    orGone(
      ctx.call('DescribePublishedRouteEntries', () => ctx.clients.cen('DescribePublishedRouteEntries', parse(id))),
      (r) => {
        const e = r.PublishedRouteEntries?.PublishedRouteEntry?.[0];
        if (!e || e.PublishStatus === 'NonPublished') return GONE;
        return e.PublishStatus === 'Published' ? ready({ id }) : pending(`route is ${e.PublishStatus}`);
      },
    );
  return {
    kind,
    async create(input) {
      const {
        CenId,
        ChildInstanceId,
        ChildInstanceRegionId,
        ChildInstanceType,
        ChildInstanceRouteTableId,
        DestinationCidrBlock,
      } = parse(idOf(input));
      await ctx.call('PublishRouteEntries', () =>
        ctx.clients.cen('PublishRouteEntries', {
          CenId,
          ChildInstanceId,
          ChildInstanceRegionId,
          ChildInstanceType,
          ChildInstanceRouteTableId,
          DestinationCidrBlock,
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
            attrs: {
              cenId: input.params.cenId,
              childInstanceId: input.params.childInstanceId,
              destinationCidr: input.params.destinationCidr,
            },
          };
    },
    async delete(_region, id) {
      await ctx.call('WithdrawPublishedRouteEntries', () =>
        ctx.clients.cen('WithdrawPublishedRouteEntries', parse(id)),
      );
    },
  };
}
