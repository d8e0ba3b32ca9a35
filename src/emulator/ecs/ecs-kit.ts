/** What the ECS product's action families share: tag views and security group lookups. */
import { notFound } from '../api/api-error';
import type { SecurityGroupR, World } from '../state/world';

export const ecsTags = (tags: Record<string, string>) => ({
  Tag: Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
});

export function groupOf(world: World, id: string): SecurityGroupR {
  const g = world.securityGroups.get(id);
  if (!g) throw notFound('InvalidSecurityGroupId.NotFound', `security group ${id}`);
  return g;
}
