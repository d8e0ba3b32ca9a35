import { hold } from '../../src/emulator/server/control-api';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server/start-emulator';
import { $Ecs, $Vpc, sdkClients, until } from '../helpers/alibaba-sdk';
import {
  buildLegacyWalkthrough,
  buildWalkthrough,
  cloudPing,
  SITES,
  summarizePing,
  type SiteName,
  type TransitPiece,
} from '../helpers/walkthrough';

/** The walkthrough's measured matrix: avg RTT (ms) and TTL of replies. */
const MEASURED: Record<string, { rtt: number; ttl: number }> = {
  'hongkong>japan': { rtt: 53.4, ttl: 62 },
  'hongkong>us': { rtt: 158.1, ttl: 62 },
  'japan>hongkong': { rtt: 53.9, ttl: 62 },
  'japan>us': { rtt: 104.7, ttl: 64 },
  'us>hongkong': { rtt: 146.8, ttl: 62 },
  'us>japan': { rtt: 115.9, ttl: 64 },
};

let emu: RunningEmulator;
beforeEach(async () => {
  emu = await startEmulator({ timeScale: 0.0005 });
});
afterEach(() => emu.close());

describe('the walkthrough, call by call through the official SDKs', () => {
  it('ends with the walkthrough ping matrix: RTT within 10 %, TTL 62 through the tunnel and 64 over CEN', async () => {
    const c = sdkClients(emu);
    const built = await buildWalkthrough(c);
    for (const key of Object.keys(MEASURED)) {
      const [from, to] = key.split('>') as [SiteName, SiteName];
      const r = await cloudPing(
        c,
        { region: SITES[from].region, instanceId: built.instance[from].id },
        built.instance[to].ip,
      );
      const s = summarizePing(r.output);
      expect({ key, exit: r.exitCode, loss: s.loss, ttl: s.ttl }).toEqual({
        key,
        exit: 0,
        loss: 0,
        ttl: MEASURED[key]!.ttl,
      });
      expect(Math.abs(s.avg - MEASURED[key]!.rtt) / MEASURED[key]!.rtt).toBeLessThan(0.1);
      expect(r.output).toMatch(
        new RegExp(
          `^PING ${built.instance[to].ip.replace(/\./g, '\\.')} \\(${built.instance[to].ip.replace(/\./g, '\\.')}\\) 56\\(84\\) bytes of data\\.\\n(64 bytes from .*: icmp_seq=\\d ttl=\\d+ time=[\\d.]+ ms\\n){6}\\n--- .* ping statistics ---\\n6 packets transmitted, 6 received, 0% packet loss, time 50\\d\\dms\\nrtt min/avg/max/mdev = [\\d.]+/[\\d.]+/[\\d.]+/[\\d.]+ ms\\n$`,
        ),
      );
    }
    // The spoke routes the hub's and the DC's CIDRs to its transit-router attachment.
    const back = await c.vpc.describeRouteEntryList(
      new $Vpc.DescribeRouteEntryListRequest({
        regionId: 'us-west-1',
        routeTableId: built.vpc.us.routeTableId,
        routeEntryType: 'Custom',
        maxResult: 100,
      }),
    );
    expect(
      back.body!.routeEntrys!.routeEntry!.map((e) => [e.destinationCidrBlock, e.nextHops!.nextHop![0]!.nextHopType]),
    ).toEqual([
      ['172.16.0.0/12', 'Attachment'],
      ['192.168.0.0/16', 'Attachment'],
    ]);
    // The Tokyo transit router learned the DC's CIDR from the hub's advertisement; Silicon Valley, over the connection.
    const t = built.transit!;
    const routes = async (table: string) =>
      (await c.cen('ListTransitRouterRouteEntries', { TransitRouterRouteTableId: table, MaxResults: 100 }))
        .TransitRouterRouteEntries as Record<string, unknown>[];
    expect(await routes(t.routeTable.japan)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          TransitRouterRouteEntryDestinationCidrBlock: '192.168.0.0/16',
          TransitRouterRouteEntryType: 'Propagated',
          TransitRouterRouteEntryNextHopId: t.attachment.japan,
          TransitRouterRouteEntryOriginResourceId: built.vpc.japan.id,
        }),
        expect.objectContaining({
          TransitRouterRouteEntryDestinationCidrBlock: '10.0.0.0/24',
          TransitRouterRouteEntryNextHopId: t.peerAttachment,
          TransitRouterRouteEntryNextHopResourceType: 'TR',
        }),
      ]),
    );
    expect(
      (await routes(t.routeTable.us))
        .filter((r) => r.TransitRouterRouteEntryNextHopId === t.peerAttachment)
        .map((r) => r.TransitRouterRouteEntryDestinationCidrBlock)
        .sort(),
    ).toEqual(['172.16.0.0/24', '172.16.1.0/24', '192.168.0.0/16']);
    const conn = await c.vpc.describeVpnConnection(
      new $Vpc.DescribeVpnConnectionRequest({
        regionId: 'cn-hongkong',
        vpnConnectionId: built.connections['ikev1test-hongkong-to-us'],
      }),
    );
    expect(conn.body).toMatchObject({
      status: 'ipsec_sa_established',
      state: 'active',
      localSubnet: '192.168.0.0/16',
      remoteSubnet: '10.0.0.0/8',
    });
  });

  it("each missing piece of today's CEN leaves exactly the pairs that need it unreachable", async () => {
    const c = sdkClients(emu);
    const all = Object.keys(MEASURED);
    const overTransit = all.filter((k) => k.includes('us'));
    const expected: Record<TransitPiece, string[]> = {
      association: overTransit,
      propagation: overTransit,
      'peer-attachment': overTransit,
      advertisement: ['hongkong>us', 'us>hongkong'],
    };
    for (const [without, unreachable] of Object.entries(expected) as [TransitPiece, string[]][]) {
      emu.world.reset();
      const built = await buildWalkthrough(c, { without });
      const failing: string[] = [];
      for (const key of all) {
        const [from, to] = key.split('>') as [SiteName, SiteName];
        const r = await cloudPing(
          c,
          { region: SITES[from].region, instanceId: built.instance[from].id },
          built.instance[to].ip,
          3,
        );
        if (r.exitCode !== 0) failing.push(key);
        else expect({ without, key, loss: summarizePing(r.output).loss }).toEqual({ without, key, loss: 0 });
      }
      expect({ without, failing }).toEqual({ without, failing: unreachable });
    }
  });

  it('on the test bandwidth, 5 pings a second across the inter-region connection lose packets; 1 a second of 16 bytes, or allocated bandwidth, do not', async () => {
    const c = sdkClients(emu);
    const run = async (built: Awaited<ReturnType<typeof buildWalkthrough>>, options: string) => {
      const r = await c.ecs.runCommand(
        new $Ecs.RunCommandRequest({
          regionId: SITES.japan.region,
          type: 'RunShellScript',
          commandContent: `ping -n -c 5 ${options} -W 2 ${built.instance.us.ip}`,
          instanceId: [built.instance.japan.id],
          timeout: 60,
        }),
      );
      const out = await until('ping done', async () => {
        const x = (
          await c.ecs.describeInvocationResults(
            new $Ecs.DescribeInvocationResultsRequest({ regionId: SITES.japan.region, invokeId: r.body!.invokeId }),
          )
        ).body!.invocation!.invocationResults!.invocationResult![0]!;
        return ['Success', 'Failed'].includes(x.invocationStatus!)
          ? Buffer.from(x.output!, 'base64').toString()
          : undefined;
      });
      return summarizePing(out).loss;
    };
    const test = await buildWalkthrough(c);
    expect(await run(test, '-i 0.2')).toBe(80);
    expect(await run(test, '-i 1 -s 16')).toBe(0);
    emu.world.reset();
    const allocated = await buildWalkthrough(c, { bandwidth: { type: 'DataTransfer', mbps: 10 } });
    expect(await run(allocated, '-i 0.2')).toBe(0);
  });

  it('without the advertisement, Hong Kong and the US cannot reach each other while Hong Kong and Japan can', async () => {
    const c = sdkClients(emu);
    const built = await buildWalkthrough(c, { publish: false });
    const ping = (from: SiteName, to: SiteName) =>
      cloudPing(c, { region: SITES[from].region, instanceId: built.instance[from].id }, built.instance[to].ip, 3);
    const hkUs = await ping('hongkong', 'us');
    expect(hkUs).toMatchObject({ exitCode: 1, status: 'Failed' });
    expect(hkUs.output).toContain('3 packets transmitted, 0 received, 100% packet loss');
    expect((await ping('us', 'hongkong')).exitCode).toBe(1);
    expect(summarizePing((await ping('hongkong', 'japan')).output)).toMatchObject({ loss: 0, ttl: 62 });
    expect(summarizePing((await ping('japan', 'us')).output)).toMatchObject({ loss: 0, ttl: 64 });
  });

  it('a connection created with AutoConfigRoute=false carries nothing until the gateway has a route for it; a policy-based route makes it pass', async () => {
    const c = sdkClients(emu);
    const built = await buildWalkthrough(c, { noAutoRoute: true });
    const hk = { region: SITES.hongkong.region, instanceId: built.instance.hongkong.id };
    const conn = built.connections['ikev1test-hongkong-to-japan']!;
    const before = await cloudPing(c, hk, built.instance.japan.ip, 3);
    expect(before.exitCode).toBe(1);
    expect(summarizePing(before.output).loss).toBe(100);
    // Hong Kong -> US goes through its own connection, whose routes came with it.
    expect((await cloudPing(c, hk, built.instance.us.ip, 3)).exitCode).toBe(0);
    const routes = (
      await c.vpc.describeVpnPbrRouteEntries(
        new $Vpc.DescribeVpnPbrRouteEntriesRequest({ regionId: 'cn-hongkong', vpnGatewayId: built.gateway.hongkong }),
      )
    ).body!;
    expect(routes.vpnPbrRouteEntries!.vpnPbrRouteEntry!.map((r) => [r.routeSource, r.routeDest])).toEqual([
      ['192.168.0.0/16', '10.0.0.0/8'],
    ]);

    await c.vpc.createVpnPbrRouteEntry(
      new $Vpc.CreateVpnPbrRouteEntryRequest({
        regionId: 'cn-hongkong',
        vpnGatewayId: built.gateway.hongkong,
        routeSource: '192.168.0.0/16',
        routeDest: '172.16.0.0/12',
        nextHop: conn,
        weight: 100,
        publishVpc: false,
      }),
    );
    await until('the route in service', async () =>
      (
        await c.vpc.describeVpnPbrRouteEntries(
          new $Vpc.DescribeVpnPbrRouteEntriesRequest({ regionId: 'cn-hongkong', vpnGatewayId: built.gateway.hongkong }),
        )
      ).body!.vpnPbrRouteEntries!.vpnPbrRouteEntry!.every((r) => r.state === 'normal'),
    );
    await until(
      'the gateway settled',
      async () =>
        (
          await c.vpc.describeVpnGateway(
            new $Vpc.DescribeVpnGatewayRequest({ regionId: 'cn-hongkong', vpnGatewayId: built.gateway.hongkong }),
          )
        ).body!.status === 'active',
    );
    const after = await cloudPing(c, hk, built.instance.japan.ip, 3);
    expect(summarizePing(after.output)).toMatchObject({ loss: 0, ttl: 62 });
    // The route names the connection: the connection cannot go before it.
    await expect(
      c.vpc.deleteVpnConnection(
        new $Vpc.DeleteVpnConnectionRequest({ regionId: 'cn-hongkong', vpnConnectionId: conn }),
      ),
    ).rejects.toMatchObject({ code: 'DependencyViolation.VpnRouteEntry' });
    await c.vpc.deleteVpnPbrRouteEntry(
      new $Vpc.DeleteVpnPbrRouteEntryRequest({
        regionId: 'cn-hongkong',
        vpnGatewayId: built.gateway.hongkong,
        routeSource: '192.168.0.0/16',
        routeDest: '172.16.0.0/12',
        nextHop: conn,
        weight: 100,
      }),
    );
    await until(
      'the route gone',
      async () =>
        (
          await c.vpc.describeVpnPbrRouteEntries(
            new $Vpc.DescribeVpnPbrRouteEntriesRequest({
              regionId: 'cn-hongkong',
              vpnGatewayId: built.gateway.hongkong,
            }),
          )
        ).body!.vpnPbrRouteEntries!.vpnPbrRouteEntry!.length === 1,
    );
    expect((await cloudPing(c, hk, built.instance.japan.ip, 3)).exitCode).toBe(1);
  });

  it('a pre-shared key mismatch leaves the tunnel down, and the IKE log says why', async () => {
    const c = sdkClients(emu);
    const built = await buildWalkthrough(c, { japanPsk: 'not-the-same' });
    const id = built.connections['ikev1test-hongkong-to-japan'];
    const conn = await c.vpc.describeVpnConnection(
      new $Vpc.DescribeVpnConnectionRequest({ regionId: 'cn-hongkong', vpnConnectionId: id }),
    );
    expect(conn.body!.status).toBe('ike_sa_not_established');
    const logs = await c.vpc.describeVpnConnectionLogs(
      new $Vpc.DescribeVpnConnectionLogsRequest({ regionId: 'cn-hongkong', vpnConnectionId: id, minutePeriod: 10 }),
    );
    expect(logs.body!.data!.logs!.join('\n')).toContain('pre-shared key mismatch');
    const r = await cloudPing(
      c,
      { region: 'cn-hongkong', instanceId: built.instance.hongkong.id },
      built.instance.japan.ip,
      2,
    );
    expect(r.exitCode).toBe(1);
  });
});

describe('IPsec negotiation needs the mirrored connection on the peer', () => {
  it('the Hong Kong side stays down until the Japan side exists, then negotiates (single-tunnel gateways)', async () => {
    const c = sdkClients(emu);
    emu.setTunnelModes({ 'cn-hongkong': 'single', 'ap-northeast-1': 'single' });
    const mk = async (region: string, cidr: string, vsw: string, zone: string) => {
      const v = (await c.vpc.createVpc(new $Vpc.CreateVpcRequest({ regionId: region, cidrBlock: cidr }))).body!;
      await until(
        'vpc',
        async () =>
          (await c.vpc.describeVpcAttribute(new $Vpc.DescribeVpcAttributeRequest({ regionId: region, vpcId: v.vpcId })))
            .body!.status === 'Available',
      );
      const s = (
        await c.vpc.createVSwitch(
          new $Vpc.CreateVSwitchRequest({ regionId: region, vpcId: v.vpcId, zoneId: zone, cidrBlock: vsw }),
        )
      ).body!.vSwitchId!;
      await until(
        'vsw',
        async () =>
          (await c.vpc.describeVSwitches(new $Vpc.DescribeVSwitchesRequest({ regionId: region, vSwitchId: s }))).body!
            .vSwitches!.vSwitch![0]!.status === 'Available',
      );
      const g = (
        await c.vpc.createVpnGateway(
          new $Vpc.CreateVpnGatewayRequest({
            regionId: region,
            vpcId: v.vpcId,
            vSwitchId: s,
            bandwidth: 10,
            instanceChargeType: 'POSTPAY',
            autoPay: true,
          }),
        )
      ).body!.vpnGatewayId!;
      const ip = await until('gw', async () => {
        const b = (
          await c.vpc.describeVpnGateway(new $Vpc.DescribeVpnGatewayRequest({ regionId: region, vpnGatewayId: g }))
        ).body!;
        return b.status === 'active' ? b.internetIp : undefined;
      });
      return { g, ip: ip! };
    };
    const hk = await mk('cn-hongkong', '192.168.0.0/16', '192.168.0.0/24', 'cn-hongkong-b');
    const jp = await mk('ap-northeast-1', '172.16.0.0/12', '172.16.0.0/24', 'ap-northeast-1a');
    const hkCg = (
      await c.vpc.createCustomerGateway(
        new $Vpc.CreateCustomerGatewayRequest({ regionId: 'cn-hongkong', ipAddress: jp.ip }),
      )
    ).body!.customerGatewayId!;
    const jpCg = (
      await c.vpc.createCustomerGateway(
        new $Vpc.CreateCustomerGatewayRequest({ regionId: 'ap-northeast-1', ipAddress: hk.ip }),
      )
    ).body!.customerGatewayId!;
    const ike = JSON.stringify({ Psk: 'k', IkeVersion: 'ikev1' });
    const hkConn = (
      await c.vpc.createVpnConnection(
        new $Vpc.CreateVpnConnectionRequest({
          regionId: 'cn-hongkong',
          vpnGatewayId: hk.g,
          customerGatewayId: hkCg,
          localSubnet: '192.168.0.0/16',
          remoteSubnet: '172.16.0.0/12',
          effectImmediately: true,
          ikeConfig: ike,
        }),
      )
    ).body!.vpnConnectionId!;
    const status = async (region: string, id: string) =>
      (
        await c.vpc.describeVpnConnection(
          new $Vpc.DescribeVpnConnectionRequest({ regionId: region, vpnConnectionId: id }),
        )
      ).body!;
    await until('hk connection configured', async () => (await status('cn-hongkong', hkConn)).state === 'active');
    await new Promise((r) => setTimeout(r, 20));
    expect((await status('cn-hongkong', hkConn)).status).toBe('ike_sa_not_established');

    // A connection on the peer with the wrong networks: phase 1 passes, phase 2 does not.
    const wrong = (
      await c.vpc.createVpnConnection(
        new $Vpc.CreateVpnConnectionRequest({
          regionId: 'ap-northeast-1',
          vpnGatewayId: jp.g,
          customerGatewayId: jpCg,
          localSubnet: '172.16.0.0/16',
          remoteSubnet: '192.168.0.0/16',
          effectImmediately: true,
          ikeConfig: ike,
        }),
      )
    ).body!.vpnConnectionId!;
    await until('wrong configured', async () => (await status('ap-northeast-1', wrong)).state === 'active');
    await until(
      'jp gw active',
      async () =>
        (
          await c.vpc.describeVpnGateway(
            new $Vpc.DescribeVpnGatewayRequest({ regionId: 'ap-northeast-1', vpnGatewayId: jp.g }),
          )
        ).body!.status === 'active',
    );
    expect((await status('cn-hongkong', hkConn)).status).toBe('ipsec_sa_not_established');

    const right = (
      await c.vpc.createVpnConnection(
        new $Vpc.CreateVpnConnectionRequest({
          regionId: 'ap-northeast-1',
          vpnGatewayId: jp.g,
          customerGatewayId: jpCg,
          localSubnet: '172.16.0.0/12',
          remoteSubnet: '192.168.0.0/16',
          effectImmediately: true,
          ikeConfig: ike,
        }),
      )
    ).body!.vpnConnectionId!;
    await until('negotiated', async () => (await status('cn-hongkong', hkConn)).status === 'ipsec_sa_established');
    expect((await status('ap-northeast-1', right)).status).toBe('ipsec_sa_established');
  });
});

describe('ModifyVpnConnectionAttribute', () => {
  it('rotates the pre-shared key of a single-tunnel connection in place: one side changed, the tunnel is down with a key mismatch; both, it is up again', async () => {
    const c = sdkClients(emu);
    const built = await buildLegacyWalkthrough(emu, c, { tunnelOnly: true });
    const hk = built.connections['ikev1test-hongkong-to-japan']!;
    const jp = built.connections['ikev1test-japan-to-hongkong']!;
    const status = async (region: string, id: string) =>
      (
        await c.vpc.describeVpnConnection(
          new $Vpc.DescribeVpnConnectionRequest({ regionId: region, vpnConnectionId: id }),
        )
      ).body!;
    const gatewayActive = (region: string, gw: string) =>
      until(
        `${gw} active`,
        async () =>
          (await c.vpc.describeVpnGateway(new $Vpc.DescribeVpnGatewayRequest({ regionId: region, vpnGatewayId: gw })))
            .body!.status === 'active',
      );
    await c.vpc.modifyVpnConnectionAttribute(
      new $Vpc.ModifyVpnConnectionAttributeRequest({
        regionId: 'cn-hongkong',
        vpnConnectionId: hk,
        ikeConfig: JSON.stringify({ Psk: 'rotated-key-2026' }),
      }),
    );
    await gatewayActive('cn-hongkong', built.gateway.hongkong);
    const down = await until('the mismatch', async () => {
      const logs = (
        await c.vpc.describeVpnConnectionLogs(
          new $Vpc.DescribeVpnConnectionLogsRequest({ regionId: 'cn-hongkong', vpnConnectionId: hk }),
        )
      ).body!.data!.logs!.join('\n');
      return logs.includes('pre-shared key mismatch') ? logs : undefined;
    });
    expect(down).toContain('authentication failed');
    expect((await status('cn-hongkong', hk)).status).toBe('ike_sa_not_established');
    await c.vpc.modifyVpnConnectionAttribute(
      new $Vpc.ModifyVpnConnectionAttributeRequest({
        regionId: 'ap-northeast-1',
        vpnConnectionId: jp,
        ikeConfig: JSON.stringify({ Psk: 'rotated-key-2026' }),
      }),
    );
    await gatewayActive('ap-northeast-1', built.gateway.japan);
    await until('the tunnel up again', async () => (await status('cn-hongkong', hk)).status === 'ipsec_sa_established');
    expect((await status('cn-hongkong', hk)).ikeConfig!.psk).toBe('rotated-key-2026');
  });
});

describe('the actions a script adds around the walkthrough', () => {
  it('a stopped instance answers no ping and its agent is offline; started again, it answers', async () => {
    const c = sdkClients(emu);
    const built = await buildWalkthrough(c);
    const us = { regionId: SITES.us.region, instanceId: built.instance.us.id };
    const statusOf = async () =>
      (
        await c.ecs.describeInstances(
          new $Ecs.DescribeInstancesRequest({ regionId: us.regionId, instanceIds: JSON.stringify([us.instanceId]) }),
        )
      ).body!.instances!.instance![0]!;
    await c.ecs.stopInstance(new $Ecs.StopInstanceRequest({ instanceId: us.instanceId }));
    await until('stopped', async () => (await statusOf()).status === 'Stopped');
    expect((await statusOf()).stoppedMode).toBe('KeepCharging');
    const down = summarizePing(
      (
        await cloudPing(
          c,
          { region: SITES.hongkong.region, instanceId: built.instance.hongkong.id },
          built.instance.us.ip,
          3,
        )
      ).output,
    );
    expect(down.loss).toBe(100);
    const agent = await c.ecs.describeCloudAssistantStatus(
      new $Ecs.DescribeCloudAssistantStatusRequest({ regionId: us.regionId, instanceId: [us.instanceId] }),
    );
    expect(agent.body!.instanceCloudAssistantStatusSet!.instanceCloudAssistantStatus![0]!.cloudAssistantStatus).toBe(
      'false',
    );
    await expect(
      c.ecs.startInstance(new $Ecs.StartInstanceRequest({ instanceId: built.instance.japan.id })),
    ).rejects.toMatchObject({ code: 'IncorrectInstanceStatus' });

    await c.ecs.startInstance(new $Ecs.StartInstanceRequest({ instanceId: us.instanceId }));
    await until('running', async () => (await statusOf()).status === 'Running');
    const up = summarizePing(
      (
        await cloudPing(
          c,
          { region: SITES.hongkong.region, instanceId: built.instance.hongkong.id },
          built.instance.us.ip,
          3,
        )
      ).output,
    );
    expect(up).toMatchObject({ loss: 0, ttl: 62 });
  });

  it('a CEN bought before Enterprise Edition (held): attached and published as in 2019, the walkthrough matrix as measured then', async () => {
    const c = sdkClients(emu);
    const held = hold(emu.world, { resource: 'basic-cen', regions: [SITES.japan.region, SITES.us.region] });
    if (!('id' in held)) throw new Error(held.error);
    const built = await buildWalkthrough(c, { basicCen: held.id });
    expect(built.transit).toBeUndefined();
    expect(
      (await c.cen('ListTransitRouters', { CenId: held.id })).TransitRouters.map((r: { Type: string }) => r.Type),
    ).toEqual(['Basic', 'Basic']);
    for (const key of Object.keys(MEASURED)) {
      const [from, to] = key.split('>') as [SiteName, SiteName];
      const s = summarizePing(
        (await cloudPing(c, { region: SITES[from].region, instanceId: built.instance[from].id }, built.instance[to].ip))
          .output,
      );
      expect({ key, loss: s.loss, ttl: s.ttl }).toEqual({ key, loss: 0, ttl: MEASURED[key]!.ttl });
    }
    // A CEN created today has no Basic transit router to attach to.
    const today = (await c.cen('CreateCen', { Name: 'today' })).CenId;
    await expect(
      c.cen('AttachCenChildInstance', {
        CenId: today,
        ChildInstanceId: built.vpc.hongkong.id,
        ChildInstanceType: 'VPC',
        ChildInstanceRegionId: SITES.hongkong.region,
      }),
    ).rejects.toMatchObject({ code: 'InvalidOperation.BasicEditionNotAvailable' });
  });

  it('CEN route reads show the published route reaching the other region, and leaving it after the withdrawal', async () => {
    const c = sdkClients(emu);
    const held = hold(emu.world, { resource: 'basic-cen', regions: [SITES.japan.region] });
    if (!('id' in held)) throw new Error(held.error);
    const built = await buildWalkthrough(c, { basicCen: held.id });
    const usDomain = async () =>
      (
        await c.cen('DescribeCenRegionDomainRouteEntries', {
          CenId: built.cenId,
          CenRegionId: SITES.us.region,
          PageSize: 50,
        })
      ).CenRouteEntries.CenRouteEntry as Record<string, unknown>[];
    expect(await usDomain()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          DestinationCidrBlock: '192.168.0.0/16',
          Type: 'CEN',
          NextHopInstanceId: built.vpc.japan.id,
          NextHopRegionId: SITES.japan.region,
        }),
        expect.objectContaining({
          DestinationCidrBlock: '10.0.0.0/8',
          Type: 'System',
          NextHopInstanceId: built.vpc.us.id,
        }),
      ]),
    );
    const usChild = {
      CenId: built.cenId,
      ChildInstanceId: built.vpc.us.id,
      ChildInstanceType: 'VPC',
      ChildInstanceRegionId: SITES.us.region,
      PageSize: 50,
    };
    const learned = (await c.cen('DescribeCenChildInstanceRouteEntries', usChild)).CenRouteEntries
      .CenRouteEntry as Record<string, unknown>[];
    expect(
      learned
        .filter((r) => r.Type === 'CEN')
        .map((r) => r.DestinationCidrBlock)
        .sort(),
    ).toEqual(['172.16.0.0/12', '192.168.0.0/16']);

    const published = {
      CenId: built.cenId,
      ChildInstanceId: built.vpc.japan.id,
      ChildInstanceType: 'VPC',
      ChildInstanceRegionId: SITES.japan.region,
      ChildInstanceRouteTableId: built.vpc.japan.routeTableId,
      DestinationCidrBlock: '192.168.0.0/16',
    };
    await c.cen('WithdrawPublishedRouteEntries', published);
    await until('withdrawn', async () => !(await usDomain()).some((r) => r.DestinationCidrBlock === '192.168.0.0/16'));
    await expect(
      c.cen('DescribeCenChildInstanceRouteEntries', {
        ...usChild,
        ChildInstanceId: built.vpc.hongkong.id,
        ChildInstanceRegionId: SITES.hongkong.region,
      }),
    ).rejects.toMatchObject({ code: 'ParameterInstanceId' });
  });

  it('tags across the three products: listed by key alone, removed by key or all at once; disks found by instance', async () => {
    const c = sdkClients(emu);
    const built = await buildWalkthrough(c);
    const hk = built.instance.hongkong.id;
    await c.ecs.tagResources(
      new $Ecs.TagResourcesRequest({
        regionId: SITES.hongkong.region,
        resourceType: 'instance',
        resourceId: [hk],
        tag: [
          new $Ecs.TagResourcesRequestTag({ key: 'team', value: 'net' }),
          new $Ecs.TagResourcesRequestTag({ key: 'tier', value: 'edge' }),
        ],
      }),
    );
    const byKey = await c.ecs.listTagResources(
      new $Ecs.ListTagResourcesRequest({
        regionId: SITES.hongkong.region,
        resourceType: 'instance',
        tag: [new $Ecs.ListTagResourcesRequestTag({ key: 'team' })],
      }),
    );
    expect(byKey.body!.tagResources!.tagResource).toEqual([
      expect.objectContaining({ resourceId: hk, tagKey: 'team', tagValue: 'net' }),
    ]);
    await c.ecs.untagResources(
      new $Ecs.UntagResourcesRequest({
        regionId: SITES.hongkong.region,
        resourceType: 'instance',
        resourceId: [hk],
        all: true,
      }),
    );
    const after = await c.ecs.listTagResources(
      new $Ecs.ListTagResourcesRequest({ regionId: SITES.hongkong.region, resourceType: 'instance', resourceId: [hk] }),
    );
    expect(after.body!.tagResources!.tagResource).toEqual([]);

    await c.cen('TagResources', {
      ResourceType: 'cen',
      ResourceId: [built.cenId],
      Tag: [{ Key: 'owner', Value: 'vpnbot' }],
    });
    expect(
      (await c.cen('ListTagResources', { ResourceType: 'cen', Tag: [{ Key: 'owner' }] })).TagResources.TagResource,
    ).toEqual([{ ResourceId: built.cenId, ResourceType: 'cen', TagKey: 'owner', TagValue: 'vpnbot' }]);
    await c.cen('UntagResources', { ResourceType: 'cen', ResourceId: [built.cenId], TagKey: ['owner'] });
    expect(
      (await c.cen('ListTagResources', { ResourceType: 'cen', ResourceId: [built.cenId] })).TagResources.TagResource,
    ).toEqual([]);
    await c.vpc.unTagResources(
      new $Vpc.UnTagResourcesRequest({
        regionId: SITES.hongkong.region,
        resourceType: 'VPC',
        resourceId: [built.vpc.hongkong.id],
        all: true,
      }),
    );

    const disks = (
      await c.ecs.describeDisks(new $Ecs.DescribeDisksRequest({ regionId: SITES.hongkong.region, instanceId: hk }))
    ).body!.disks!.disk!;
    expect(disks).toEqual([
      expect.objectContaining({
        instanceId: hk,
        type: 'system',
        status: 'In_use',
        category: 'cloud_essd',
        size: 40,
        deleteWithInstance: true,
      }),
    ]);
    expect(
      (
        await c.ecs.describeDisks(
          new $Ecs.DescribeDisksRequest({ regionId: SITES.hongkong.region, instanceId: hk, diskType: 'data' }),
        )
      ).body!.disks!.disk,
    ).toEqual([]);
  });
});
