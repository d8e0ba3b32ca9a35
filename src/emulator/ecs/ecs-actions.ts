/** ECS 2014-05-26, composed from its families: security groups, instances and zones, disks, Cloud Assistant, tags. */
import type { ActionTable } from '../api/api-kit';
import { CLOUD_ASSISTANT_ACTIONS } from './cloud-assistant-actions';
import { DISK_ACTIONS } from './disk-actions';
import { INSTANCE_ACTIONS } from './instance-actions';
import { SECURITY_GROUP_ACTIONS } from './security-group-actions';
import { ECS_TAG_ACTIONS } from '../tags/tag-actions';

export const ECS_ACTIONS: ActionTable = {
  ...SECURITY_GROUP_ACTIONS,
  ...INSTANCE_ACTIONS,
  ...DISK_ACTIONS,
  ...CLOUD_ASSISTANT_ACTIONS,
  ...ECS_TAG_ACTIONS,
};
