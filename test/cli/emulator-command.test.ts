import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { runCli } from '../../commands/cli/run-cli';
import { EMULATOR_DEFAULT_KEY } from '../../commands/cli/emulator-command';
import { $Vpc, sdkClients } from '../helpers/alibaba-sdk';
import { captureIo } from '../helpers/cli-io';
import { activeGateway, gatewayRequest, REGIONS, vpcWithVswitches } from '../helpers/vpn-sdk';
import { buildWalkthrough, cloudPing, SITES } from '../helpers/walkthrough';

const BIN = join(__dirname, '..', '..', 'dist', 'commands', 'main.js');

describe('vpnbot emulator', () => {
  it('runs as a process: one line with the address, serves the SDK, stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'emulator', '--time-scale', '0.001'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
      const line = chunk.toString('utf8');
      expect(line).toMatch(/^emulator listening on http:\/\/127\.0\.0\.1:\d+\n$/);
      const endpoint = line.trim().split(' ').pop()!;
      const c = sdkClients({
        endpoint,
        accessKeyId: EMULATOR_DEFAULT_KEY.id,
        accessKeySecret: EMULATOR_DEFAULT_KEY.secret,
      });
      const r = await c.vpc.createVpc(new $Vpc.CreateVpcRequest({ regionId: 'us-west-1', cidrBlock: '10.0.0.0/8' }));
      expect(r.body!.vpcId).toMatch(/^vpc-/);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it("today's IPsec-VPN through the official SDK: single-tunnel forms refused in the seed regions, dual-tunnel forms taken, a legacy gateway takes the old form", async () => {
    const child = spawn(process.execPath, [BIN, 'emulator', '--time-scale', '0.001'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
      const endpoint = chunk.toString('utf8').trim().split(' ').pop()!;
      const c = sdkClients({
        endpoint,
        accessKeyId: EMULATOR_DEFAULT_KEY.id,
        accessKeySecret: EMULATOR_DEFAULT_KEY.secret,
      });
      const peer = '203.0.113.7';
      for (const { region, zones, cidr } of REGIONS) {
        const { vpcId, vswitches } = await vpcWithVswitches(c, region, cidr, zones);
        await expect(
          c.vpc.createVpnGateway(gatewayRequest(region, vpcId, { vSwitchId: vswitches[0] })),
        ).rejects.toMatchObject({ code: 'MissingDisasterRecoveryVSwitchId' });
        const gw = (
          await c.vpc.createVpnGateway(
            gatewayRequest(region, vpcId, { vSwitchId: vswitches[0], disasterRecoveryVSwitchId: vswitches[1] }),
          )
        ).body!.vpnGatewayId!;
        expect((await activeGateway(c, region, gw)).disasterRecoveryInternetIp).toBeDefined();
        const cg = (
          await c.vpc.createCustomerGateway(
            new $Vpc.CreateCustomerGatewayRequest({ regionId: region, ipAddress: peer }),
          )
        ).body!.customerGatewayId!;
        const connection = { regionId: region, vpnGatewayId: gw, localSubnet: cidr, remoteSubnet: '198.18.0.0/16' };
        await expect(
          c.vpc.createVpnConnection(
            new $Vpc.CreateVpnConnectionRequest({
              ...connection,
              customerGatewayId: cg,
              ikeConfig: JSON.stringify({ Psk: 'k', IkeVersion: 'ikev1' }),
            }),
          ),
        ).rejects.toMatchObject({ code: 'VpnConnection.InvalidCreateTunnelOptions' });
        const made = await c.vpc.createVpnConnection(
          new $Vpc.CreateVpnConnectionRequest({
            ...connection,
            tunnelOptionsSpecification: (['master', 'slave'] as const).map(
              (role) => new $Vpc.CreateVpnConnectionRequestTunnelOptionsSpecification({ role, customerGatewayId: cg }),
            ),
          }),
        );
        expect(made.body!.vpnConnectionId).toMatch(/^vco-/);
      }
      // A gateway bought before the upgrade: the region marked single-tunnel through the control API.
      const marked = await fetch(`${endpoint}/__emulator/tunnel-modes`, {
        method: 'POST',
        body: JSON.stringify({ 'us-west-1': 'single' }),
      });
      expect(await marked.json()).toEqual({ 'us-west-1': 'single' });
      const { vpcId, vswitches } = await vpcWithVswitches(c, 'us-west-1', '100.64.0.0/16', ['us-west-1a']);
      const legacy = (await c.vpc.createVpnGateway(gatewayRequest('us-west-1', vpcId, { vSwitchId: vswitches[0] })))
        .body!.vpnGatewayId!;
      expect((await activeGateway(c, 'us-west-1', legacy)).disasterRecoveryInternetIp).toBeUndefined();
      const cg = (
        await c.vpc.describeCustomerGateways(new $Vpc.DescribeCustomerGatewaysRequest({ regionId: 'us-west-1' }))
      ).body!.customerGateways!.customerGateway![0]!.customerGatewayId!;
      const old = await c.vpc.createVpnConnection(
        new $Vpc.CreateVpnConnectionRequest({
          regionId: 'us-west-1',
          vpnGatewayId: legacy,
          customerGatewayId: cg,
          localSubnet: '100.64.0.0/16',
          remoteSubnet: '198.18.0.0/16',
          ikeConfig: JSON.stringify({ Psk: 'k', IkeVersion: 'ikev1' }),
        }),
      );
      expect(old.body!.vpnConnectionId).toMatch(/^vco-/);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it("as a process, through the official SDK: today's CEN without its association leaves exactly the pairs over it unreachable", async () => {
    const child = spawn(process.execPath, [BIN, 'emulator', '--time-scale', '0.0005'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
      const c = sdkClients({
        endpoint: chunk.toString('utf8').trim().split(' ').pop()!,
        accessKeyId: EMULATOR_DEFAULT_KEY.id,
        accessKeySecret: EMULATOR_DEFAULT_KEY.secret,
      });
      const built = await buildWalkthrough(c, { without: 'association' });
      const failing: string[] = [];
      for (const from of ['hongkong', 'japan', 'us'] as const)
        for (const to of ['hongkong', 'japan', 'us'] as const) {
          if (from === to) continue;
          const r = await cloudPing(
            c,
            { region: SITES[from].region, instanceId: built.instance[from].id },
            built.instance[to].ip,
            2,
          );
          if (r.exitCode !== 0) failing.push(`${from}>${to}`);
        }
      expect(failing).toEqual(['hongkong>us', 'japan>us', 'us>hongkong', 'us>japan']);
    } finally {
      child.kill('SIGTERM');
    }
    await once(child, 'exit');
  });

  it('explains bad options', async () => {
    const io = captureIo();
    expect(await runCli(['emulator', '--time-scale', '5'], io)).toBe(2);
    expect(io.err()).toContain('--time-scale must be in (0, 1]');
    const io2 = captureIo();
    expect(await runCli(['emulator', '--access-key-id', 'x'], io2)).toBe(2);
    expect(io2.err()).toContain('give both');
    const io3 = captureIo();
    expect(await runCli(['emulator', '--ipsec-quota', '0'], io3)).toBe(2);
    expect(io3.err()).toContain('--ipsec-quota must be a whole number from 1 to 1000');
    const io4 = captureIo();
    expect(await runCli(['emulator', '--single-tunnel', 'cn-hongkong,tokyo'], io4)).toBe(2);
    expect(io4.err()).toContain('"tokyo" is none; did you mean ap-northeast-1?');
  });
});
