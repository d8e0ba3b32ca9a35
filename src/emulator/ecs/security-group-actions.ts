/** ECS 2014-05-26: security groups and their rules (the family of cloud/alibaba/ecs-drivers.ts). */
import { isUsableGatewayIp, parseCidr } from '../../topology/cidr';
import { ApiError, notFound } from '../api/api-error';
import {
  isoSeconds,
  omit,
  page,
  reads,
  regionOf,
  tokenPage,
  writes,
  type ActionContext,
  type ActionTable,
} from '../api/api-kit';
import { ecsTags, groupOf } from './ecs-kit';
import { matchesTags, type RuleR, type SecurityGroupR } from '../state/world';

// ---- security groups ------------------------------------------------------------------------

const createSecurityGroup = writes((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const vpcId = ctx.params.req('VpcId');
  const vpc = w.vpcs.get(vpcId);
  if (!vpc || vpc.regionId !== regionId) throw notFound('InvalidVpcId.NotFound', `VPC ${vpcId}`);
  const id = w.newId('sg');
  w.securityGroups.set(id, {
    id,
    regionId,
    vpcId,
    name: ctx.params.opt('SecurityGroupName') ?? '',
    description: ctx.params.opt('Description') ?? '',
    createdAt: w.now(),
    rules: [],
    tags: ctx.params.tags(),
  });
  return { SecurityGroupId: id };
});

const groupView = (g: SecurityGroupR) => ({
  SecurityGroupId: g.id,
  SecurityGroupName: g.name,
  Description: g.description,
  VpcId: g.vpcId,
  SecurityGroupType: 'normal',
  CreationTime: isoSeconds(g.createdAt),
  Tags: ecsTags(g.tags),
  RuleCount: g.rules.length,
  GroupToGroupRuleCount: 0,
  ServiceManaged: false,
});

const describeSecurityGroups = reads((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const ids =
    ctx.params.json<string[]>('SecurityGroupIds') ??
    (ctx.params.opt('SecurityGroupId') ? [ctx.params.req('SecurityGroupId')] : undefined);
  const vpcId = ctx.params.opt('VpcId');
  const name = ctx.params.opt('SecurityGroupName');
  const tags = ctx.params.tags();
  const all = [...w.securityGroups.values()].filter(
    (g) =>
      g.regionId === regionId &&
      (!ids || ids.includes(g.id)) &&
      (!vpcId || g.vpcId === vpcId) &&
      (!name || g.name === name) &&
      matchesTags(g.tags, tags),
  );
  // A listed group says how many instances use it, and how many more it can take (2,000 for a basic group).
  const listed = (g: SecurityGroupR) => {
    const used = [...w.instances.values()].filter(
      (i) => i.securityGroupIds.includes(g.id) && i.deletingUntil === undefined,
    ).length;
    return { ...groupView(g), EcsCount: used, AvailableInstanceAmount: 2000 - used };
  };
  // Token paging (MaxResults, NextToken) when either is given; page numbers otherwise.
  if (ctx.params.opt('MaxResults') !== undefined || ctx.params.opt('NextToken') !== undefined) {
    const { items, nextToken } = tokenPage(ctx, all, 'MaxResults', 100, 10);
    return {
      SecurityGroups: { SecurityGroup: items.map(listed) },
      RegionId: regionId,
      NextToken: nextToken,
      TotalCount: all.length,
    };
  }
  const { items, meta } = page(ctx, all, 100, 10);
  return { SecurityGroups: { SecurityGroup: items.map(listed) }, RegionId: regionId, NextToken: '', ...meta };
});

const ruleView = (r: RuleR) => ({
  SecurityGroupRuleId: r.id,
  Direction: 'ingress',
  IpProtocol: r.ipProtocol,
  PortRange: r.portRange,
  SourceCidrIp: r.sourceCidrIp,
  Policy: r.policy,
  Priority: String(r.priority),
  NicType: 'intranet',
  Description: r.description,
  CreateTime: isoSeconds(r.createdAt),
});

const describeSecurityGroupAttribute = reads((ctx) => {
  const g = groupOf(ctx.world, ctx.params.req('SecurityGroupId'));
  // Rules page by MaxResults (10 to 1000, 500 by default) and NextToken.
  const { items, nextToken } = tokenPage(ctx, g.rules, 'MaxResults', 1000, 500);
  return {
    ...omit(
      groupView(g),
      'SecurityGroupType',
      'CreationTime',
      'Tags',
      'RuleCount',
      'GroupToGroupRuleCount',
      'ServiceManaged',
    ),
    RegionId: g.regionId,
    InnerAccessPolicy: 'Accept',
    Permissions: { Permission: items.map(ruleView) },
    NextToken: nextToken,
  };
});

interface RuleInput {
  IpProtocol: string;
  PortRange: string;
  SourceCidrIp: string;
  Policy: string;
  Priority: number;
  Description: string;
}

/**
 * Rules (Permissions.N, or SecurityGroupRuleId.N) one Authorize/RevokeSecurityGroup call takes:
 * "Array length: 1 to 100" in the API reference (the official SDK's request models say the same).
 */
export const MAX_RULES_PER_CALL = 100;

/**
 * The answer to a call with more: UNVERIFIED, the reference documents the limit but not the error
 * code; this one is chosen in the style of the family's parameter errors.
 */
const tooManyRules = (n: number) =>
  new ApiError(
    'InvalidParameter.PermissionsCountExceeded',
    `At most ${MAX_RULES_PER_CALL} rules can be given in one call; ${n} were given.`,
    400,
  );

function rulesFrom(ctx: ActionContext): RuleInput[] {
  // The single-rule form (IpProtocol, PortRange, SourceCidrIp at the top level); absent values take the documented defaults below.
  const legacy = ctx.params.opt('IpProtocol')
    ? [
        {
          IpProtocol: ctx.params.req('IpProtocol'),
          PortRange: ctx.params.opt('PortRange'),
          SourceCidrIp: ctx.params.opt('SourceCidrIp'),
          Policy: ctx.params.opt('Policy'),
          Priority: ctx.params.opt('Priority'),
          Description: ctx.params.opt('Description'),
        },
      ]
    : [];
  const given = [...ctx.params.objects('Permissions'), ...legacy] as Record<string, string | undefined>[];
  if (given.length === 0)
    throw new ApiError('MissingParameter', 'At least one permission (Permissions.N.*) is required.', 400);
  if (given.length > MAX_RULES_PER_CALL) throw tooManyRules(given.length);
  return given.map(checkRule);
}

/** One rule as given, checked, with the documented defaults filled in. */
function checkRule(p: Record<string, string | undefined>): RuleInput {
  const protocol = (p.IpProtocol ?? '').toUpperCase();
  if (!['TCP', 'UDP', 'ICMP', 'GRE', 'ALL'].includes(protocol))
    throw new ApiError('InvalidIpProtocol.Malformed', `IpProtocol "${p.IpProtocol ?? ''}" is not valid.`, 400);
  const source = p.SourceCidrIp ?? '';
  if (!parseCidr(source).ok && !(isUsableGatewayIp(source) || source === '0.0.0.0/0'))
    throw new ApiError('InvalidSourceCidrIp.Malformed', `SourceCidrIp "${source}" is not valid.`, 400);
  // Documented defaults: Policy accept, Priority 1, PortRange -1/-1 (ICMP, ALL).
  const priority = Number(p.Priority || '1');
  if (!Number.isInteger(priority) || priority < 1 || priority > 100)
    throw new ApiError('InvalidPriority.Malformed', 'Priority must be from 1 to 100.', 400);
  return {
    IpProtocol: protocol,
    PortRange: p.PortRange || '-1/-1',
    SourceCidrIp: source.includes('/') ? source : `${source}/32`,
    Policy: (p.Policy || 'accept').toLowerCase(),
    Priority: priority,
    Description: p.Description ?? '',
  };
}

const sameRule = (r: RuleR, x: RuleInput) =>
  r.ipProtocol === x.IpProtocol &&
  r.portRange === x.PortRange &&
  r.sourceCidrIp === x.SourceCidrIp &&
  r.policy === x.Policy &&
  r.priority === x.Priority;

/** Adding a rule that exists already succeeds without change, as the real service does. */
const authorizeSecurityGroup = writes((ctx) => {
  const w = ctx.world;
  const g = groupOf(w, ctx.params.req('SecurityGroupId'));
  for (const x of rulesFrom(ctx)) {
    if (g.rules.some((r) => sameRule(r, x))) continue;
    g.rules.push({
      id: w.newId('sgr'),
      ipProtocol: x.IpProtocol,
      portRange: x.PortRange,
      sourceCidrIp: x.SourceCidrIp,
      policy: x.Policy,
      priority: x.Priority,
      description: x.Description,
      createdAt: w.now(),
    });
  }
  return {};
});

const revokeSecurityGroup = writes((ctx) => {
  const w = ctx.world;
  const g = groupOf(w, ctx.params.req('SecurityGroupId'));
  const ids = ctx.params.list('SecurityGroupRuleId');
  if (ids.length > MAX_RULES_PER_CALL) throw tooManyRules(ids.length);
  // Since July 2024 an id the group does not hold fails the call, and nothing is revoked.
  const unknown = ids.find((id) => !g.rules.some((r) => r.id === id));
  if (unknown !== undefined)
    throw new ApiError('InvalidParam.SecurityGroupRuleId', `The security group rule ${unknown} does not exist.`, 400);
  if (ids.length > 0) g.rules = g.rules.filter((r) => !ids.includes(r.id));
  else for (const x of rulesFrom(ctx)) g.rules = g.rules.filter((r) => !sameRule(r, x));
  return {};
});

const deleteSecurityGroup = writes((ctx) => {
  const w = ctx.world;
  const g = groupOf(w, ctx.params.req('SecurityGroupId'));
  if ([...w.instances.values()].some((i) => i.securityGroupIds.includes(g.id)))
    throw new ApiError('DependencyViolation', `The security group ${g.id} is still used by instances.`, 403);
  w.securityGroups.delete(g.id);
  return {};
});

/** Changes one rule in place, found by its id: policy, priority, description, ports, source. */
const modifySecurityGroupRule = writes((ctx) => {
  const g = groupOf(ctx.world, ctx.params.req('SecurityGroupId'));
  const id = ctx.params.req('SecurityGroupRuleId');
  const rule = g.rules.find((r) => r.id === id);
  if (!rule) throw notFound('InvalidSecurityGroupRuleId.NotFound', `security group rule ${id}`);
  const changed = checkRule({
    IpProtocol: ctx.params.opt('IpProtocol') ?? rule.ipProtocol,
    PortRange: ctx.params.opt('PortRange') ?? rule.portRange,
    SourceCidrIp: ctx.params.opt('SourceCidrIp') ?? rule.sourceCidrIp,
    Policy: ctx.params.opt('Policy') ?? rule.policy,
    Priority: ctx.params.opt('Priority') ?? String(rule.priority),
    Description: ctx.params.opt('Description') ?? rule.description,
  });
  Object.assign(rule, {
    ipProtocol: changed.IpProtocol,
    portRange: changed.PortRange,
    sourceCidrIp: changed.SourceCidrIp,
    policy: changed.Policy,
    priority: changed.Priority,
    description: changed.Description,
  });
  return {};
});

export const SECURITY_GROUP_ACTIONS: ActionTable = {
  CreateSecurityGroup: createSecurityGroup,
  DescribeSecurityGroups: describeSecurityGroups,
  DescribeSecurityGroupAttribute: describeSecurityGroupAttribute,
  AuthorizeSecurityGroup: authorizeSecurityGroup,
  ModifySecurityGroupRule: modifySecurityGroupRule,
  RevokeSecurityGroup: revokeSecurityGroup,
  DeleteSecurityGroup: deleteSecurityGroup,
};
