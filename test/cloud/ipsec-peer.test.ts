/**
 * The peer side of IPsec connections through the official SDK against the emulator: what a data
 * centre's device must hold, read back from the cloud (DownloadVpnConnectionConfig and the tunnels'
 * roles), and one tunnel's key changed in place.
 */
import { $Vpc, sdkClients } from '../helpers/alibaba-sdk';
import { startHarness, type Harness } from '../helpers/engine-harness';
import { ONPREM_YAML, yamlTopology } from '../helpers/topologies';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  const topology = yamlTopology(ONPREM_YAML);
  expect((await h.engine.apply(await h.engine.plan(topology), { requester: 'U1' })).status).toBe('succeeded');
});
afterAll(() => h.close());

const hubConnections = () => h.store.resources('hybrid').filter((r) => r.kind === 'ipsec-connection');

describe('the peer configuration of a connection to an on-premises device', () => {
  it('is what the cloud holds: both tunnels to the device, each from its own gateway address, with the keys and proposals', async () => {
    const gateway = h.store.resources('hybrid').find((r) => r.kind === 'vpn-gateway')!;
    const g = (
      await sdkClients(h.emu).vpc.describeVpnGateway(
        new $Vpc.DescribeVpnGatewayRequest({ regionId: gateway.region, vpnGatewayId: gateway.cloudId }),
      )
    ).body!;
    const [first, second] = hubConnections();
    const peer = await h.cloud.ipsec.peerConfiguration(first!.region, first!.cloudId);
    expect(peer).toMatchObject({
      connectionId: first!.cloudId,
      gatewayId: gateway.cloudId,
      deviceSubnets: ['192.168.0.0/16'],
      name: 'hybrid-hub-to-dc1',
    });
    expect(peer!.cloudSubnets).toEqual(['172.16.0.0/12']);
    expect(peer!.tunnels.map((t) => [t.role, t.deviceAddress, t.cloudAddress, t.ike.localId, t.ike.remoteId])).toEqual([
      ['master', '203.0.113.10', g.internetIp, '203.0.113.10', g.internetIp],
      ['slave', '203.0.113.10', g.disasterRecoveryInternetIp, '203.0.113.10', g.disasterRecoveryInternetIp],
    ]);
    expect(peer!.tunnels[0]).toMatchObject({
      ike: {
        version: 'ikev1',
        mode: 'main',
        encryption: 'aes',
        integrity: 'sha256',
        dhGroup: 'group14',
        lifetimeSeconds: 86400,
      },
      ipsec: { encryption: 'aes', integrity: 'sha256', pfs: 'group14', lifetimeSeconds: 86400 },
      dpd: true,
      natTraversal: true,
      status: 'ike_sa_not_established',
      up: false,
    });
    // One key per pair of addresses: both connections hold the stored key of each tunnel role.
    const other = await h.cloud.ipsec.peerConfiguration(second!.region, second!.cloudId);
    expect(peer!.tunnels.map((t) => t.psk)).toEqual([
      h.store.secret('hybrid', 'psk:dc1~hub'),
      h.store.secret('hybrid', 'psk:dc1~hub:slave'),
    ]);
    expect(other!.tunnels.map((t) => t.psk)).toEqual(peer!.tunnels.map((t) => t.psk));
    expect(await h.cloud.ipsec.peerConfiguration(first!.region, 'vco-doesnotexist000000')).toBeUndefined();
  });

  it("takes a new key on one tunnel, the other's untouched", async () => {
    const [first] = hubConnections();
    const before = await h.cloud.ipsec.peerConfiguration(first!.region, first!.cloudId);
    await h.cloud.ipsec.setTunnelKey(first!.region, first!.cloudId, 'slave', 'a-new-key-for-the-slave-0123456');
    const after = await h.cloud.ipsec.peerConfiguration(first!.region, first!.cloudId);
    expect(after!.tunnels.map((t) => t.psk)).toEqual([before!.tunnels[0]!.psk, 'a-new-key-for-the-slave-0123456']);
    // A call that carries a key: the secrets test fails it on the network to prove no error echoes it.
    expect(h.emu.control.secretActions.has('ModifyVpnConnectionAttribute')).toBe(true);
  });
});
