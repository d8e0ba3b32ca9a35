/**
 * Today's IPsec-VPN (shared/reference/alibaba-today.md §1), through the official SDK clients: the
 * seed's regions sell dual-tunnel gateways only, which take two vSwitches, get two addresses and
 * take two-tunnel connections; each tunnel negotiates on its own, traffic goes over the master and
 * fails over to the slave. A gateway bought before the upgrade stays single-tunnel.
 */
import { breakThing } from '../../src/emulator/server/control-api';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server/start-emulator';
import { $Vpc, sdkClients, until } from '../helpers/alibaba-sdk';
import { activeGateway, gatewayRequest, REGIONS, vpcWithVswitches, type Clients } from '../helpers/vpn-sdk';
import { buildLegacyWalkthrough, buildWalkthrough, cloudPing, SITES, summarizePing } from '../helpers/walkthrough';

let emu: RunningEmulator;
beforeEach(async () => {
  emu = await startEmulator({ timeScale: 0.0005 });
});
afterEach(() => emu.close());

const connection = async (c: Clients, region: string, id: string) =>
  (await c.vpc.describeVpnConnection(new $Vpc.DescribeVpnConnectionRequest({ regionId: region, vpnConnectionId: id })))
    .body!;
const tunnelStatus = async (c: Clients, region: string, id: string) =>
  Object.fromEntries(
    (await connection(c, region, id)).tunnelOptionsSpecification!.tunnelOptions!.map((t) => [t.role!, t.status!]),
  );

describe('dual-tunnel VPN gateways', () => {
  it('in the three seed regions: refused without a second vSwitch in another zone; made with two vSwitches and two addresses', async () => {
    const c = sdkClients(emu);
    for (const { region, zones, cidr } of REGIONS) {
      const { vpcId, vswitches } = await vpcWithVswitches(c, region, cidr, [zones[0], zones[0], zones[1]]);
      const [first, sameZone, otherZone] = vswitches as [string, string, string];
      await expect(c.vpc.createVpnGateway(gatewayRequest(region, vpcId, { vSwitchId: first }))).rejects.toMatchObject({
        code: 'MissingDisasterRecoveryVSwitchId',
        message: expect.stringContaining(`VPN gateways in ${region} are dual-tunnel`),
      });
      await expect(c.vpc.createVpnGateway(gatewayRequest(region, vpcId, {}))).rejects.toMatchObject({
        code: 'MissingVSwitchId',
      });
      await expect(
        c.vpc.createVpnGateway(
          gatewayRequest(region, vpcId, { vSwitchId: first, disasterRecoveryVSwitchId: sameZone }),
        ),
      ).rejects.toMatchObject({ code: 'InvalidDisasterRecoveryVSwitchId.SameZone' });
      const id = (
        await c.vpc.createVpnGateway(
          gatewayRequest(region, vpcId, { vSwitchId: first, disasterRecoveryVSwitchId: otherZone }),
        )
      ).body!.vpnGatewayId!;
      const g = await activeGateway(c, region, id);
      expect(g).toMatchObject({ vSwitchId: first, disasterRecoveryVSwitchId: otherZone, businessStatus: 'Normal' });
      expect(g.internetIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(g.disasterRecoveryInternetIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(g.disasterRecoveryInternetIp).not.toBe(g.internetIp);
    }
  });

  it('DescribeVpnGatewayAvailableZones (a GET) lists the zones a gateway may use', async () => {
    const c = sdkClients(emu);
    const r = await c.vpc.describeVpnGatewayAvailableZones(
      new $Vpc.DescribeVpnGatewayAvailableZonesRequest({ regionId: 'cn-hongkong', spec: '10M' }),
    );
    expect(r.body!.regionId).toBe('cn-hongkong');
    expect(r.body!.availableZoneIdList!.map((z) => z.zoneId)).toEqual([
      'cn-hongkong-b',
      'cn-hongkong-c',
      'cn-hongkong-d',
    ]);
    expect(r.body!.availableZoneIdList![0]!.zoneName).toBe('China (Hong Kong) Zone B');
    await expect(
      c.vpc.describeVpnGatewayAvailableZones(
        new $Vpc.DescribeVpnGatewayAvailableZonesRequest({ regionId: 'us-west-1', spec: '7M' }),
      ),
    ).rejects.toMatchObject({ code: 'InvalidSpec' });
  });

  it('a region marked single-tunnel (a gateway bought before the upgrade) makes a gateway with one address, for good', async () => {
    const c = sdkClients(emu);
    emu.setTunnelModes({ 'ap-northeast-1': 'single' });
    const { vpcId, vswitches } = await vpcWithVswitches(c, 'ap-northeast-1', '172.16.0.0/12', ['ap-northeast-1a']);
    const id = (await c.vpc.createVpnGateway(gatewayRequest('ap-northeast-1', vpcId, { vSwitchId: vswitches[0] })))
      .body!.vpnGatewayId!;
    emu.setTunnelModes({ 'ap-northeast-1': null });
    const g = await activeGateway(c, 'ap-northeast-1', id);
    expect(g.internetIp).toBeDefined();
    expect(g.disasterRecoveryInternetIp).toBeUndefined();
    expect(g.disasterRecoveryVSwitchId).toBeUndefined();
    expect(() => emu.setTunnelModes({ 'mars-north-1': 'single' })).toThrow('no such region');
  });
});

describe('dual-tunnel IPsec connections', () => {
  it('the single-tunnel form is refused on a dual-tunnel gateway in every seed region; a legacy gateway refuses the dual form', async () => {
    const c = sdkClients(emu);
    const built = await buildWalkthrough(c, { tunnelOnly: true });
    const singleForm = (region: string, gateway: string, cg: string) =>
      c.vpc.createVpnConnection(
        new $Vpc.CreateVpnConnectionRequest({
          regionId: region,
          vpnGatewayId: gateway,
          customerGatewayId: cg,
          localSubnet: '192.168.0.0/16',
          remoteSubnet: '10.0.0.0/8',
          ikeConfig: JSON.stringify({ Psk: 'k', IkeVersion: 'ikev1' }),
        }),
      );
    await expect(
      singleForm(SITES.hongkong.region, built.gateway.hongkong, built.customerGateway.hongkong),
    ).rejects.toMatchObject({
      code: 'VpnConnection.InvalidCreateTunnelOptions',
      message: expect.stringContaining('takes dual-tunnel IPsec connections only'),
    });
    await expect(
      singleForm(SITES.japan.region, built.gateway.japan, built.customerGateway.japan),
    ).rejects.toMatchObject({ code: 'VpnConnection.InvalidCreateTunnelOptions' });
    // Silicon Valley: a gateway of its own, and a customer gateway for Hong Kong's first address.
    const us = await vpcWithVswitches(c, 'us-west-1', '10.0.0.0/8', ['us-west-1a', 'us-west-1b']);
    const usGw = (
      await c.vpc.createVpnGateway(
        gatewayRequest('us-west-1', us.vpcId, {
          vSwitchId: us.vswitches[0],
          disasterRecoveryVSwitchId: us.vswitches[1],
        }),
      )
    ).body!.vpnGatewayId!;
    await activeGateway(c, 'us-west-1', usGw);
    const usCg = (
      await c.vpc.createCustomerGateway(
        new $Vpc.CreateCustomerGatewayRequest({ regionId: 'us-west-1', ipAddress: built.ips.hongkong[0] }),
      )
    ).body!.customerGatewayId!;
    await expect(singleForm('us-west-1', usGw, usCg)).rejects.toMatchObject({
      code: 'VpnConnection.InvalidCreateTunnelOptions',
    });
    // One tunnel is not enough (the number required is unverified: the emulator asks for a master and a slave).
    await expect(
      c.vpc.createVpnConnection(
        new $Vpc.CreateVpnConnectionRequest({
          regionId: 'us-west-1',
          vpnGatewayId: usGw,
          localSubnet: '10.0.0.0/8',
          remoteSubnet: '192.168.0.0/16',
          tunnelOptionsSpecification: [
            new $Vpc.CreateVpnConnectionRequestTunnelOptionsSpecification({ role: 'master', customerGatewayId: usCg }),
          ],
        }),
      ),
    ).rejects.toMatchObject({
      code: 'VpnConnection.InvalidCreateTunnelOptions',
      message: expect.stringContaining('master'),
    });

    // A legacy gateway takes the single-tunnel form, and refuses the dual one.
    const legacy = await buildLegacyWalkthrough(emu, c, { tunnelOnly: true });
    const legacyConn = await connection(c, SITES.hongkong.region, legacy.connections['ikev1test-hongkong-to-japan']!);
    expect(legacyConn).toMatchObject({ customerGatewayId: legacy.customerGateway.hongkong, state: 'active' });
    expect(legacyConn.tunnelOptionsSpecification).toBeUndefined();
    await expect(
      c.vpc.createVpnConnection(
        new $Vpc.CreateVpnConnectionRequest({
          regionId: SITES.hongkong.region,
          vpnGatewayId: legacy.gateway.hongkong,
          localSubnet: '192.168.0.0/16',
          remoteSubnet: '10.0.0.0/8',
          tunnelOptionsSpecification: (['master', 'slave'] as const).map(
            (role) =>
              new $Vpc.CreateVpnConnectionRequestTunnelOptionsSpecification({
                role,
                customerGatewayId: legacy.customerGateway.hongkong,
              }),
          ),
        }),
      ),
    ).rejects.toMatchObject({
      code: 'VpnConnection.InvalidCreateTunnelOptions',
      message: expect.stringContaining('single-tunnel gateway'),
    });
  });

  it('each tunnel negotiates on its own: both up; a slave key mismatch leaves the master up and says why, per tunnel', async () => {
    const c = sdkClients(emu);
    const built = await buildWalkthrough(c, { tunnelOnly: true });
    const hk = built.connections['ikev1test-hongkong-to-japan']!;
    const jp = built.connections['ikev1test-japan-to-hongkong']!;
    // Phase 2 takes a moment after both sides are configured (3 s, scaled): wait for it, then look.
    await until('both tunnels negotiated', async () => {
      const t = await tunnelStatus(c, SITES.hongkong.region, hk);
      return t.master !== 'ike_sa_established' && t.slave !== 'ike_sa_established';
    });
    expect(await tunnelStatus(c, SITES.hongkong.region, hk)).toEqual({
      master: 'ipsec_sa_established',
      slave: 'ipsec_sa_established',
    });
    const described = await connection(c, SITES.hongkong.region, hk);
    const [master, slave] = described.tunnelOptionsSpecification!.tunnelOptions!;
    // Each tunnel on its own address, facing the peer's matching address.
    expect(master).toMatchObject({
      role: 'master',
      internetIp: built.ips.hongkong[0],
      customerGatewayId: built.customerGateway.hongkong,
      zoneNo: SITES.hongkong.zone,
      state: 'active',
      tunnelIndex: 1,
    });
    expect(slave).toMatchObject({
      role: 'slave',
      internetIp: built.ips.hongkong[1],
      customerGatewayId: built.customerGateway2!.hongkong,
      zoneNo: 'cn-hongkong-c',
    });
    expect(master!.tunnelIkeConfig).toMatchObject({ psk: 'test1234', ikeVersion: 'ikev1', ikeLifetime: '86400' });
    expect(described.customerGatewayId).toBeUndefined();
    expect(described.ikeConfig).toBeUndefined();

    // Rotate the slave's key on the Hong Kong side only.
    await c.vpc.modifyVpnConnectionAttribute(
      new $Vpc.ModifyVpnConnectionAttributeRequest({
        regionId: SITES.hongkong.region,
        vpnConnectionId: hk,
        tunnelOptionsSpecification: [
          new $Vpc.ModifyVpnConnectionAttributeRequestTunnelOptionsSpecification({
            tunnelId: slave!.tunnelId,
            tunnelIkeConfig: new $Vpc.ModifyVpnConnectionAttributeRequestTunnelOptionsSpecificationTunnelIkeConfig({
              psk: 'rotated-slave-key',
            }),
          }),
        ],
      }),
    );
    // Only the slave renegotiates: the master carries on through the change (keys rotate one tunnel at a time).
    expect(await tunnelStatus(c, SITES.hongkong.region, hk)).toEqual({
      master: 'ipsec_sa_established',
      slave: 'ike_sa_not_established',
    });
    await activeGateway(c, SITES.hongkong.region, built.gateway.hongkong);
    expect(await tunnelStatus(c, SITES.hongkong.region, hk)).toEqual({
      master: 'ipsec_sa_established',
      slave: 'ike_sa_not_established',
    });
    const logs = (
      await c.vpc.describeVpnConnectionLogs(
        new $Vpc.DescribeVpnConnectionLogsRequest({ regionId: SITES.hongkong.region, vpnConnectionId: hk }),
      )
    ).body!.data!.logs!.join('\n');
    expect(logs).toContain(
      `tunnel slave ${slave!.tunnelId}: IKE phase 1: authentication failed (pre-shared key mismatch)`,
    );
    expect(logs).toContain(`tunnel master ${master!.tunnelId}: IPsec SA established`);
    // The connection carries traffic over its master: its own status says established.
    expect((await connection(c, SITES.hongkong.region, hk)).status).toBe('ipsec_sa_established');

    // The same key on the Japan side's slave: both up.
    const jpSlave = (await connection(c, SITES.japan.region, jp)).tunnelOptionsSpecification!.tunnelOptions!.find(
      (t) => t.role === 'slave',
    )!;
    const modified = await c.vpc.modifyVpnConnectionAttribute(
      new $Vpc.ModifyVpnConnectionAttributeRequest({
        regionId: SITES.japan.region,
        vpnConnectionId: jp,
        tunnelOptionsSpecification: [
          new $Vpc.ModifyVpnConnectionAttributeRequestTunnelOptionsSpecification({
            tunnelId: jpSlave.tunnelId,
            tunnelIkeConfig: new $Vpc.ModifyVpnConnectionAttributeRequestTunnelOptionsSpecificationTunnelIkeConfig({
              psk: 'rotated-slave-key',
            }),
          }),
        ],
      }),
    );
    expect(modified.body!.tunnelOptionsSpecification!.tunnelOptions!.find((t) => t.role === 'slave')).toMatchObject({
      enableDpd: true,
      tunnelIkeConfig: expect.objectContaining({ psk: 'rotated-slave-key', ikeLifetime: 86400 }),
    });
    await until(
      'both up',
      async () => (await tunnelStatus(c, SITES.hongkong.region, hk)).slave === 'ipsec_sa_established',
    );
    // The single-tunnel form stays refused on a change too.
    await expect(
      c.vpc.modifyVpnConnectionAttribute(
        new $Vpc.ModifyVpnConnectionAttributeRequest({
          regionId: SITES.japan.region,
          vpnConnectionId: jp,
          ikeConfig: JSON.stringify({ Psk: 'x' }),
        }),
      ),
    ).rejects.toMatchObject({ code: 'VpnConnection.InvalidCreateTunnelOptions' });
  });

  it('IKEv1 main mode: one key per pair of addresses; a later connection between them with another key stays down, on both sides', async () => {
    const c = sdkClients(emu);
    const built = await buildWalkthrough(c, { tunnelOnly: true });
    // A second mirrored pair between the same two gateways (the DC's block to the spoke's), with a
    // key of its own: both of its sides agree on it, and still neither comes up.
    const add = async (side: 'hongkong' | 'japan', local: string, remote: string, psk: string) => {
      const id = (
        await c.vpc.createVpnConnection(
          new $Vpc.CreateVpnConnectionRequest({
            regionId: SITES[side].region,
            vpnGatewayId: built.gateway[side],
            localSubnet: local,
            remoteSubnet: remote,
            effectImmediately: true,
            tunnelOptionsSpecification: (['master', 'slave'] as const).map(
              (role) =>
                new $Vpc.CreateVpnConnectionRequestTunnelOptionsSpecification({
                  role,
                  customerGatewayId: role === 'master' ? built.customerGateway[side] : built.customerGateway2![side],
                  tunnelIkeConfig: new $Vpc.CreateVpnConnectionRequestTunnelOptionsSpecificationTunnelIkeConfig({
                    psk,
                    ikeVersion: 'ikev1',
                  }),
                }),
            ),
          }),
        )
      ).body!.vpnConnectionId!;
      await activeGateway(c, SITES[side].region, built.gateway[side]);
      return id;
    };
    const hk = await add('hongkong', '192.168.0.0/16', '10.0.0.0/8', 'a-key-of-its-own');
    const jp = await add('japan', '10.0.0.0/8', '192.168.0.0/16', 'a-key-of-its-own');
    await until('configured', async () => (await connection(c, SITES.hongkong.region, hk)).state === 'active');
    expect(await tunnelStatus(c, SITES.hongkong.region, hk)).toEqual({
      master: 'ike_sa_not_established',
      slave: 'ike_sa_not_established',
    });
    expect(await tunnelStatus(c, SITES.japan.region, jp)).toEqual({
      master: 'ike_sa_not_established',
      slave: 'ike_sa_not_established',
    });
    // The first pair is unaffected.
    expect(await tunnelStatus(c, SITES.hongkong.region, built.connections['ikev1test-hongkong-to-japan']!)).toEqual({
      master: 'ipsec_sa_established',
      slave: 'ipsec_sa_established',
    });
    const logs = (
      await c.vpc.describeVpnConnectionLogs(
        new $Vpc.DescribeVpnConnectionLogsRequest({ regionId: SITES.hongkong.region, vpnConnectionId: hk }),
      )
    ).body!.data!.logs!.join('\n');
    expect(logs).toContain(
      `IKE phase 1: authentication failed (pre-shared key mismatch): IKEv1 main mode looks the key up by the peer's address, and ${built.connections['ikev1test-hongkong-to-japan']} between ${built.ips.hongkong[0]} and ${built.ips.japan[0]} holds another`,
    );
    // The pair's key on both: up.
    for (const [side, id] of [
      ['hongkong', hk],
      ['japan', jp],
    ] as const) {
      const tunnels = (await connection(c, SITES[side].region, id)).tunnelOptionsSpecification!.tunnelOptions!;
      await c.vpc.modifyVpnConnectionAttribute(
        new $Vpc.ModifyVpnConnectionAttributeRequest({
          regionId: SITES[side].region,
          vpnConnectionId: id,
          tunnelOptionsSpecification: tunnels.map(
            (t) =>
              new $Vpc.ModifyVpnConnectionAttributeRequestTunnelOptionsSpecification({
                tunnelId: t.tunnelId,
                tunnelIkeConfig: new $Vpc.ModifyVpnConnectionAttributeRequestTunnelOptionsSpecificationTunnelIkeConfig({
                  psk: 'test1234',
                }),
              }),
          ),
        }),
      );
      await activeGateway(c, SITES[side].region, built.gateway[side]);
    }
    await until('both up', async () =>
      Object.values(await tunnelStatus(c, SITES.hongkong.region, hk)).every((x) => x === 'ipsec_sa_established'),
    );
  });

  it("a tunnel's customer gateway must be the peer's matching address: masters crossed with slaves do not negotiate", async () => {
    const c = sdkClients(emu);
    const built = await buildWalkthrough(c, { tunnelOnly: true });
    const jp = built.connections['ikev1test-japan-to-hongkong']!;
    const tunnels = (await connection(c, SITES.japan.region, jp)).tunnelOptionsSpecification!.tunnelOptions!;
    // Japan's master now points at Hong Kong's second address, its slave at the first.
    await c.vpc.modifyVpnConnectionAttribute(
      new $Vpc.ModifyVpnConnectionAttributeRequest({
        regionId: SITES.japan.region,
        vpnConnectionId: jp,
        tunnelOptionsSpecification: tunnels.map(
          (t) =>
            new $Vpc.ModifyVpnConnectionAttributeRequestTunnelOptionsSpecification({
              tunnelId: t.tunnelId,
              customerGatewayId: t.role === 'master' ? built.customerGateway2!.japan : built.customerGateway.japan,
            }),
        ),
      }),
    );
    await activeGateway(c, SITES.japan.region, built.gateway.japan);
    await until('configured', async () => (await connection(c, SITES.japan.region, jp)).state === 'active');
    expect(await tunnelStatus(c, SITES.japan.region, jp)).toEqual({
      master: 'ike_sa_not_established',
      slave: 'ike_sa_not_established',
    });
    const logs = (
      await c.vpc.describeVpnConnectionLogs(
        new $Vpc.DescribeVpnConnectionLogsRequest({ regionId: SITES.japan.region, vpnConnectionId: jp }),
      )
    ).body!.data!.logs!.join('\n');
    expect(logs).toContain(`has no IPsec connection for ${built.ips.japan[0]}`);
  });

  it('DownloadVpnConnectionConfig gives the peer side of each tunnel', async () => {
    const c = sdkClients(emu);
    const built = await buildWalkthrough(c, { tunnelOnly: true });
    const r = await c.vpc.downloadVpnConnectionConfig(
      new $Vpc.DownloadVpnConnectionConfigRequest({
        regionId: SITES.hongkong.region,
        vpnConnectionId: built.connections['ikev1test-hongkong-to-japan'],
      }),
    );
    const config = r.body!.vpnConnectionConfig!;
    expect(config).toMatchObject({ localSubnet: '172.16.0.0/12', remoteSubnet: '192.168.0.0/16' });
    expect(
      config.tunnelsConfig!.tunnelConfig!.map((t) => ({ local: t.local, remote: t.remote, id: t.ikeConfig!.localId })),
    ).toEqual([
      { local: built.ips.japan[0], remote: built.ips.hongkong[0], id: built.ips.japan[0] },
      { local: built.ips.japan[1], remote: built.ips.hongkong[1], id: built.ips.japan[1] },
    ]);
  });
});

describe('the data plane over two tunnels', () => {
  it('goes over the master; with the master down it fails over to the slave (same RTT and TTL); with both down it fails', async () => {
    const c = sdkClients(emu);
    const built = await buildWalkthrough(c);
    const hk = { region: SITES.hongkong.region, instanceId: built.instance.hongkong.id };
    const ping = async () => summarizePing((await cloudPing(c, hk, built.instance.japan.ip, 3)).output);
    const before = await ping();
    expect(before).toMatchObject({ loss: 0, ttl: 62 });
    const conn = built.connections['ikev1test-hongkong-to-japan']!;
    expect(breakThing(emu.world, { action: 'tunnel-down', vpnConnectionId: conn, tunnel: 'master' })).toBeUndefined();
    expect(await tunnelStatus(c, SITES.hongkong.region, conn)).toEqual({
      master: 'ike_sa_not_established',
      slave: 'ipsec_sa_established',
    });
    // The peer's master is down too: its partner stopped answering (dead peer detection).
    expect((await tunnelStatus(c, SITES.japan.region, built.connections['ikev1test-japan-to-hongkong']!)).master).toBe(
      'ike_sa_not_established',
    );
    const failover = await ping();
    expect(failover).toMatchObject({ loss: 0, ttl: 62 });
    expect(Math.abs(failover.avg - before.avg) / before.avg).toBeLessThan(0.02);
    expect(breakThing(emu.world, { action: 'tunnel-down', vpnConnectionId: conn, tunnel: 'slave' })).toBeUndefined();
    expect((await ping()).loss).toBe(100);
    expect(breakThing(emu.world, { action: 'tunnel-up', vpnConnectionId: conn, tunnel: 'master' })).toBeUndefined();
    expect((await ping()).loss).toBe(0);
  });

  it('a legacy single-tunnel gateway and a dual-tunnel one: the masters pair up, the slave has nobody to talk to', async () => {
    const c = sdkClients(emu);
    // Hong Kong bought before the upgrade; Japan today.
    emu.setTunnelModes({ 'cn-hongkong': 'single' });
    const hk = await vpcWithVswitches(c, 'cn-hongkong', '192.168.0.0/16', ['cn-hongkong-b']);
    const hkGw = (await c.vpc.createVpnGateway(gatewayRequest('cn-hongkong', hk.vpcId, { vSwitchId: hk.vswitches[0] })))
      .body!.vpnGatewayId!;
    const jp = await vpcWithVswitches(c, 'ap-northeast-1', '172.16.0.0/12', ['ap-northeast-1a', 'ap-northeast-1b']);
    const jpGw = (
      await c.vpc.createVpnGateway(
        gatewayRequest('ap-northeast-1', jp.vpcId, {
          vSwitchId: jp.vswitches[0],
          disasterRecoveryVSwitchId: jp.vswitches[1],
        }),
      )
    ).body!.vpnGatewayId!;
    const hkIp = (await activeGateway(c, 'cn-hongkong', hkGw)).internetIp!;
    const jpIps = await activeGateway(c, 'ap-northeast-1', jpGw);
    const hkCg = (
      await c.vpc.createCustomerGateway(
        new $Vpc.CreateCustomerGatewayRequest({ regionId: 'cn-hongkong', ipAddress: jpIps.internetIp }),
      )
    ).body!.customerGatewayId!;
    const jpCg = (
      await c.vpc.createCustomerGateway(
        new $Vpc.CreateCustomerGatewayRequest({ regionId: 'ap-northeast-1', ipAddress: hkIp }),
      )
    ).body!.customerGatewayId!;
    const hkConn = await c.vpc.createVpnConnection(
      new $Vpc.CreateVpnConnectionRequest({
        regionId: 'cn-hongkong',
        vpnGatewayId: hkGw,
        customerGatewayId: hkCg,
        localSubnet: '192.168.0.0/16',
        remoteSubnet: '172.16.0.0/12',
        effectImmediately: true,
        ikeConfig: JSON.stringify({ Psk: 'k1', IkeVersion: 'ikev1' }),
      }),
    );
    const jpConn = (
      await c.vpc.createVpnConnection(
        new $Vpc.CreateVpnConnectionRequest({
          regionId: 'ap-northeast-1',
          vpnGatewayId: jpGw,
          localSubnet: '172.16.0.0/12',
          remoteSubnet: '192.168.0.0/16',
          effectImmediately: true,
          tunnelOptionsSpecification: (['master', 'slave'] as const).map(
            (role) =>
              new $Vpc.CreateVpnConnectionRequestTunnelOptionsSpecification({
                role,
                customerGatewayId: jpCg,
                tunnelIkeConfig: new $Vpc.CreateVpnConnectionRequestTunnelOptionsSpecificationTunnelIkeConfig({
                  psk: 'k1',
                }),
              }),
          ),
        }),
      )
    ).body!.vpnConnectionId!;
    await until(
      'master up',
      async () => (await tunnelStatus(c, 'ap-northeast-1', jpConn)).master === 'ipsec_sa_established',
    );
    expect((await tunnelStatus(c, 'ap-northeast-1', jpConn)).slave).toBe('ike_sa_not_established');
    const logs = (
      await c.vpc.describeVpnConnectionLogs(
        new $Vpc.DescribeVpnConnectionLogsRequest({ regionId: 'ap-northeast-1', vpnConnectionId: jpConn }),
      )
    ).body!.data!.logs!.join('\n');
    expect(logs).toContain(`has no IPsec connection for ${jpIps.disasterRecoveryInternetIp}`);
    // A single-tunnel connection has no slave of its own to break.
    expect(
      breakThing(emu.world, { action: 'tunnel-down', vpnConnectionId: hkConn.body!.vpnConnectionId!, tunnel: 'slave' }),
    ).toContain('single-tunnel connection');
  });
});

describe('an overdue account', () => {
  it('shows as BusinessStatus FinancialLocked, and the gateway takes no change', async () => {
    const c = sdkClients(emu);
    const built = await buildWalkthrough(c, { tunnelOnly: true });
    expect(breakThing(emu.world, { action: 'financial-lock', vpnGatewayId: built.gateway.japan })).toBeUndefined();
    expect(
      (
        await c.vpc.describeVpnGateway(
          new $Vpc.DescribeVpnGatewayRequest({ regionId: SITES.japan.region, vpnGatewayId: built.gateway.japan }),
        )
      ).body!.businessStatus,
    ).toBe('FinancialLocked');
    await expect(
      c.vpc.deleteVpnConnection(
        new $Vpc.DeleteVpnConnectionRequest({
          regionId: SITES.japan.region,
          vpnConnectionId: built.connections['ikev1test-japan-to-hongkong'],
        }),
      ),
    ).rejects.toMatchObject({ code: 'VpnGateway.FinancialLocked' });
  });
});
