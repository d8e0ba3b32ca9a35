import { hold } from '../../src/emulator/server/control-api';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server/start-emulator';
import { $Ecs, $Vpc, sdkClients, until } from '../helpers/alibaba-sdk';
import { send, startRecordingProxy } from '../helpers/recording-proxy';

let emu: RunningEmulator;
/** Set to stop the emulator's clock, so that "concurrent" means concurrent whatever the machine's speed. */
let frozenAt: number | undefined;
const freeze = () => {
  frozenAt = Date.now();
};
const thaw = () => {
  frozenAt = undefined;
};
beforeEach(async () => {
  frozenAt = undefined;
  emu = await startEmulator({ timeScale: 0.0005, now: () => frozenAt ?? Date.now() });
});
afterEach(() => emu.close());

const createVpc = (c: ReturnType<typeof sdkClients>, extra: Partial<$Vpc.CreateVpcRequest> = {}) =>
  c.vpc.createVpc(new $Vpc.CreateVpcRequest({ regionId: 'cn-hongkong', cidrBlock: '192.168.0.0/16', ...extra }));

async function errorOf(
  p: Promise<unknown>,
): Promise<{ code: string; statusCode: number; data: Record<string, unknown>; name: string }> {
  try {
    await p;
  } catch (e) {
    return e as never;
  }
  throw new Error('expected the call to fail');
}

describe('signature checks, as the real gateway', () => {
  it('accepts a correctly signed call and answers with the SDK model fields', async () => {
    const r = await createVpc(sdkClients(emu));
    expect(r.statusCode).toBe(200);
    expect(r.body!.vpcId).toMatch(/^vpc-[a-z0-9]+$/);
    expect(r.body!.routeTableId).toMatch(/^vtb-/);
    expect(r.body!.requestId).toMatch(/^[0-9A-F-]{36}$/);
  });

  it('refuses a wrong secret with SignatureDoesNotMatch, in the real error shape', async () => {
    const e = await errorOf(createVpc(sdkClients({ ...emu, accessKeySecret: 'wrong' })));
    expect(e).toMatchObject({ name: 'ClientError', code: 'SignatureDoesNotMatch', statusCode: 400 });
    expect(Object.keys(e.data).sort()).toEqual(['Code', 'HostId', 'Message', 'Recommend', 'RequestId']);
    expect(emu.world.vpcs.size).toBe(0);
  });

  it('refuses an unknown access key', async () => {
    expect(await errorOf(createVpc(sdkClients({ ...emu, accessKeyId: 'LTAInobody' })))).toMatchObject({
      code: 'InvalidAccessKeyId.NotFound',
      statusCode: 404,
    });
  });

  it('refuses a stale date (the gateway clock 16 minutes ahead of the client)', async () => {
    const ahead = await startEmulator({ timeScale: 0.0005, now: () => Date.now() + 16 * 60_000 });
    try {
      expect(await errorOf(createVpc(sdkClients(ahead)))).toMatchObject({
        code: 'InvalidTimeStamp.Expired',
        statusCode: 400,
      });
    } finally {
      await ahead.close();
    }
  });

  it('refuses a replayed request: its nonce was used', async () => {
    const proxy = await startRecordingProxy(emu.endpoint);
    try {
      await createVpc(sdkClients({ ...emu, endpoint: proxy.endpoint }));
      const replay = await send(emu.endpoint, proxy.recorded[0]!);
      expect(replay).toMatchObject({ status: 400, body: { Code: 'SignatureNonceUsed' } });
      expect(emu.world.vpcs.size).toBe(1);
      // A tampered query fails the signature, whatever the nonce.
      const tampered = { ...proxy.recorded[0]!, path: proxy.recorded[0]!.path.replace('192.168.0.0', '10.0.0.0') };
      expect((await send(emu.endpoint, tampered)).body.Code).toBe('SignatureDoesNotMatch');
    } finally {
      await proxy.close();
    }
  });

  it('answers unknown actions with InvalidApi.NotFound', async () => {
    const e = await errorOf(sdkClients(emu).cen('CreateTransitRouterMulticastDomain', {}));
    expect(e).toMatchObject({ code: 'InvalidApi.NotFound', statusCode: 404 });
  });
});

describe('ClientToken', () => {
  it('a replayed token with the same parameters returns the first result and creates nothing', async () => {
    const c = sdkClients(emu);
    const a = await createVpc(c, { clientToken: 'tok-1' });
    const b = await createVpc(c, { clientToken: 'tok-1' });
    expect(b.body!.vpcId).toBe(a.body!.vpcId);
    expect(emu.world.vpcs.size).toBe(1);
    expect(await errorOf(createVpc(c, { clientToken: 'tok-1', vpcName: 'other' }))).toMatchObject({
      code: 'IdempotentParameterMismatch',
    });
    await createVpc(c, { clientToken: 'tok-2' });
    expect(emu.world.vpcs.size).toBe(2);
  });
});

async function gatewayWithPeer(c: ReturnType<typeof sdkClients>) {
  const v = (await createVpc(c)).body!;
  await until(
    'vpc',
    async () =>
      (
        await c.vpc.describeVpcAttribute(
          new $Vpc.DescribeVpcAttributeRequest({ regionId: 'cn-hongkong', vpcId: v.vpcId }),
        )
      ).body!.status === 'Available',
  );
  const s = (
    await c.vpc.createVSwitch(
      new $Vpc.CreateVSwitchRequest({
        regionId: 'cn-hongkong',
        vpcId: v.vpcId,
        zoneId: 'cn-hongkong-b',
        cidrBlock: '192.168.0.0/24',
      }),
    )
  ).body!.vSwitchId!;
  // One change at a time per VPC (TaskConflict otherwise): the second once the first is Available.
  await until(
    'vsw',
    async () =>
      (await c.vpc.describeVSwitches(new $Vpc.DescribeVSwitchesRequest({ regionId: 'cn-hongkong', vSwitchId: s })))
        .body!.vSwitches!.vSwitch![0]!.status === 'Available',
  );
  // A dual-tunnel gateway's second vSwitch, in another zone.
  const s2 = (
    await c.vpc.createVSwitch(
      new $Vpc.CreateVSwitchRequest({
        regionId: 'cn-hongkong',
        vpcId: v.vpcId,
        zoneId: 'cn-hongkong-c',
        cidrBlock: '192.168.1.0/24',
      }),
    )
  ).body!.vSwitchId!;
  for (const id of [s, s2])
    await until(
      'vsw',
      async () =>
        (await c.vpc.describeVSwitches(new $Vpc.DescribeVSwitchesRequest({ regionId: 'cn-hongkong', vSwitchId: id })))
          .body!.vSwitches!.vSwitch![0]!.status === 'Available',
    );
  const g = (
    await c.vpc.createVpnGateway(
      new $Vpc.CreateVpnGatewayRequest({
        regionId: 'cn-hongkong',
        vpcId: v.vpcId,
        vSwitchId: s,
        disasterRecoveryVSwitchId: s2,
        bandwidth: 10,
        instanceChargeType: 'POSTPAY',
        autoPay: true,
      }),
    )
  ).body!.vpnGatewayId!;
  await until(
    'gw',
    async () =>
      (await c.vpc.describeVpnGateway(new $Vpc.DescribeVpnGatewayRequest({ regionId: 'cn-hongkong', vpnGatewayId: g })))
        .body!.status === 'active',
  );
  const cg = (
    await c.vpc.createCustomerGateway(
      new $Vpc.CreateCustomerGatewayRequest({ regionId: 'cn-hongkong', ipAddress: '203.0.113.9' }),
    )
  ).body!.customerGatewayId!;
  return { vpcId: v.vpcId!, routeTableId: v.routeTableId!, vswitchId: s, gatewayId: g, cgId: cg };
}

/** Both tunnels of a dual-tunnel connection to one customer gateway (an on-premises device). */
const twoTunnels = (
  cgId: string,
  ike: Partial<$Vpc.CreateVpnConnectionRequestTunnelOptionsSpecificationTunnelIkeConfig>,
) =>
  (['master', 'slave'] as const).map(
    (role) =>
      new $Vpc.CreateVpnConnectionRequestTunnelOptionsSpecification({
        role,
        customerGatewayId: cgId,
        tunnelIkeConfig: new $Vpc.CreateVpnConnectionRequestTunnelOptionsSpecificationTunnelIkeConfig(ike),
      }),
  );

describe('serialisation and dependency rules', () => {
  it('concurrent changes on one gateway: one goes through, the others get VpnGateway.Configuring', async () => {
    const c = sdkClients(emu);
    const { gatewayId, cgId } = await gatewayWithPeer(c);
    const conn = (remote: string) =>
      c.vpc.createVpnConnection(
        new $Vpc.CreateVpnConnectionRequest({
          regionId: 'cn-hongkong',
          vpnGatewayId: gatewayId,
          localSubnet: '192.168.0.0/16',
          remoteSubnet: remote,
          tunnelOptionsSpecification: twoTunnels(cgId, { ikeVersion: 'ikev1', psk: 'k' }),
        }),
      );
    freeze();
    const results = await Promise.allSettled([conn('10.0.0.0/8'), conn('11.0.0.0/8'), conn('12.0.0.0/8')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((x): x is PromiseRejectedResult => x.status === 'rejected'))
      expect(r.reason).toMatchObject({ code: 'VpnGateway.Configuring' });
    expect(
      (
        await c.vpc.describeVpnGateway(
          new $Vpc.DescribeVpnGatewayRequest({ regionId: 'cn-hongkong', vpnGatewayId: gatewayId }),
        )
      ).body!.status,
    ).toBe('updating');
  });

  it('IKEv1 refuses more than one CIDR per side (synthetic code); IKEv2 accepts them', async () => {
    const c = sdkClients(emu);
    const { gatewayId, cgId } = await gatewayWithPeer(c);
    const conn = (version: string) =>
      c.vpc.createVpnConnection(
        new $Vpc.CreateVpnConnectionRequest({
          regionId: 'cn-hongkong',
          vpnGatewayId: gatewayId,
          localSubnet: '192.168.0.0/16',
          remoteSubnet: '10.0.0.0/8,11.0.0.0/8',
          tunnelOptionsSpecification: twoTunnels(cgId, { ikeVersion: version }),
        }),
      );
    expect(await errorOf(conn('ikev1'))).toMatchObject({
      code: 'InvalidParameter.IkeV1MultipleCidrs',
      statusCode: 400,
    });
    expect((await conn('ikev2')).body!.vpnConnectionId).toMatch(/^vco-/);
  });

  it('route table changes one at a time (TaskConflict), and deletes refused while dependents exist', async () => {
    const c = sdkClients(emu);
    const { vpcId, routeTableId, gatewayId, vswitchId } = await gatewayWithPeer(c);
    const route = (dest: string) =>
      c.vpc.createRouteEntry(
        new $Vpc.CreateRouteEntryRequest({
          regionId: 'cn-hongkong',
          routeTableId,
          destinationCidrBlock: dest,
          nextHopType: 'VpnGateway',
          nextHopId: gatewayId,
        }),
      );
    freeze();
    const [a, b] = await Promise.allSettled([route('10.0.0.0/8'), route('11.0.0.0/8')]);
    expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
    expect(((a.status === 'rejected' ? a : b) as PromiseRejectedResult).reason).toMatchObject({ code: 'TaskConflict' });
    expect(await errorOf(c.vpc.deleteVpc(new $Vpc.DeleteVpcRequest({ regionId: 'cn-hongkong', vpcId })))).toMatchObject(
      { code: 'DependencyViolation.VSwitch' },
    );
    expect(
      await errorOf(
        c.vpc.deleteVpnGateway(new $Vpc.DeleteVpnGatewayRequest({ regionId: 'cn-hongkong', vpnGatewayId: gatewayId })),
      ),
    ).toMatchObject({ code: 'DependencyViolation.RouteEntry' });
    expect(
      await errorOf(
        c.vpc.deleteVSwitch(new $Vpc.DeleteVSwitchRequest({ regionId: 'cn-hongkong', vSwitchId: vswitchId })),
      ),
    ).toMatchObject({ code: 'DependencyViolation' });
  });

  it('one change at a time per CEN instance (Operation.Blocking), on a CEN held from before Enterprise Edition', async () => {
    const c = sdkClients(emu);
    const vpcs = [(await createVpc(c)).body!.vpcId!, (await createVpc(c, { cidrBlock: '10.0.0.0/8' })).body!.vpcId!];
    for (const id of vpcs)
      await until(
        'vpc',
        async () =>
          (
            await c.vpc.describeVpcAttribute(
              new $Vpc.DescribeVpcAttributeRequest({ regionId: 'cn-hongkong', vpcId: id }),
            )
          ).body!.status === 'Available',
      );
    const held = hold(emu.world, { resource: 'basic-cen', regions: ['cn-hongkong'] });
    if (!('id' in held)) throw new Error(held.error);
    const attach = (id: string) =>
      c.cen('AttachCenChildInstance', {
        CenId: held.id,
        ChildInstanceId: id,
        ChildInstanceType: 'VPC',
        ChildInstanceRegionId: 'cn-hongkong',
      });
    // Frozen: "concurrent" means concurrent, however slow the machine.
    freeze();
    const results = await Promise.allSettled(vpcs.map(attach));
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code: string }).code] : []))).toEqual([
      'Operation.Blocking',
    ]);
    expect(await errorOf(c.cen('DeleteCen', { CenId: held.id }))).toMatchObject({
      code: 'DependencyViolation.ChildInstance',
    });
  });

  it('one change at a time per transit router (Operation.Blocking), and only once its CEN and it are Active', async () => {
    const c = sdkClients(emu);
    freeze();
    const cenId = (await c.cen('CreateCen', { Name: 'x' })).CenId;
    expect(await errorOf(c.cen('CreateTransitRouter', { CenId: cenId, RegionId: 'cn-hongkong' }))).toMatchObject({
      code: 'IncorrectStatus.CenInstance',
    });
    thaw();
    await until(
      'cen',
      async () =>
        (await c.cen('DescribeCens', { Filter: [{ Key: 'CenId', Value: [cenId] }] })).Cens.Cen[0].Status === 'Active',
    );
    freeze();
    const router = (await c.cen('CreateTransitRouter', { CenId: cenId, RegionId: 'cn-hongkong' })).TransitRouterId;
    expect(await errorOf(c.cen('CreateTransitRouter', { CenId: cenId, RegionId: 'cn-hongkong' }))).toMatchObject({
      code: 'InstanceExist.TransitRouter',
    });
    const table = (await c.cen('ListTransitRouterRouteTables', { TransitRouterId: router })).TransitRouterRouteTables[0]
      .TransitRouterRouteTableId;
    const blackhole = (cidr: string) =>
      c.cen('CreateTransitRouterRouteEntry', {
        TransitRouterRouteTableId: table,
        TransitRouterRouteEntryDestinationCidrBlock: cidr,
        TransitRouterRouteEntryNextHopType: 'BlackHole',
      });
    expect(await errorOf(blackhole('198.18.0.0/16'))).toMatchObject({ code: 'IncorrectStatus.Status' });
    thaw();
    await until(
      'router',
      async () =>
        (await c.cen('ListTransitRouters', { TransitRouterId: router })).TransitRouters[0].Status === 'Active',
    );
    freeze();
    const results = await Promise.allSettled(['198.18.0.0/16', '198.19.0.0/16'].map(blackhole));
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok')).sort()).toEqual([
      'Operation.Blocking',
      'ok',
    ]);
    expect(await errorOf(c.cen('DeleteCen', { CenId: cenId }))).toMatchObject({
      code: 'DependencyViolation.TransitRouter',
    });
    // A dry run checks and changes nothing.
    thaw();
    expect(
      await errorOf(c.cen('CreateTransitRouter', { CenId: cenId, RegionId: 'us-west-1', DryRun: true })),
    ).toMatchObject({ code: 'DryRunOperation' });
    expect((await c.cen('ListTransitRouters', { CenId: cenId })).TotalCount).toBe(1);
  });
});

describe('describe calls: filters, tags and paging', () => {
  it('pages with PageNumber/PageSize and filters by tag', async () => {
    const c = sdkClients(emu);
    for (let i = 0; i < 12; i++)
      await createVpc(c, { tag: [new $Vpc.CreateVpcRequestTag({ key: 'vpnbot:topology', value: i % 2 ? 'a' : 'b' })] });
    const p1 = await c.vpc.describeVpcs(
      new $Vpc.DescribeVpcsRequest({ regionId: 'cn-hongkong', pageSize: 5, pageNumber: 1 }),
    );
    const p3 = await c.vpc.describeVpcs(
      new $Vpc.DescribeVpcsRequest({ regionId: 'cn-hongkong', pageSize: 5, pageNumber: 3 }),
    );
    expect([p1.body!.totalCount, p1.body!.vpcs!.vpc!.length, p3.body!.vpcs!.vpc!.length]).toEqual([12, 5, 2]);
    const tagged = await c.vpc.describeVpcs(
      new $Vpc.DescribeVpcsRequest({
        regionId: 'cn-hongkong',
        pageSize: 50,
        tag: [new $Vpc.DescribeVpcsRequestTag({ key: 'vpnbot:topology', value: 'a' })],
      }),
    );
    expect(tagged.body!.vpcs!.vpc!.length).toBe(6);
    expect(tagged.body!.vpcs!.vpc![0]!.tags!.tag![0]).toMatchObject({ key: 'vpnbot:topology', value: 'a' });
    expect((await c.vpc.describeVpcs(new $Vpc.DescribeVpcsRequest({ regionId: 'us-west-1' }))).body!.totalCount).toBe(
      0,
    );
  });

  it('ECS pages with MaxResults/NextToken and Cloud Assistant runs only ping', async () => {
    const c = sdkClients(emu);
    const { vpcId, vswitchId } = await gatewayWithPeer(c);
    const sg = (
      await c.ecs.createSecurityGroup(new $Ecs.CreateSecurityGroupRequest({ regionId: 'cn-hongkong', vpcId }))
    ).body!.securityGroupId!;
    const run = await c.ecs.runInstances(
      new $Ecs.RunInstancesRequest({
        regionId: 'cn-hongkong',
        vSwitchId: vswitchId,
        securityGroupId: sg,
        instanceType: 'ecs.t6-c1m1.large',
        imageFamily: 'acs:alibaba_cloud_linux_3_2104_lts_x64',
        amount: 3,
      }),
    );
    expect(run.body!.instanceIdSets!.instanceIdSet).toHaveLength(3);
    const first = await c.ecs.describeInstances(
      new $Ecs.DescribeInstancesRequest({ regionId: 'cn-hongkong', maxResults: 2 }),
    );
    expect(first.body!.instances!.instance).toHaveLength(2);
    const second = await c.ecs.describeInstances(
      new $Ecs.DescribeInstancesRequest({ regionId: 'cn-hongkong', maxResults: 2, nextToken: first.body!.nextToken }),
    );
    expect(second.body!.instances!.instance).toHaveLength(1);
    expect(second.body!.nextToken).toBe('');
    const id = run.body!.instanceIdSets!.instanceIdSet![0]!;
    await until(
      'agent',
      async () =>
        (
          await c.ecs.describeCloudAssistantStatus(
            new $Ecs.DescribeCloudAssistantStatusRequest({ regionId: 'cn-hongkong', instanceId: [id] }),
          )
        ).body!.instanceCloudAssistantStatusSet!.instanceCloudAssistantStatus![0]!.cloudAssistantStatus === 'true',
    );
    const cmd = await c.ecs.runCommand(
      new $Ecs.RunCommandRequest({
        regionId: 'cn-hongkong',
        type: 'RunShellScript',
        contentEncoding: 'Base64',
        commandContent: Buffer.from('uname -a').toString('base64'),
        instanceId: [id],
      }),
    );
    const result = await until('done', async () => {
      const r = (
        await c.ecs.describeInvocationResults(
          new $Ecs.DescribeInvocationResultsRequest({
            regionId: 'cn-hongkong',
            invokeId: cmd.body!.invokeId,
            contentEncoding: 'PlainText',
          }),
        )
      ).body!.invocation!.invocationResults!.invocationResult![0]!;
      return r.invocationStatus === 'Failed' ? r : undefined;
    });
    expect(result).toMatchObject({
      exitCode: 127,
      output: 'bash: line 1: uname: command not found\n',
      errorCode: 'ExitCodeNonzero',
    });
  });
});
