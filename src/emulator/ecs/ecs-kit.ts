/** What the ECS product's action families share: tag views and instance state. */
import { notFound } from '../server/api-error';
import { statusAt } from '../state/emulator-clock';
import type { InstanceR, SecurityGroupR, World } from '../state/world';

export const ecsTags = (tags: Record<string, string>) => ({ Tag: Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) });

/** An instance's status as DescribeInstances reports it: its creation, then any stop or start. */
export function instanceStatus(w: World, i: InstanceR): string {
  if (i.deletingUntil !== undefined) return 'Stopping';
  return statusAt(i.power ?? i.phases, w.now());
}

/** The id of an instance's system disk (each instance has exactly one, and no data disk). */
export const systemDiskId = (i: InstanceR) => `d-${i.id.slice(2)}`;

export function groupOf(w: World, id: string): SecurityGroupR {
  const g = w.securityGroups.get(id);
  if (!g) throw notFound('InvalidSecurityGroupId.NotFound', `security group ${id}`);
  return g;
}
