/**
 * The emulated account as a first real apply meets it, through the official SDK clients: dry runs
 * answer DryRunOperation (400) and make nothing, withheld actions are refused with Forbidden.RAM
 * (403) dry run or not, stock-outs per zone, the VPN gateway quota, and the site's charge type;
 * each steered through the control API over HTTP.
 */
import { startEmulator, type RunningEmulator } from '../../src/emulator/server/start-emulator';
import { $Ecs, $Vpc, sdkClients } from '../helpers/alibaba-sdk';
import { createAlibabaClients } from '../../src/cloud/alibaba/alibaba-clients';

let emu: RunningEmulator;
beforeEach(async () => {
  emu = await startEmulator({ timeScale: 0.0005 });
});
afterEach(() => emu.close());

const control = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`${emu.endpoint}/__emulator/${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return { status: r.status, body: (await r.json()) as any };
};
const vpcDryRun = () =>
  sdkClients(emu).vpc.createVpc(
    new $Vpc.CreateVpcRequest({ regionId: 'cn-hongkong', cidrBlock: '10.0.0.0/8', dryRun: true }),
  );
const runDry = (zoneId: string, instanceType = 'ecs.t6-c1m1.large') =>
  sdkClients(emu).ecs.runInstances(
    new $Ecs.RunInstancesRequest({
      regionId: 'cn-hongkong',
      zoneId,
      instanceType,
      imageFamily: 'acs:alibaba_cloud_linux_3_2104_lts_x64',
      systemDisk: new $Ecs.RunInstancesRequestSystemDisk({ category: 'cloud_essd' }),
      dryRun: true,
    }),
  );

describe('the emulated account', () => {
  it('a dry run that would succeed answers DryRunOperation with 400 and makes nothing', async () => {
    await expect(vpcDryRun()).rejects.toMatchObject({ code: 'DryRunOperation', statusCode: 400 });
    await expect(runDry('cn-hongkong-b')).rejects.toMatchObject({ code: 'DryRunOperation', statusCode: 400 });
    expect(emu.inventory().counts.vpc).toBe(0);
    // A dry run checks what the real call would: a bad CIDR is refused as such.
    await expect(
      sdkClients(emu).vpc.createVpc(
        new $Vpc.CreateVpcRequest({ regionId: 'cn-hongkong', cidrBlock: '10.0.0.0/33', dryRun: true }),
      ),
    ).rejects.toMatchObject({ code: 'InvalidCidrBlock.Malformed' });
  });

  it('a withheld action is refused with Forbidden.RAM (403), dry run or not, until granted', async () => {
    expect((await control('POST', 'permissions', { withhold: ['CreateVpc'] })).body.withheld).toEqual(['CreateVpc']);
    await expect(vpcDryRun()).rejects.toMatchObject({ code: 'Forbidden.RAM', statusCode: 403 });
    await expect(
      sdkClients(emu).vpc.createVpc(new $Vpc.CreateVpcRequest({ regionId: 'cn-hongkong', cidrBlock: '10.0.0.0/8' })),
    ).rejects.toMatchObject({ code: 'Forbidden.RAM' });
    await control('POST', 'permissions', { grant: ['CreateVpc'] });
    await expect(vpcDryRun()).rejects.toMatchObject({ code: 'DryRunOperation' });
    expect((await control('POST', 'permissions', { withhold: 'CreateVpc' })).status).toBe(400);
  });

  it('stock runs out per zone and type: DescribeAvailableResource says SoldOut, RunInstances NoStock (403)', async () => {
    await control('POST', 'stock', { zoneId: 'cn-hongkong-b', instanceType: 'ecs.t6-c1m1.large', soldOut: true });
    const r = await sdkClients(emu).ecs.describeAvailableResource(
      new $Ecs.DescribeAvailableResourceRequest({
        regionId: 'cn-hongkong',
        destinationResource: 'InstanceType',
        zoneId: 'cn-hongkong-b',
        systemDiskCategory: 'cloud_essd',
      }),
    );
    const types =
      r.body!.availableZones!.availableZone![0]!.availableResources!.availableResource![0]!.supportedResources!
        .supportedResource!;
    expect(Object.fromEntries(types.map((t) => [t.value, t.status]))).toEqual({
      'ecs.t6-c1m1.large': 'SoldOut',
      'ecs.g7.large': 'Available',
    });
    await expect(runDry('cn-hongkong-b')).rejects.toMatchObject({ code: 'OperationDenied.NoStock', statusCode: 403 });
    await expect(runDry('cn-hongkong-c')).rejects.toMatchObject({ code: 'DryRunOperation' });
    await expect(runDry('cn-hongkong-b', 'ecs.g7.large')).rejects.toMatchObject({ code: 'DryRunOperation' });
    await expect(runDry('cn-hongkong-b', 'ecs.x9.huge')).rejects.toMatchObject({
      code: 'InvalidInstanceType.NotSupported',
    });
  });

  it('a closed zone leaves both zone lists; the quota and the site refuse a VPN gateway; identity, site and quota read back', async () => {
    const clients = createAlibabaClients({
      endpoint: emu.endpoint,
      credentials: { accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret },
    });
    await control('POST', 'account', { closeZones: ['cn-hongkong-b'], vpnGatewayQuota: 0, site: 'china' });
    const zones = await clients
      .vpc('cn-hongkong')
      .describeVpnGatewayAvailableZones(
        new $Vpc.DescribeVpnGatewayAvailableZonesRequest({ regionId: 'cn-hongkong', spec: '10M' }),
      );
    expect(zones.body!.availableZoneIdList!.map((z) => z.zoneId)).not.toContain('cn-hongkong-b');
    expect(
      (await clients.cen('ListTransitRouterAvailableResource', { RegionId: 'cn-hongkong' })).AvailableZones,
    ).toEqual(['cn-hongkong-c', 'cn-hongkong-d']);
    expect((await clients.bss('QueryAccountBalance', {})).Data.Currency).toBe('CNY');
    expect((await clients.sts('GetCallerIdentity', {})).IdentityType).toBe('RAMUser');
    const quota = await clients.quotas('GetProductQuota', {
      ProductCode: 'vpc',
      QuotaActionCode: 'vpc_quota_vpn_gateway_num',
      Dimensions: [{ Key: 'regionId', Value: 'cn-hongkong' }],
    });
    expect(quota.Quota).toMatchObject({ TotalQuota: 0, TotalUsage: 0 });
    const vpc = await clients
      .vpc('cn-hongkong')
      .createVpc(new $Vpc.CreateVpcRequest({ regionId: 'cn-hongkong', cidrBlock: '10.0.0.0/8' }));
    const gateway = (chargeType: string) =>
      clients.vpc('cn-hongkong').createVpnGateway(
        new $Vpc.CreateVpnGatewayRequest({
          regionId: 'cn-hongkong',
          vpcId: vpc.body!.vpcId,
          bandwidth: 10,
          instanceChargeType: chargeType,
          period: 1,
        }),
      );
    await expect(gateway('POSTPAY')).rejects.toMatchObject({ code: 'InvalidInstanceChargeType.NotSupported' });
    await expect(gateway('PREPAY')).rejects.toMatchObject({ code: 'QuotaExceeded.VpnGateway' });
    expect((await control('GET', 'account')).body).toMatchObject({
      site: 'china',
      vpnGatewayQuota: 0,
      closedZones: ['cn-hongkong-b'],
    });
    await control('POST', 'reset');
    expect((await control('GET', 'account')).body).toMatchObject({
      site: 'international',
      vpnGatewayQuota: 30,
      closedZones: [],
    });
  });
});
