/**
 * An on-premises device played through the control API: the cloud's tunnels to its address follow
 * its configuration, right or with a chosen mistake, and say why when they stay down (the words
 * vpnbot's diagnosis reads). Built through the official SDK; the device over HTTP, as a test or the
 * demo plays it.
 */
import { startEmulator, type RunningEmulator } from '../../src/emulator/server/start-emulator';
import { $Vpc, sdkClients, until } from '../helpers/alibaba-sdk';
import { activeGateway, gatewayRequest, vpcWithVswitches, type Clients } from '../helpers/vpn-sdk';

const REGION = 'ap-northeast-1';
const DEVICE = '203.0.113.10';
const KEY = 'the-device-key-0123456789';

let emu: RunningEmulator;
beforeEach(async () => {
  emu = await startEmulator({ timeScale: 0.0005 });
});
afterEach(() => emu.close());

/** A hub gateway, a customer gateway at the device's address, and one dual-tunnel connection to it. */
async function hubFacingDevice(c: Clients) {
  const { vpcId, vswitches } = await vpcWithVswitches(c, REGION, '172.16.0.0/12', [
    'ap-northeast-1a',
    'ap-northeast-1b',
  ]);
  const gatewayId = (
    await c.vpc.createVpnGateway(
      gatewayRequest(REGION, vpcId, { vSwitchId: vswitches[0], disasterRecoveryVSwitchId: vswitches[1] }),
    )
  ).body!.vpnGatewayId!;
  const g = await activeGateway(c, REGION, gatewayId);
  const cg = (
    await c.vpc.createCustomerGateway(new $Vpc.CreateCustomerGatewayRequest({ regionId: REGION, ipAddress: DEVICE }))
  ).body!.customerGatewayId!;
  const connectionId = (
    await c.vpc.createVpnConnection(
      new $Vpc.CreateVpnConnectionRequest({
        regionId: REGION,
        vpnGatewayId: gatewayId,
        localSubnet: '172.16.0.0/12',
        remoteSubnet: '192.168.0.0/16',
        effectImmediately: true,
        tunnelOptionsSpecification: (['master', 'slave'] as const).map(
          (role) =>
            new $Vpc.CreateVpnConnectionRequestTunnelOptionsSpecification({
              role,
              customerGatewayId: cg,
              tunnelIkeConfig: new $Vpc.CreateVpnConnectionRequestTunnelOptionsSpecificationTunnelIkeConfig({
                psk: KEY,
                ikeVersion: 'ikev1',
                ikeEncAlg: 'aes',
                ikeAuthAlg: 'sha256',
                ikePfs: 'group14',
              }),
              tunnelIpsecConfig: new $Vpc.CreateVpnConnectionRequestTunnelOptionsSpecificationTunnelIpsecConfig({
                ipsecEncAlg: 'aes',
                ipsecAuthAlg: 'sha256',
                ipsecPfs: 'group14',
              }),
            }),
        ),
      }),
    )
  ).body!.vpnConnectionId!;
  await activeGateway(c, REGION, gatewayId);
  return { connectionId, ips: [g.internetIp!, g.disasterRecoveryInternetIp!] };
}

const statuses = async (c: Clients, id: string) =>
  Object.fromEntries(
    (
      await c.vpc.describeVpnConnection(
        new $Vpc.DescribeVpnConnectionRequest({ regionId: REGION, vpnConnectionId: id }),
      )
    ).body!.tunnelOptionsSpecification!.tunnelOptions!.map((t) => [t.role!, t.status!]),
  );
const logs = async (c: Clients, id: string) =>
  (
    await c.vpc.describeVpnConnectionLogs(
      new $Vpc.DescribeVpnConnectionLogsRequest({ regionId: REGION, vpnConnectionId: id }),
    )
  ).body!.data!.logs!.join('\n');

/** What DownloadVpnConnectionConfig says the device needs, as the control API takes it. */
async function rightDevice(c: Clients, id: string) {
  const config = (
    await c.vpc.downloadVpnConnectionConfig(
      new $Vpc.DownloadVpnConnectionConfigRequest({ regionId: REGION, vpnConnectionId: id }),
    )
  ).body!.vpnConnectionConfig!;
  return {
    publicIp: DEVICE,
    tunnels: config.tunnelsConfig!.tunnelConfig!.map((t) => ({
      Local: t.local!,
      Remote: t.remote!,
      LocalSubnet: config.localSubnet!,
      RemoteSubnet: config.remoteSubnet!,
      IkeConfig: {
        Psk: t.ikeConfig!.psk!,
        IkeVersion: t.ikeConfig!.ikeVersion!,
        IkeMode: t.ikeConfig!.ikeMode!,
        IkeEncAlg: t.ikeConfig!.ikeEncAlg!,
        IkeAuthAlg: t.ikeConfig!.ikeAuthAlg!,
        IkePfs: t.ikeConfig!.ikePfs!,
        IkeLifetime: t.ikeConfig!.ikeLifetime!,
        LocalId: t.ikeConfig!.localId!,
        RemoteId: t.ikeConfig!.remoteId!,
      },
      IpsecConfig: {
        IpsecEncAlg: t.ipsecConfig!.ipsecEncAlg!,
        IpsecAuthAlg: t.ipsecConfig!.ipsecAuthAlg!,
        IpsecPfs: t.ipsecConfig!.ipsecPfs!,
        IpsecLifetime: t.ipsecConfig!.ipsecLifetime!,
      },
    })),
  };
}

const control = (path: string, body?: unknown) =>
  fetch(new URL(`/__emulator/${path}`, emu.endpoint), {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('an on-premises device played through the control API', () => {
  it('nobody answers until it is configured; configured right, both tunnels come up; unplugged, they go down', async () => {
    const c = sdkClients(emu);
    const { connectionId } = await hubFacingDevice(c);
    expect(await statuses(c, connectionId)).toEqual({
      master: 'ike_sa_not_established',
      slave: 'ike_sa_not_established',
    });
    expect(await logs(c, connectionId)).toContain(`IKE phase 1: no response from ${DEVICE} (retransmission timeout)`);

    const device = await rightDevice(c, connectionId);
    const r = await control('devices', device);
    expect(r.status).toBe(200);
    await until('both tunnels up', async () =>
      Object.values(await statuses(c, connectionId)).every((s) => s === 'ipsec_sa_established'),
    );
    // Its keys never come back out of the control API.
    const shown = JSON.stringify(await (await control('devices')).json());
    expect(shown).toContain(DEVICE);
    expect(shown).not.toContain(KEY);
    expect(JSON.stringify(await (await control('state')).json())).not.toContain(KEY);

    expect((await control('devices', { publicIp: DEVICE, tunnels: [] })).status).toBe(200);
    expect(await statuses(c, connectionId)).toEqual({
      master: 'ike_sa_not_established',
      slave: 'ike_sa_not_established',
    });
  });

  it('each mistake keeps the tunnels down with what the cloud reports: wrong peer address, proposals, key, networks', async () => {
    const c = sdkClients(emu);
    const { connectionId, ips } = await hubFacingDevice(c);
    const right = await rightDevice(c, connectionId);
    const cases: [string, (t: (typeof right.tunnels)[number]) => object, RegExp][] = [
      [
        'the master dials the wrong address',
        (t) =>
          t.Remote === ips[0]
            ? { ...t, Remote: '198.51.100.7', IkeConfig: { ...t.IkeConfig, RemoteId: '198.51.100.7' } }
            : t,
        new RegExp(
          `NO_PROPOSAL_CHOSEN from ${DEVICE.replace(/\./g, '\\.')}: it has no IKE configuration for peer ${ips[0]!.replace(/\./g, '\\.')}`,
        ),
      ],
      [
        'other IKE proposals',
        (t) => ({ ...t, IkeConfig: { ...t.IkeConfig, IkeEncAlg: 'aes256' } }),
        /no proposal chosen \(IKE algorithms differ\)/,
      ],
      ['another key', (t) => ({ ...t, IkeConfig: { ...t.IkeConfig, Psk: 'not-the-key' } }), /pre-shared key mismatch/],
      ['other networks', (t) => ({ ...t, LocalSubnet: '192.169.0.0/16' }), /traffic selectors do not match/],
    ];
    for (const [what, mistake, reason] of cases) {
      expect({
        what,
        status: (await control('devices', { ...right, tunnels: right.tunnels.map(mistake) })).status,
      }).toEqual({
        what,
        status: 200,
      });
      const master = (await statuses(c, connectionId)).master;
      expect({ what, master }).toEqual({ what, master: expect.stringMatching(/_not_established$/) });
      expect({ what, logs: await logs(c, connectionId) }).toEqual({ what, logs: expect.stringMatching(reason) });
    }
    // A body that is not a device is refused by field.
    const bad = await control('devices', { publicIp: DEVICE, tunnels: [{ Remote: ips[0] }] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^tunnels\.0\./);
  });
});
