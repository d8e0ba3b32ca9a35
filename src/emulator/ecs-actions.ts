/** ECS 2014-05-26: security groups, instances, and Cloud Assistant (RunCommand runs `ping` on the emulated network). */
import { cidr, hostAddress, isUsableGatewayIp, parseCidr } from '../topology/cidr';
import { ApiError, notFound } from './api-error';
import { isoMinutes, isoSeconds, page, reads, regionOf, tokenPage, writes, type ActionContext, type ActionTable } from './api-kit';
import { echo } from './data-plane';
import { parseScript, renderPing, type Reply } from './ping-script';
import { findRegion } from '../topology/regions';
import { LATENCY, matchesTags, type InstanceR, type RuleR, type SecurityGroupR, type World } from './world';

const ecsTags = (tags: Record<string, string>) => ({ Tag: Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) });

function groupOf(w: World, id: string): SecurityGroupR {
  const g = w.securityGroups.get(id);
  if (!g) throw notFound('InvalidSecurityGroupId.NotFound', `security group ${id}`);
  return g;
}

function instanceStatus(w: World, i: InstanceR): string {
  return w.status(i, 'Stopping');
}

// ---- security groups ------------------------------------------------------------------------

const createSecurityGroup = writes((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const vpcId = ctx.params.req('VpcId');
  const vpc = w.vpcs.get(vpcId);
  if (!vpc || vpc.regionId !== regionId) throw notFound('InvalidVpcId.NotFound', `VPC ${vpcId}`);
  const id = w.newId('sg');
  w.securityGroups.set(id, {
    id, regionId, vpcId, name: ctx.params.opt('SecurityGroupName') ?? '', description: ctx.params.opt('Description') ?? '', createdAt: w.now(), rules: [], tags: ctx.params.tags(),
  });
  return { SecurityGroupId: id };
});

const groupView = (g: SecurityGroupR) => ({
  SecurityGroupId: g.id, SecurityGroupName: g.name, Description: g.description, VpcId: g.vpcId, SecurityGroupType: 'normal',
  CreationTime: isoSeconds(g.createdAt), Tags: ecsTags(g.tags), RuleCount: g.rules.length,
});

const describeSecurityGroups = reads((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const ids = ctx.params.json<string[]>('SecurityGroupIds') ?? (ctx.params.opt('SecurityGroupId') ? [ctx.params.req('SecurityGroupId')] : undefined);
  const vpcId = ctx.params.opt('VpcId');
  const name = ctx.params.opt('SecurityGroupName');
  const tags = ctx.params.tags();
  const all = [...w.securityGroups.values()].filter((g) => g.regionId === regionId && (!ids || ids.includes(g.id)) && (!vpcId || g.vpcId === vpcId) && (!name || g.name === name) && matchesTags(g.tags, tags));
  const { items, meta } = page(ctx, all, 100, 10);
  return { SecurityGroups: { SecurityGroup: items.map(groupView) }, RegionId: regionId, ...meta };
});

const ruleView = (r: RuleR) => ({
  SecurityGroupRuleId: r.id, Direction: 'ingress', IpProtocol: r.ipProtocol, PortRange: r.portRange, SourceCidrIp: r.sourceCidrIp, Policy: r.policy,
  Priority: String(r.priority), NicType: 'intranet', Description: r.description, CreateTime: isoSeconds(r.createdAt),
});

const describeSecurityGroupAttribute = reads((ctx) => {
  const g = groupOf(ctx.world, ctx.params.req('SecurityGroupId'));
  return { ...groupView(g), RegionId: g.regionId, InnerAccessPolicy: 'Accept', Permissions: { Permission: g.rules.map(ruleView) } };
});

interface RuleInput { IpProtocol: string; PortRange: string; SourceCidrIp: string; Policy: string; Priority: number; Description: string }

function rulesFrom(ctx: ActionContext): RuleInput[] {
  const legacy = ctx.params.opt('IpProtocol') ? [{ IpProtocol: ctx.params.req('IpProtocol'), PortRange: ctx.params.opt('PortRange') ?? '-1/-1', SourceCidrIp: ctx.params.opt('SourceCidrIp') ?? '', Policy: ctx.params.opt('Policy') ?? '', Priority: ctx.params.opt('Priority') ?? '' }] : [];
  const given = [...ctx.params.objects('Permissions'), ...legacy] as Record<string, string | undefined>[];
  if (given.length === 0) throw new ApiError('MissingParameter', 'At least one permission (Permissions.N.*) is required.', 400);
  return given.map((p) => {
    const protocol = (p.IpProtocol ?? '').toUpperCase();
    if (!['TCP', 'UDP', 'ICMP', 'GRE', 'ALL'].includes(protocol)) throw new ApiError('InvalidIpProtocol.Malformed', `IpProtocol "${p.IpProtocol ?? ''}" is not valid.`, 400);
    const source = p.SourceCidrIp ?? '';
    if (!parseCidr(source).ok && !(isUsableGatewayIp(source) || source === '0.0.0.0/0')) throw new ApiError('InvalidSourceCidrIp.Malformed', `SourceCidrIp "${source}" is not valid.`, 400);
    const priority = Number(p.Priority ?? '1');
    if (!Number.isInteger(priority) || priority < 1 || priority > 100) throw new ApiError('InvalidPriority.Malformed', 'Priority must be from 1 to 100.', 400);
    return { IpProtocol: protocol, PortRange: p.PortRange ?? '-1/-1', SourceCidrIp: source.includes('/') ? source : `${source}/32`, Policy: (p.Policy ?? 'accept').toLowerCase(), Priority: priority, Description: p.Description ?? '' };
  });
}

const sameRule = (r: RuleR, x: RuleInput) => r.ipProtocol === x.IpProtocol && r.portRange === x.PortRange && r.sourceCidrIp === x.SourceCidrIp && r.policy === x.Policy && r.priority === x.Priority;

/** Adding a rule that exists already succeeds without change, as the real service does. */
const authorizeSecurityGroup = writes((ctx) => {
  const w = ctx.world;
  const g = groupOf(w, ctx.params.req('SecurityGroupId'));
  for (const x of rulesFrom(ctx)) {
    if (g.rules.some((r) => sameRule(r, x))) continue;
    g.rules.push({ id: w.newId('sgr'), ipProtocol: x.IpProtocol, portRange: x.PortRange, sourceCidrIp: x.SourceCidrIp, policy: x.Policy, priority: x.Priority, description: x.Description, createdAt: w.now() });
  }
  return {};
});

const revokeSecurityGroup = writes((ctx) => {
  const w = ctx.world;
  const g = groupOf(w, ctx.params.req('SecurityGroupId'));
  const ids = ctx.params.list('SecurityGroupRuleId');
  if (ids.length > 0) g.rules = g.rules.filter((r) => !ids.includes(r.id));
  else for (const x of rulesFrom(ctx)) g.rules = g.rules.filter((r) => !sameRule(r, x));
  return {};
});

const deleteSecurityGroup = writes((ctx) => {
  const w = ctx.world;
  const g = groupOf(w, ctx.params.req('SecurityGroupId'));
  if ([...w.instances.values()].some((i) => i.securityGroupIds.includes(g.id))) throw new ApiError('DependencyViolation', `The security group ${g.id} is still used by instances.`, 403);
  w.securityGroups.delete(g.id);
  return {};
});

// ---- instances ------------------------------------------------------------------------------

function allocateIp(w: World, vswitchCidr: string, taken: Set<string>): string {
  const block = cidr(vswitchCidr);
  const hosts = 2 ** (32 - block.prefix);
  // The first and the last three addresses of a vSwitch are reserved.
  for (let attempt = 0; attempt < 64; attempt++) {
    const ip = hostAddress(block, 1 + Math.floor(w.random() * (hosts - 4)));
    if (!taken.has(ip)) return ip;
  }
  throw new ApiError('InvalidVSwitchId.IpNotEnough', 'The vSwitch has no free private IP address.', 400);
}

const runInstances = writes((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const vswitchId = ctx.params.req('VSwitchId');
  const vsw = w.vswitches.get(vswitchId);
  if (!vsw || vsw.regionId !== regionId) throw notFound('InvalidVSwitchId.NotFound', `vSwitch ${vswitchId}`);
  if (!w.isReady(vsw)) throw new ApiError('IncorrectVSwitchStatus', `The vSwitch ${vswitchId} is not Available yet.`, 400);
  const sgIds = ctx.params.opt('SecurityGroupId') ? [ctx.params.req('SecurityGroupId')] : ctx.params.list('SecurityGroupIds');
  if (sgIds.length === 0) throw new ApiError('MissingSecurityGroupId', 'SecurityGroupId is mandatory for this action.', 400);
  for (const id of sgIds) if (groupOf(w, id).vpcId !== vsw.vpcId) throw new ApiError('InvalidSecurityGroupId.NotBelongToVpc', `The security group ${id} is not in the VPC of ${vswitchId}.`, 400);
  if (!ctx.params.opt('ImageId') && !ctx.params.opt('ImageFamily')) throw new ApiError('MissingImageId', 'ImageId or ImageFamily is mandatory.', 400);
  const instanceType = ctx.params.req('InstanceType');
  const amount = ctx.params.int('Amount', 1, 1, 100);
  const taken = new Set([...w.instances.values()].filter((i) => i.vswitchId === vswitchId).map((i) => i.privateIp));
  const ids: string[] = [];
  for (let n = 0; n < amount; n++) {
    const id = w.newId('i');
    const privateIp = amount === 1 && ctx.params.opt('PrivateIpAddress') ? ctx.params.req('PrivateIpAddress') : allocateIp(w, vsw.cidrBlock, taken);
    taken.add(privateIp);
    const phases = w.phases([['Pending', LATENCY.ecsPending], ['Starting', LATENCY.ecsStarting]], 'Running');
    w.instances.set(id, {
      id, regionId, zoneId: ctx.params.opt('ZoneId') ?? vsw.zoneId, vswitchId, vpcId: vsw.vpcId, securityGroupIds: sgIds, privateIp,
      name: ctx.params.opt('InstanceName') ?? id, instanceType, imageId: ctx.params.opt('ImageId') ?? ctx.params.req('ImageFamily'), tags: ctx.params.tags(),
      createdAt: w.now(), phases, agentOnlineAt: phases.steps.at(-1)!.until + w.clock.delay(LATENCY.ecsAgentOnline),
    });
    ids.push(id);
  }
  return { InstanceIdSets: { InstanceIdSet: ids }, OrderId: String(Math.floor(w.random() * 1e12)), TradePrice: 0 };
});

const instanceView = (w: World, i: InstanceR) => ({
  InstanceId: i.id, InstanceName: i.name, HostName: i.name, Status: instanceStatus(w, i), RegionId: i.regionId, ZoneId: i.zoneId, InstanceType: i.instanceType,
  ImageId: i.imageId, OSType: 'linux', OSName: 'Alibaba Cloud Linux 3', InstanceNetworkType: 'vpc', CreationTime: isoMinutes(i.createdAt), StartTime: isoMinutes(i.createdAt),
  VpcAttributes: { VpcId: i.vpcId, VSwitchId: i.vswitchId, PrivateIpAddress: { IpAddress: [i.privateIp] }, NatIpAddress: '' },
  NetworkInterfaces: { NetworkInterface: [{ PrimaryIpAddress: i.privateIp, Type: 'Primary' }] },
  PublicIpAddress: { IpAddress: [] }, SecurityGroupIds: { SecurityGroupId: i.securityGroupIds }, Tags: ecsTags(i.tags),
});

const describeInstances = reads((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const ids = ctx.params.json<string[]>('InstanceIds');
  const ips = ctx.params.json<string[]>('PrivateIpAddresses');
  const f = { vpc: ctx.params.opt('VpcId'), vsw: ctx.params.opt('VSwitchId'), status: ctx.params.opt('Status'), name: ctx.params.opt('InstanceName'), sg: ctx.params.opt('SecurityGroupId') };
  const tags = ctx.params.tags();
  const nameMatches = (n: string) => !f.name || (f.name.includes('*') ? new RegExp(`^${f.name.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(n) : n === f.name);
  const all = [...w.instances.values()].filter((i) =>
    i.regionId === regionId && (!ids || ids.includes(i.id)) && (!ips || ips.includes(i.privateIp)) && (!f.vpc || i.vpcId === f.vpc) && (!f.vsw || i.vswitchId === f.vsw)
    && (!f.status || instanceStatus(w, i) === f.status) && (!f.sg || i.securityGroupIds.includes(f.sg)) && nameMatches(i.name) && matchesTags(i.tags, tags));
  if (ctx.params.opt('PageNumber')) {
    const { items, meta } = page(ctx, all, 100, 10);
    return { Instances: { Instance: items.map((i) => instanceView(w, i)) }, ...meta };
  }
  const { items, nextToken } = tokenPage(ctx, all, 'MaxResults', 100, 10);
  return { Instances: { Instance: items.map((i) => instanceView(w, i)) }, NextToken: nextToken, TotalCount: all.length };
});

function deleteOne(w: World, id: string, force: boolean): void {
  const i = w.instances.get(id);
  if (!i) throw notFound('InvalidInstanceId.NotFound', `instance ${id}`);
  if (i.deletingUntil !== undefined) return;
  const status = instanceStatus(w, i);
  if (status === 'Pending' || status === 'Starting') throw new ApiError('IncorrectInstanceStatus.Initializing', `The instance ${id} is ${status}.`, 403);
  if (status === 'Running' && !force) throw new ApiError('IncorrectInstanceStatus', `The instance ${id} is Running; stop it first or pass Force=true.`, 403);
  w.markDeleting(i, LATENCY.ecsDelete);
}

const deleteInstance = writes((ctx) => {
  deleteOne(ctx.world, ctx.params.req('InstanceId'), ctx.params.bool('Force', false));
  return {};
});

const deleteInstances = writes((ctx) => {
  regionOf(ctx);
  for (const id of ctx.params.list('InstanceId')) deleteOne(ctx.world, id, ctx.params.bool('Force', false));
  return {};
});

// ---- Cloud Assistant ------------------------------------------------------------------------

const describeCloudAssistantStatus = reads((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const ids = ctx.params.list('InstanceId');
  const all = [...w.instances.values()].filter((i) => i.regionId === regionId && (ids.length === 0 || ids.includes(i.id)));
  return {
    InstanceCloudAssistantStatusSet: {
      InstanceCloudAssistantStatus: all.map((i) => ({
        InstanceId: i.id, CloudAssistantStatus: String(instanceStatus(w, i) === 'Running' && w.now() >= i.agentOnlineAt), CloudAssistantVersion: '2.2.3.857', OSType: 'Linux',
        SupportSessionManager: true, ActiveTaskCount: 0, InvocationCount: 0, LastHeartbeatTime: isoSeconds(w.now()),
      })),
    },
    TotalCount: all.length, PageNumber: 1, PageSize: all.length,
  };
});

/** Runs the script now against the network as it is, and records when each result becomes visible. */
const runCommand = writes((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const type = ctx.params.req('Type');
  if (!['RunShellScript', 'RunBatScript', 'RunPowerShellScript'].includes(type)) throw new ApiError('InvalidCommandType', `Type ${type} is not valid.`, 400);
  const raw = ctx.params.req('CommandContent');
  const base64 = (ctx.params.opt('ContentEncoding') ?? 'PlainText').toLowerCase() === 'base64';
  const content = base64 ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  const timeout = ctx.params.int('Timeout', 60, 10, 86400);
  const ids = ctx.params.list('InstanceId');
  if (ids.length === 0) throw new ApiError('MissingInstanceId', 'InstanceId is mandatory for this action.', 400);
  const now = w.now();
  const results = ids.map((id) => {
    const inst = w.instances.get(id);
    if (!inst || inst.regionId !== regionId) throw notFound('InvalidInstanceId.NotFound', `instance ${id}`);
    const startAt = now + w.clock.delay(LATENCY.commandDelivery);
    if (instanceStatus(w, inst) !== 'Running') return { instanceId: id, startAt, finishAt: startAt, output: '', exitCode: -1, finalStatus: 'Aborted', errorCode: 'InstanceNotRunning', errorInfo: `the instance is ${instanceStatus(w, inst)}` };
    if (now < inst.agentOnlineAt) return { instanceId: id, startAt, finishAt: startAt, output: '', exitCode: -1, finalStatus: 'Aborted', errorCode: 'ClientNotRunning', errorInfo: 'the Cloud Assistant agent is not online yet' };
    const run = execute(w, inst, type, content);
    const seconds = Math.min(run.seconds, timeout);
    const timedOut = run.seconds > timeout;
    const finalStatus = timedOut ? 'Timeout' : run.exitCode === 0 ? 'Success' : 'Failed';
    return {
      instanceId: id, startAt, finishAt: startAt + w.clock.delay(seconds * 1000), output: run.output, exitCode: run.exitCode, finalStatus,
      errorCode: timedOut ? 'ExecutionTimeout' : run.exitCode === 0 ? '' : 'ExitCodeNonzero', errorInfo: timedOut ? 'the command timed out' : run.exitCode === 0 ? '' : `the command exited with ${run.exitCode}`,
    };
  });
  const invokeId = w.newId('t');
  const commandId = w.newId('c');
  w.invocations.set(invokeId, { id: invokeId, commandId, regionId, type, content, createdAt: now, results });
  return { CommandId: commandId, InvokeId: invokeId };
});

function execute(w: World, inst: InstanceR, type: string, script: string): { output: string; exitCode: number; seconds: number } {
  if (type !== 'RunShellScript') return { output: `${type} is not supported on Linux\n`, exitCode: 1, seconds: 0.1 };
  let output = '';
  let exitCode = 0;
  let seconds = 0.05;
  for (const cmd of parseScript(script)) {
    if (cmd.kind === 'not-found') {
      output += `bash: line ${cmd.line}: ${cmd.name}: command not found\n`;
      exitCode = 127;
    } else if (cmd.kind === 'usage') {
      output += `${cmd.message}\n`;
      exitCode = 2;
    } else if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(cmd.spec.destination)) {
      output += `ping: ${cmd.spec.destination}: Name or service not known\n`;
      exitCode = 2;
    } else {
      const replies: Reply[] = Array.from({ length: cmd.spec.count }, () => echo(w, inst, cmd.spec.destination).reply);
      const run = renderPing(cmd.spec, replies, 4 + Math.floor(w.random() * 6));
      output += run.output;
      exitCode = run.exitCode;
      seconds += run.seconds;
    }
  }
  return { output, exitCode, seconds };
}

const describeInvocationResults = reads((ctx) => {
  const w = ctx.world;
  const regionId = regionOf(ctx);
  const invokeId = ctx.params.opt('InvokeId');
  const instanceId = ctx.params.opt('InstanceId');
  const base64 = (ctx.params.opt('ContentEncoding') ?? 'Base64').toLowerCase() !== 'plaintext';
  const now = w.now();
  const rows = [...w.invocations.values()]
    .filter((inv) => inv.regionId === regionId && (!invokeId || inv.id === invokeId))
    .flatMap((inv) => inv.results.filter((r) => !instanceId || r.instanceId === instanceId).map((r) => {
      const status = now < r.startAt ? 'Pending' : now < r.finishAt ? 'Running' : r.finalStatus;
      const done = now >= r.finishAt;
      const output = done ? r.output : '';
      return {
        InvokeId: inv.id, CommandId: inv.commandId, InstanceId: r.instanceId, InvocationStatus: status,
        InvokeRecordStatus: done ? 'Finished' : 'Running', ExitCode: done ? r.exitCode : 0, Output: base64 ? Buffer.from(output).toString('base64') : output,
        Dropped: 0, ErrorCode: done ? r.errorCode : '', ErrorInfo: done ? r.errorInfo : '', StartTime: isoSeconds(r.startAt), FinishedTime: done ? isoSeconds(r.finishAt) : '',
        Repeats: 1, Username: 'root',
      };
    }));
  const { items, nextToken } = tokenPage(ctx, rows, 'MaxResults', 50, 10);
  return { Invocation: { InvocationResults: { InvocationResult: items }, TotalCount: rows.length, PageNumber: 1, PageSize: items.length, NextToken: nextToken } };
});

// ---- zones ---------------------------------------------------------------------------------

/** DescribeZones: the region's zones, from the same list the sandbox's CreateVSwitch accepts. */
const describeZones = reads((ctx) => {
  const regionId = regionOf(ctx);
  const zones = findRegion(regionId)?.zones ?? [];
  return {
    Zones: {
      Zone: zones.map((ZoneId) => ({
        ZoneId, LocalName: `${findRegion(regionId)!.name} Zone ${ZoneId.slice(-1).toUpperCase()}`, ZoneType: 'AvailabilityZone',
        AvailableResourceCreation: { ResourceTypes: ['VSwitch', 'Instance', 'Disk'] },
        AvailableDiskCategories: { DiskCategories: ['cloud_essd', 'cloud_efficiency'] },
        AvailableInstanceTypes: { InstanceTypes: ['ecs.t6-c1m1.large', 'ecs.g7.large'] },
      })),
    },
  };
});

export const ECS_ACTIONS: ActionTable = {
  DescribeZones: describeZones,
  CreateSecurityGroup: createSecurityGroup, DescribeSecurityGroups: describeSecurityGroups, DescribeSecurityGroupAttribute: describeSecurityGroupAttribute,
  AuthorizeSecurityGroup: authorizeSecurityGroup, RevokeSecurityGroup: revokeSecurityGroup, DeleteSecurityGroup: deleteSecurityGroup,
  RunInstances: runInstances, DescribeInstances: describeInstances, DeleteInstance: deleteInstance, DeleteInstances: deleteInstances,
  DescribeCloudAssistantStatus: describeCloudAssistantStatus, RunCommand: runCommand, DescribeInvocationResults: describeInvocationResults,
};
