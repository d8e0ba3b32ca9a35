/** The CloudApi on Alibaba Cloud (or anything that speaks its API, such as the emulator). */
import * as $Ecs from '@alicloud/ecs20140526';
import type { StepKind } from '../../planner/plan';
import type { CloudApi, ResourceDriver } from '../cloud-api';
import { createAlibabaClients, type AlibabaClientOptions } from './alibaba-clients';
import { cenAttachmentDriver, cenDriver, cenRoutePublishDriver } from './cen-drivers';
import { createDriverContext } from './driver-kit';
import { ecsInstanceDriver, securityGroupDriver, securityGroupRuleDriver } from './ecs-drivers';
import { routeEntryDriver, vpcDriver, vswitchDriver } from './vpc-drivers';
import { customerGatewayDriver, ipsecConnectionDriver, vpnGatewayDriver } from './vpn-drivers';

export interface AlibabaCloudOptions extends AlibabaClientOptions {
  readonly sandbox: boolean;
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
    calls: ctx.count,
    async zones(region) {
      const r = await ctx.call('DescribeZones', () => ctx.clients.ecs(region).describeZones(new $Ecs.DescribeZonesRequest({ regionId: region })));
      return (r.body?.zones?.zone ?? []).map((z) => z.zoneId ?? '').filter((z) => z !== '');
    },
  };
}
