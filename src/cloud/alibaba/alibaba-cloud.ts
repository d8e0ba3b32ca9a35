/** The CloudApi on Alibaba Cloud (or anything that speaks its API, such as the emulator). */
import * as $Ecs from '@alicloud/ecs20140526';
import * as $Vpc from '@alicloud/vpc20160428';
import type { StepKind } from '../../planner/plan';
import type { CloudApi, ResourceDriver, TaggedResource } from '../cloud-api';
import { createAlibabaClients, type AlibabaClientOptions } from './alibaba-clients';
import { cenAttachmentDriver, cenDriver, cenRoutePublishDriver } from './cen-drivers';
import { createDriverContext, tagsOf, type DriverContext } from './driver-kit';
import { ecsInstanceDriver, securityGroupDriver, securityGroupRuleDriver } from './ecs-drivers';
import { routeEntryDriver, vpcDriver, vswitchDriver } from './vpc-drivers';
import { customerGatewayDriver, ipsecConnectionDriver, vpnGatewayDriver } from './vpn-drivers';

export interface AlibabaCloudOptions extends AlibabaClientOptions {
  readonly sandbox: boolean;
}

const TOPOLOGY_TAG = 'vpnbot:topology';

async function findTagged(ctx: DriverContext, topology: string, regions: readonly string[]): Promise<TaggedResource[]> {
  const out: TaggedResource[] = [];
  const tag = { key: TOPOLOGY_TAG, value: topology };
  const push = (kind: StepKind, region: string, items: { id?: string; x: unknown }[]) => {
    for (const { id, x } of items) if (id) out.push({ kind, id, region, tags: tagsOf(x) });
  };
  for (const region of regions) {
    const vpc = ctx.clients.vpc(region);
    const ecs = ctx.clients.ecs(region);
    const [vpcs, vsws, gws, cgws, conns, sgs, insts] = await Promise.all([
      ctx.call('DescribeVpcs', () => vpc.describeVpcs(new $Vpc.DescribeVpcsRequest({ regionId: region, pageSize: 50, tag: [new $Vpc.DescribeVpcsRequestTag(tag)] }))),
      ctx.call('DescribeVSwitches', () => vpc.describeVSwitches(new $Vpc.DescribeVSwitchesRequest({ regionId: region, pageSize: 50, tag: [new $Vpc.DescribeVSwitchesRequestTag(tag)] }))),
      ctx.call('DescribeVpnGateways', () => vpc.describeVpnGateways(new $Vpc.DescribeVpnGatewaysRequest({ regionId: region, pageSize: 50, tag: [new $Vpc.DescribeVpnGatewaysRequestTag(tag)] }))),
      ctx.call('DescribeCustomerGateways', () => vpc.describeCustomerGateways(new $Vpc.DescribeCustomerGatewaysRequest({ regionId: region, pageSize: 50, tag: [new $Vpc.DescribeCustomerGatewaysRequestTag(tag)] }))),
      ctx.call('DescribeVpnConnections', () => vpc.describeVpnConnections(new $Vpc.DescribeVpnConnectionsRequest({ regionId: region, pageSize: 50, tag: [new $Vpc.DescribeVpnConnectionsRequestTag(tag)] }))),
      ctx.call('DescribeSecurityGroups', () => ecs.describeSecurityGroups(new $Ecs.DescribeSecurityGroupsRequest({ regionId: region, pageSize: 50, tag: [new $Ecs.DescribeSecurityGroupsRequestTag(tag)] }))),
      ctx.call('DescribeInstances', () => ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: region, maxResults: 100, tag: [new $Ecs.DescribeInstancesRequestTag(tag)] }))),
    ]);
    push('vpc', region, (vpcs.body?.vpcs?.vpc ?? []).map((x) => ({ id: x.vpcId, x })));
    push('vswitch', region, (vsws.body?.vSwitches?.vSwitch ?? []).map((x) => ({ id: x.vSwitchId, x })));
    push('vpn-gateway', region, (gws.body?.vpnGateways?.vpnGateway ?? []).map((x) => ({ id: x.vpnGatewayId, x })));
    push('customer-gateway', region, (cgws.body?.customerGateways?.customerGateway ?? []).map((x) => ({ id: x.customerGatewayId, x })));
    push('ipsec-connection', region, (conns.body?.vpnConnections?.vpnConnection ?? []).map((x) => ({ id: x.vpnConnectionId, x })));
    push('security-group', region, (sgs.body?.securityGroups?.securityGroup ?? []).map((x) => ({ id: x.securityGroupId, x })));
    push('ecs-instance', region, (insts.body?.instances?.instance ?? []).map((x) => ({ id: x.instanceId, x })));
  }
  const cens = await ctx.call('DescribeCens', () => ctx.clients.cen('DescribeCens', { PageSize: 50, Tag: [{ Key: TOPOLOGY_TAG, Value: topology }] }));
  for (const c of cens.Cens?.Cen ?? []) {
    const tags = Object.fromEntries(((c.Tags?.Tag ?? []) as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));
    out.push({ kind: 'cen', id: c.CenId, region: regions[0] ?? '', tags });
  }
  return out.filter((r) => r.tags[TOPOLOGY_TAG] === topology);
}

export function createAlibabaCloud(options: AlibabaCloudOptions): CloudApi {
  const ctx = createDriverContext(createAlibabaClients(options));
  const all: ResourceDriver[] = [
    vpcDriver(ctx), vswitchDriver(ctx), vpnGatewayDriver(ctx), customerGatewayDriver(ctx), ipsecConnectionDriver(ctx), routeEntryDriver(ctx),
    cenDriver(ctx), cenAttachmentDriver(ctx), cenRoutePublishDriver(ctx), securityGroupDriver(ctx), securityGroupRuleDriver(ctx), ecsInstanceDriver(ctx),
  ];
  return {
    sandbox: options.sandbox,
    target: options.sandbox ? 'sandbox (in-process Alibaba Cloud emulator)' : options.endpoint ? `Alibaba Cloud API at ${new URL(options.endpoint).host}` : 'Alibaba Cloud',
    drivers: Object.fromEntries(all.map((d) => [d.kind, d])) as Record<StepKind, ResourceDriver>,
    findTagged: (topology, regions) => findTagged(ctx, topology, regions),
    calls: ctx.count,
  };
}
