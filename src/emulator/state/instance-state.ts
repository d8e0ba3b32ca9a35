/** What an instance is now, read off the clock: its status, and its system disk's id. */
import { statusAt } from './emulator-clock';
import type { InstanceR, World } from './world';

/** An instance's status as DescribeInstances reports it: its creation, then any stop or start. */
export function instanceStatus(world: World, instance: InstanceR): string {
  if (instance.deletingUntil !== undefined) return 'Stopping';
  return statusAt(instance.power ?? instance.phases, world.now());
}

/** The id of an instance's system disk (each instance has exactly one, and no data disk). */
export const systemDiskId = (instance: InstanceR) => `d-${instance.id.slice(2)}`;
