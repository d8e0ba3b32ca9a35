/**
 * TagResources, ListTagResources and UnTagResources/UntagResources of the three products. They share
 * one shape and differ in what can be tagged, how a list is paged, and the spelling of Untag.
 */
import { ApiError, notFound } from '../api/api-error';
import { regionOf, tokenPage, writes, reads, type ActionContext, type ActionTable } from '../api/api-kit';
import { systemDiskId } from '../state/instance-state';
import type { Tags, World } from '../state/world';

interface Taggable {
  readonly id: string;
  readonly tags: Tags;
}

interface TagFamily {
  /** Resources of `type` in the call's region (every region for CEN), or an error for a type the product does not tag. */
  readonly resources: (w: World, type: string, region: string) => Iterable<Taggable>;
  /** Whether resources live in a region (VPC, ECS) or are global (CEN). */
  readonly regional: boolean;
  /** ListTagResources' page: the size parameter, its maximum and default (ECS takes no size: 50 a page). */
  readonly pageSize: { readonly param: string; readonly max: number; readonly fallback: number };
  /** Tags per resource. */
  readonly maxTags: number;
}

const unsupported = (type: string) =>
  new ApiError('InvalidResourceType.NotSupported', `The emulator cannot tag resources of type ${type}.`, 400);
const inRegion = <T extends { regionId: string; deletingUntil?: number }>(m: Map<string, T>, region: string) =>
  [...m.values()].filter((r) => r.regionId === region && r.deletingUntil === undefined);

function resourceOf(f: TagFamily, ctx: ActionContext, type: string, id: string): Taggable {
  const region = f.regional ? regionOf(ctx) : '';
  const r = [...f.resources(ctx.world, type, region)].find((x) => x.id === id);
  if (!r) throw notFound('InvalidResourceId.NotFound', `${type} ${id}`);
  return r;
}

function tagActions(f: TagFamily, untagName: string): ActionTable {
  const tag = writes((ctx) => {
    const type = ctx.params.req('ResourceType');
    const tags = ctx.params.tags();
    if (Object.keys(tags).length === 0)
      throw new ApiError('MissingTag', 'Tag.N.Key is mandatory for this action.', 400);
    const targets = ctx.params.list('ResourceId').map((id) => resourceOf(f, ctx, type, id));
    if (targets.length === 0)
      throw new ApiError('MissingResourceId', 'ResourceId.N is mandatory for this action.', 400);
    for (const r of targets) {
      if (Object.keys({ ...r.tags, ...tags }).length > f.maxTags)
        throw new ApiError('QuotaExceeded.TagNum', `${r.id} would carry more than ${f.maxTags} tags.`, 400);
    }
    for (const r of targets) Object.assign(r.tags, tags);
    return {};
  });

  const list = reads((ctx) => {
    const type = ctx.params.req('ResourceType');
    const ids = ctx.params.list('ResourceId');
    const wanted = ctx.params.tags();
    if (ids.length === 0 && Object.keys(wanted).length === 0)
      throw new ApiError('MissingParameter', 'ResourceId.N or Tag.N.Key is mandatory for this action.', 400);
    const region = f.regional ? regionOf(ctx) : '';
    const pool = [...f.resources(ctx.world, type, region)];
    const chosen = ids.length > 0 ? ids.flatMap((id) => pool.filter((r) => r.id === id)) : pool;
    const out: { ResourceId: string; ResourceType: string; TagKey: string; TagValue: string }[] = [];
    for (const r of chosen) {
      // With Tag.N: the resources that carry every one of them, and only those tags (values may be left empty).
      const carries = Object.entries(wanted).every(([k, v]) => k in r.tags && (v === '' || r.tags[k] === v));
      if (!carries) continue;
      for (const [k, v] of Object.entries(r.tags))
        if (Object.keys(wanted).length === 0 || k in wanted)
          out.push({ ResourceId: r.id, ResourceType: type, TagKey: k, TagValue: v });
    }
    const { items, nextToken } = tokenPage(ctx, out, f.pageSize.param, f.pageSize.max, f.pageSize.fallback);
    return { TagResources: { TagResource: items }, NextToken: nextToken };
  });

  const untag = writes((ctx) => {
    const type = ctx.params.req('ResourceType');
    const keys = ctx.params.list('TagKey');
    const all = ctx.params.bool('All', false);
    const targets = ctx.params.list('ResourceId').map((id) => resourceOf(f, ctx, type, id));
    if (targets.length === 0)
      throw new ApiError('MissingResourceId', 'ResourceId.N is mandatory for this action.', 400);
    // All takes effect only without TagKey.N; with neither, nothing is removed.
    for (const r of targets) for (const k of keys.length > 0 ? keys : all ? Object.keys(r.tags) : []) delete r.tags[k];
    return {};
  });

  return { TagResources: tag, ListTagResources: list, [untagName]: untag };
}

export const VPC_TAG_ACTIONS = tagActions(
  {
    regional: true,
    maxTags: 20,
    pageSize: { param: 'MaxResults', max: 50, fallback: 50 },
    resources: (w, type, region) => {
      switch (type.toUpperCase()) {
        case 'VPC':
          return inRegion(w.vpcs, region);
        case 'VSWITCH':
          return inRegion(w.vswitches, region);
        case 'VPNGATEWAY':
          return inRegion(w.vpnGateways, region);
        case 'CUSTOMERGATEWAY':
          return [...w.customerGateways.values()].filter((c) => c.regionId === region);
        case 'VPNCONNECTION':
          return inRegion(w.vpnConnections, region);
        default:
          throw unsupported(type);
      }
    },
  },
  'UnTagResources',
);

export const ECS_TAG_ACTIONS = tagActions(
  {
    regional: true,
    maxTags: 20,
    pageSize: { param: 'MaxResults', max: 50, fallback: 50 },
    resources: (w, type, region) => {
      switch (type.toLowerCase()) {
        case 'instance':
          return inRegion(w.instances, region);
        case 'securitygroup':
          return inRegion(w.securityGroups, region);
        // A system disk lives and dies with its instance; its tags are kept with it.
        case 'disk':
          return inRegion(w.instances, region).map((i) => {
            i.diskTags ??= {};
            return { id: systemDiskId(i), tags: i.diskTags };
          });
        default:
          throw unsupported(type);
      }
    },
  },
  'UntagResources',
);

export const CEN_TAG_ACTIONS = tagActions(
  {
    regional: false,
    maxTags: 20,
    pageSize: { param: 'PageSize', max: 50, fallback: 10 },
    resources: (w, type) => {
      if (type.toLowerCase() !== 'cen') throw unsupported(type);
      return [...w.cens.values()].filter((c) => c.deletingUntil === undefined);
    },
  },
  'UntagResources',
);
