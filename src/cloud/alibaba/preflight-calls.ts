/**
 * The preflight's questions, each one SDK call: the caller's identity (STS), the account's billing
 * currency (BSS), transit-router zones, instance stock, dry runs of creates, and the VPN gateways a
 * region holds. Errors are mapped like every driver call's (ctx.call): a withheld permission comes
 * back as `Forbidden.RAM`.
 */
import * as $Ecs from '@alicloud/ecs20140526';
import * as $Vpc from '@alicloud/vpc20160428';
import { PROBE_SYSTEM_DISK, type DryRunCreate, type PreflightApi } from '../cloud-api';
import { CloudError } from '../cloud-error';
import type { DriverContext } from './driver-kit';

/** UNVERIFIED: Quota Center's action code for VPN gateways per region (the quota page gives the figure, 30). */
export const VPN_GATEWAY_QUOTA_CODE = 'vpc_quota_vpn_gateway_num';

/** What a dry run that would have succeeded answers (alibaba-api.md §4.3; ECS DeleteInstances says it otherwise). */
const DRY_RUN_PASSED = new Set(['DryRunOperation', 'DRYRUN.SUCCESS']);

export function preflightApi(ctx: DriverContext): PreflightApi {
  /** Runs a dry run: the cloud's DryRunOperation refusal means it would succeed; any answer without an error too. */
  const dry = async (action: string, fn: () => Promise<unknown>): Promise<CloudError | undefined> => {
    try {
      await ctx.call(action, fn);
      // UNVERIFIED: some CEN models say a passed dry run "returns the request ID": no error, nothing made.
      return undefined;
    } catch (e) {
      if (e instanceof CloudError && DRY_RUN_PASSED.has(e.cloudCode)) return undefined;
      if (e instanceof CloudError) return e;
      throw e;
    }
  };
  return {
    async callerIdentity() {
      const r = await ctx.call('GetCallerIdentity', () => ctx.clients.sts('GetCallerIdentity', {}));
      return {
        accountId: String(r.AccountId ?? ''),
        arn: String(r.Arn ?? ''),
        identityType: String(r.IdentityType ?? ''),
      };
    },
    async billingCurrency() {
      const r = await ctx.call('QueryAccountBalance', () => ctx.clients.bss('QueryAccountBalance', {}));
      return String(r.Data?.Currency ?? '');
    },
    async transitRouterZones(region) {
      const r = await ctx.call('ListTransitRouterAvailableResource', () =>
        ctx.clients.cen('ListTransitRouterAvailableResource', { RegionId: region }),
      );
      const zones = (r.AvailableZones ?? []) as unknown[];
      return zones.filter((z): z is string => typeof z === 'string');
    },
    async instanceStock(region, zoneId, diskCategory) {
      const r = await ctx.call('DescribeAvailableResource', () =>
        ctx.clients.ecs(region).describeAvailableResource(
          new $Ecs.DescribeAvailableResourceRequest({
            regionId: region,
            destinationResource: 'InstanceType',
            zoneId,
            systemDiskCategory: diskCategory,
            instanceChargeType: ctx.billing.ecsInstance.chargeType,
            ioOptimized: 'optimized',
          }),
        ),
      );
      const out = new Map<string, boolean>();
      for (const zone of r.body?.availableZones?.availableZone ?? []) {
        if (zone.zoneId !== zoneId) continue;
        for (const res of zone.availableResources?.availableResource ?? [])
          for (const t of res.supportedResources?.supportedResource ?? [])
            if (t.value) out.set(t.value, t.status === 'Available');
      }
      return out;
    },
    dryRun(region, create: DryRunCreate) {
      switch (create.action) {
        case 'CreateVpc':
          return dry('CreateVpc', () =>
            ctx.clients
              .vpc(region)
              .createVpc(new $Vpc.CreateVpcRequest({ regionId: region, cidrBlock: create.cidrBlock, dryRun: true })),
          );
        case 'RunInstances':
          // UNVERIFIED: that a RunInstances dry run without a vSwitch checks type, disk and stock
          // in the zone named (the vSwitch does not exist before the apply).
          return dry('RunInstances', () =>
            ctx.clients.ecs(region).runInstances(
              new $Ecs.RunInstancesRequest({
                regionId: region,
                zoneId: create.zoneId,
                instanceType: create.instanceType,
                imageFamily: create.imageFamily,
                systemDisk: new $Ecs.RunInstancesRequestSystemDisk({
                  category: create.diskCategory,
                  size: String(PROBE_SYSTEM_DISK.sizeGiB),
                }),
                instanceChargeType: ctx.billing.ecsInstance.chargeType,
                amount: 1,
                dryRun: true,
              }),
            ),
          );
      }
    },
    async vpnGatewayQuota(region) {
      const r = await ctx.call('GetProductQuota', () =>
        ctx.clients.quotas('GetProductQuota', {
          ProductCode: 'vpc',
          QuotaActionCode: VPN_GATEWAY_QUOTA_CODE,
          Dimensions: [{ Key: 'regionId', Value: region }],
        }),
      );
      return { quota: Number(r.Quota?.TotalQuota ?? 0), used: Number(r.Quota?.TotalUsage ?? 0) };
    },
    site: ctx.site,
  };
}
