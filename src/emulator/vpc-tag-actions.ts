/** VPC 2016-04-28: TagResources and ListTagResources, across the VPC product's taggable resources. */
import { ApiError, notFound } from './api-error';
import { reads, tokenPage, writes, type ActionTable } from './api-kit';
import type { World } from './world';

function taggable(w: World, type: string, id: string): { tags: Record<string, string> } | undefined {
  switch (type.toUpperCase()) {
    case 'VPC': return w.vpcs.get(id);
    case 'VSWITCH': return w.vswitches.get(id);
    case 'VPNGATEWAY': return w.vpnGateways.get(id);
    case 'CUSTOMERGATEWAY': return w.customerGateways.get(id);
    case 'VPNCONNECTION': return w.vpnConnections.get(id);
    default: throw new ApiError('InvalidResourceType.NotSupported', `The emulator cannot tag resources of type ${type}.`, 400);
  }
}

const tagResources = writes((ctx) => {
  const w = ctx.world;
  const type = ctx.params.req('ResourceType');
  const tags = ctx.params.tags();
  for (const id of ctx.params.list('ResourceId')) {
    const r = taggable(w, type, id);
    if (!r) throw notFound('InvalidResourceId.NotFound', `${type} ${id}`);
    Object.assign(r.tags, tags);
  }
  return {};
});

const listTagResources = reads((ctx) => {
  const w = ctx.world;
  const type = ctx.params.req('ResourceType');
  const ids = ctx.params.list('ResourceId');
  const wanted = ctx.params.tags();
  const out: { ResourceId: string; ResourceType: string; TagKey: string; TagValue: string }[] = [];
  for (const id of ids) {
    const r = taggable(w, type, id);
    for (const [k, v] of Object.entries(r?.tags ?? {})) if (Object.keys(wanted).length === 0 || wanted[k] === v) out.push({ ResourceId: id, ResourceType: type, TagKey: k, TagValue: v });
  }
  const { items, nextToken } = tokenPage(ctx, out, 'MaxResults', 50, 50);
  return { TagResources: { TagResource: items }, NextToken: nextToken };
});

export const VPC_TAG_ACTIONS: ActionTable = { TagResources: tagResources, ListTagResources: listTagResources };
