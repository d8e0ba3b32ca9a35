/** The CloudApi on Alibaba Cloud (or anything that speaks its API, such as the emulator). */
import * as $Ecs from '@alicloud/ecs20140526';
import * as $Vpc from '@alicloud/vpc20160428';
import { DEFAULT_PLANNER_OPTIONS } from '../../planner/desired-steps';
import type { CloudApi, DriverTable } from '../cloud-api';
import { createAlibabaClients, type AlibabaClientOptions } from './alibaba-clients';
import { cloudTarget } from './cloud-target';
import { cenAttachmentDriver, cenDriver, cenRoutePublishDriver } from './cen-drivers';
import { createCommandRunner } from './command-runner';
import { createDriverContext } from './driver-kit';
import { ecsInstanceDriver, securityGroupDriver, securityGroupRuleDriver } from './ecs-drivers';
import { securityGroupRulesDriver } from './security-group-rules-driver';
import {
  readCenEdition,
  trAdvertisementDriver,
  trAssociationDriver,
  transitRouterDriver,
  trPeerAttachmentDriver,
  trPropagationDriver,
  trVpcAttachmentDriver,
  trVpcRouteDriver,
} from './transit-router-drivers';
import { routeEntryDriver, vpcDriver, vswitchDriver } from './vpc-drivers';
import { customerGatewayDriver, ipsecConnectionDriver, vpnGatewayDriver } from './vpn-drivers';
import { ipsecPeerApi } from './vpn-peer';
import { preflightApi } from './preflight-calls';

export interface AlibabaCloudOptions extends AlibabaClientOptions {
  readonly sandbox: boolean;
}

export function createAlibabaCloud(options: AlibabaCloudOptions): CloudApi {
  const ctx = createDriverContext(createAlibabaClients(options), options.site);
  // Every kind must have its driver: the table's type names each one.
  const drivers: DriverTable = {
    vpc: vpcDriver(ctx),
    vswitch: vswitchDriver(ctx),
    'vpn-gateway': vpnGatewayDriver(ctx),
    'customer-gateway': customerGatewayDriver(ctx),
    'ipsec-connection': ipsecConnectionDriver(ctx),
    'route-entry': routeEntryDriver(ctx),
    cen: cenDriver(ctx),
    'cen-attachment': cenAttachmentDriver(ctx),
    'cen-route-publish': cenRoutePublishDriver(ctx),
    'transit-router': transitRouterDriver(ctx),
    'tr-vpc-attachment': trVpcAttachmentDriver(ctx),
    'tr-association': trAssociationDriver(ctx),
    'tr-propagation': trPropagationDriver(ctx),
    'tr-peer-attachment': trPeerAttachmentDriver(ctx),
    'tr-vpc-route': trVpcRouteDriver(ctx),
    'tr-advertisement': trAdvertisementDriver(ctx),
    'security-group': securityGroupDriver(ctx),
    'security-group-rule': securityGroupRuleDriver(ctx),
    'security-group-rules': securityGroupRulesDriver(ctx),
    'ecs-instance': ecsInstanceDriver(ctx),
  };
  return {
    sandbox: options.sandbox,
    target: cloudTarget(options),
    drivers,
    calls: ctx.count,
    commands: createCommandRunner(ctx),
    ipsec: ipsecPeerApi(ctx),
    preflight: preflightApi(ctx),
    async zones(region) {
      const r = await ctx.call('DescribeZones', () =>
        ctx.clients.ecs(region).describeZones(new $Ecs.DescribeZonesRequest({ regionId: region })),
      );
      return (r.body?.zones?.zone ?? []).map((z) => z.zoneId ?? '').filter((z) => z !== '');
    },
    async vpnGatewayZones(region) {
      const r = await ctx.call('DescribeVpnGatewayAvailableZones', () =>
        ctx.clients.vpc(region).describeVpnGatewayAvailableZones(
          new $Vpc.DescribeVpnGatewayAvailableZonesRequest({
            regionId: region,
            spec: `${DEFAULT_PLANNER_OPTIONS.vpnBandwidthMbps}M`,
          }),
        ),
      );
      return (r.body?.availableZoneIdList ?? []).map((z) => z.zoneId ?? '').filter((z) => z !== '');
    },
    cenEdition: (cenId) => readCenEdition(ctx, cenId),
  };
}
