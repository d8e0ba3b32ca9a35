/** Security groups, their rules, and the probe ECS instances. */
import * as $Ecs from '@alicloud/ecs20140526';
import { PROBE_SYSTEM_DISK, type ResourceDriver, type ResourceInput } from '../cloud-api';
import { GONE, matches, orGone, pending, ready, tagsOf, vpcTags, type DriverContext } from './driver-kit';

export function securityGroupDriver(ctx: DriverContext): ResourceDriver<'security-group'> {
  const list = (region: string, q: Partial<$Ecs.DescribeSecurityGroupsRequest>) =>
    ctx.call('DescribeSecurityGroups', () =>
      ctx.clients
        .ecs(region)
        .describeSecurityGroups(new $Ecs.DescribeSecurityGroupsRequest({ regionId: region, pageSize: 50, ...q })),
    );
  return {
    kind: 'security-group',
    async create(input) {
      const r = await ctx.call('CreateSecurityGroup', () =>
        ctx.clients.ecs(input.region).createSecurityGroup(
          new $Ecs.CreateSecurityGroupRequest({
            regionId: input.region,
            vpcId: input.params.vpcId,
            securityGroupName: input.params.name,
            description: input.marker,
            clientToken: input.clientToken,
            tag: vpcTags(input.tags).map((t) => new $Ecs.CreateSecurityGroupRequestTag(t)),
          }),
        ),
      );
      return r.body!.securityGroupId!;
    },
    read: (region, id) =>
      orGone(list(region, { securityGroupIds: JSON.stringify([id]) }), (r) =>
        r.body?.securityGroups?.securityGroup?.length ? ready({ id }) : GONE,
      ),
    async find(input) {
      const r = await list(input.region, {
        vpcId: input.params.vpcId,
        tag: vpcTags(input.tags).map((t) => new $Ecs.DescribeSecurityGroupsRequestTag(t)),
      });
      return r.body?.securityGroups?.securityGroup?.find((g) => matches(tagsOf(g), input.tags))?.securityGroupId;
    },
    async listTagged(region, tags) {
      const r = await list(region, { tag: vpcTags(tags).map((t) => new $Ecs.DescribeSecurityGroupsRequestTag(t)) });
      return (r.body?.securityGroups?.securityGroup ?? []).map((x) => ({
        kind: 'security-group' as const,
        id: x.securityGroupId!,
        region,
        tags: tagsOf(x),
      }));
    },
    async delete(region, id) {
      await ctx.call('DeleteSecurityGroup', () =>
        ctx.clients
          .ecs(region)
          .deleteSecurityGroup(new $Ecs.DeleteSecurityGroupRequest({ regionId: region, securityGroupId: id })),
      );
    },
  };
}

/**
 * Rules made one step each by earlier versions (`security-group-rule`): still read and deleted, so
 * stored plans and their resources destroy and migrate. Rules have no id vpnbot can choose:
 * `securityGroupId|protocol|portRange|source`. Those rules had priority 1, which tells them from a
 * rule set's (security-group-rules-driver.ts).
 */
export function securityGroupRuleDriver(ctx: DriverContext): ResourceDriver<'security-group-rule'> {
  const parse = (id: string) => {
    const [securityGroupId, ipProtocol, portRange, sourceCidrIp] = id.split('|') as [string, string, string, string];
    return { securityGroupId, ipProtocol, portRange, sourceCidrIp };
  };
  const idOf = (input: ResourceInput<'security-group-rule'>) =>
    [input.params.securityGroupId, input.params.ipProtocol, input.params.portRange, input.params.sourceCidrIp].join(
      '|',
    );
  const read = (region: string, id: string) => {
    const r = parse(id);
    return orGone(
      ctx.call('DescribeSecurityGroupAttribute', () =>
        ctx.clients.ecs(region).describeSecurityGroupAttribute(
          new $Ecs.DescribeSecurityGroupAttributeRequest({
            regionId: region,
            securityGroupId: r.securityGroupId,
            direction: 'ingress',
          }),
        ),
      ),
      (a) => {
        const found = (a.body?.permissions?.permission ?? []).some(
          (p) =>
            p.ipProtocol?.toUpperCase() === r.ipProtocol.toUpperCase() &&
            p.portRange === r.portRange &&
            p.sourceCidrIp === r.sourceCidrIp &&
            String(p.priority ?? '1') === '1',
        );
        return found ? ready({ id }) : GONE;
      },
    );
  };
  // Rules vpnbot revokes are its own accept rules, whose policy and priority the planner always sets to accept and 1.
  const permission = (input: ResourceInput<'security-group-rule'> | ReturnType<typeof parse>, description?: string) => {
    const p = 'params' in input ? input.params : { ...input, policy: 'accept', priority: 1 };
    return {
      ipProtocol: p.ipProtocol,
      portRange: p.portRange,
      sourceCidrIp: p.sourceCidrIp,
      policy: p.policy,
      priority: String(p.priority),
      ...(description ? { description } : {}),
    };
  };
  return {
    kind: 'security-group-rule',
    async create(input) {
      await ctx.call('AuthorizeSecurityGroup', () =>
        ctx.clients.ecs(input.region).authorizeSecurityGroup(
          new $Ecs.AuthorizeSecurityGroupRequest({
            regionId: input.region,
            securityGroupId: input.params.securityGroupId,
            clientToken: input.clientToken,
            permissions: [new $Ecs.AuthorizeSecurityGroupRequestPermissions(permission(input, input.marker))],
          }),
        ),
      );
      return idOf(input);
    },
    read: (region, id) => read(region, id),
    async find(input) {
      return (await read(input.region, idOf(input))).state === 'gone' ? undefined : idOf(input);
    },
    async delete(region, id) {
      const r = parse(id);
      await ctx.call('RevokeSecurityGroup', () =>
        ctx.clients.ecs(region).revokeSecurityGroup(
          new $Ecs.RevokeSecurityGroupRequest({
            regionId: region,
            securityGroupId: r.securityGroupId,
            permissions: [new $Ecs.RevokeSecurityGroupRequestPermissions(permission(r))],
          }),
        ),
      );
    },
  };
}

/** Probe instances: ready when Running with the Cloud Assistant agent online (pings go through it). */
export function ecsInstanceDriver(ctx: DriverContext): ResourceDriver<'ecs-instance'> {
  const list = (region: string, q: Partial<$Ecs.DescribeInstancesRequest>) =>
    ctx.call('DescribeInstances', () =>
      ctx.clients
        .ecs(region)
        .describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: region, maxResults: 100, ...q })),
    );
  return {
    kind: 'ecs-instance',
    async create(input) {
      const r = await ctx.call('RunInstances', () =>
        ctx.clients.ecs(input.region).runInstances(
          new $Ecs.RunInstancesRequest({
            regionId: input.region,
            vSwitchId: input.params.vswitchId,
            securityGroupId: input.params.securityGroupId,
            instanceType: input.params.instanceType,
            imageFamily: input.params.imageFamily,
            instanceName: input.params.name,
            zoneId: input.params.zoneId,
            internetMaxBandwidthOut: 0,
            systemDisk: new $Ecs.RunInstancesRequestSystemDisk({
              category: PROBE_SYSTEM_DISK.category,
              size: String(PROBE_SYSTEM_DISK.sizeGiB),
            }),
            instanceChargeType: ctx.billing.ecsInstance.chargeType,
            amount: 1,
            clientToken: input.clientToken,
            tag: vpcTags(input.tags).map((t) => new $Ecs.RunInstancesRequestTag(t)),
          }),
        ),
      );
      return r.body!.instanceIdSets!.instanceIdSet![0]!;
    },
    read: (region, id) =>
      orGone(list(region, { instanceIds: JSON.stringify([id]) }), async (r) => {
        const i = r.body?.instances?.instance?.[0];
        if (!i) return GONE;
        const outputs = { id, privateIp: i.vpcAttributes?.privateIpAddress?.ipAddress?.[0] ?? '' };
        if (i.status !== 'Running') return pending(`instance is ${i.status}`, false, outputs);
        const a = await ctx.call('DescribeCloudAssistantStatus', () =>
          ctx.clients
            .ecs(region)
            .describeCloudAssistantStatus(
              new $Ecs.DescribeCloudAssistantStatusRequest({ regionId: region, instanceId: [id] }),
            ),
        );
        const online =
          a.body?.instanceCloudAssistantStatusSet?.instanceCloudAssistantStatus?.[0]?.cloudAssistantStatus === 'true';
        return online ? ready(outputs) : pending('waiting for the Cloud Assistant agent', false, outputs);
      }),
    async find(input) {
      const r = await list(input.region, {
        vSwitchId: input.params.vswitchId,
        tag: vpcTags(input.tags).map((t) => new $Ecs.DescribeInstancesRequestTag(t)),
      });
      return r.body?.instances?.instance?.find((i) => matches(tagsOf(i), input.tags))?.instanceId;
    },
    async listTagged(region, tags) {
      const r = await list(region, { tag: vpcTags(tags).map((t) => new $Ecs.DescribeInstancesRequestTag(t)) });
      return (r.body?.instances?.instance ?? []).map((x) => ({
        kind: 'ecs-instance' as const,
        id: x.instanceId!,
        region,
        tags: tagsOf(x),
      }));
    },
    async delete(region, id) {
      await ctx.call('DeleteInstance', () =>
        ctx.clients.ecs(region).deleteInstance(new $Ecs.DeleteInstanceRequest({ instanceId: id, force: true })),
      );
    },
  };
}
