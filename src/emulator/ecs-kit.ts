/** What the ECS product's action families share: tag views and instance state. */
import { notFound } from './api-error';
import type { InstanceR, SecurityGroupR, World } from './world';

export const ecsTags = (tags: Record<string, string>) => ({ Tag: Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) });

/** An instance's status as DescribeInstances reports it. */
export function instanceStatus(w: World, i: InstanceR): string {
  return w.status(i, 'Stopping');
}

export function groupOf(w: World, id: string): SecurityGroupR {
  const g = w.securityGroups.get(id);
  if (!g) throw notFound('InvalidSecurityGroupId.NotFound', `security group ${id}`);
  return g;
}
