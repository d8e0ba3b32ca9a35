import { topologyFromYaml } from '../../src/topology/load-topology';
import { $Vpc, sdkClients } from '../helpers/alibaba-sdk';
import { startHarness, type Harness } from '../helpers/engine-harness';
import { buildLegacyWalkthrough, type Built } from '../helpers/walkthrough';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

const yaml = (b: Built) => `
name: ikev1test
sites:
  - { name: hongkong, role: dc, region: cn-hongkong, cidrs: [192.168.0.0/16], vswitchCidr: 192.168.1.0/24,
      existing: { vpc: ${b.vpc.hongkong.id}, vpnGateway: ${b.gateway.hongkong}, customerGateway: ${b.customerGateway.hongkong} } }
  - { name: japan, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12], vswitchCidr: 172.16.1.0/24,
      existing: { vpc: ${b.vpc.japan.id}, vpnGateway: ${b.gateway.japan}, customerGateway: ${b.customerGateway.japan} } }
  - { name: us, role: spoke, region: us-west-1, cidrs: [10.0.0.0/8] }
`;

describe('a tunnel to an on-premises DC', () => {
  it("is done once configured: bringing it up is the DC device's part, and the step says so", async () => {
    const r = topologyFromYaml(`
name: corp
sites:
  - { name: office, role: dc, cidrs: [192.168.0.0/16], onPremises: { publicIp: 203.0.113.10 } }
  - { name: tokyo, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12] }
  - { name: us, role: spoke, region: us-west-1, cidrs: [10.0.0.0/8] }
`);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const notes: string[] = [];
    const result = await h.engine.apply(await h.engine.plan(r.value), {
      requester: 'U1',
      onEvent: (e) => {
        if (e.type === 'step-succeeded' && e.note) notes.push(e.note);
      },
    });
    expect(result.failures).toEqual([]);
    // IKEv1: office reaches tokyo and us, so two connections on the hub, both configured, both waiting for the device.
    expect(notes).toEqual([
      expect.stringContaining('until the on-premises device is configured'),
      expect.stringContaining('until the on-premises device is configured'),
    ]);
    expect(h.emu.inventory().customerGatewayIps).toEqual(['203.0.113.10']);
  });
});

describe('a tunnel that cannot come up', () => {
  it('fails its step with the reason from the IKE log, and the other steps go on', async () => {
    const c = sdkClients(h.emu);
    const b = await buildLegacyWalkthrough(h.emu, c, { tunnelOnly: true });
    // Someone already configured the Japan half of the second pair, with another key.
    await c.vpc.createVpnConnection(
      new $Vpc.CreateVpnConnectionRequest({
        regionId: 'ap-northeast-1',
        vpnGatewayId: b.gateway.japan,
        customerGatewayId: b.customerGateway.japan,
        localSubnet: '10.0.0.0/8',
        remoteSubnet: '192.168.0.0/16',
        effectImmediately: true,
        ikeConfig: JSON.stringify({
          Psk: 'typed-by-hand',
          IkeVersion: 'ikev1',
          IkeAuthAlg: 'sha256',
          IkePfs: 'group14',
        }),
        ipsecConfig: JSON.stringify({ IpsecAuthAlg: 'sha256', IpsecPfs: 'group14' }),
      }),
    );
    const r = topologyFromYaml(yaml(b));
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const plan = await h.engine.plan(r.value);
    expect(plan.steps.find((s) => s.id === 'ipsec-connection:japan:10.0.0.0/8>192.168.0.0/16')).toMatchObject({
      action: 'keep',
      external: true,
    });
    const result = await h.engine.apply(plan, { requester: 'U1' });
    expect(result.status).toBe('failed');
    expect(result.failures).toEqual([
      {
        stepId: 'ipsec-connection:hongkong:192.168.0.0/16>10.0.0.0/8',
        code: 'engine.tunnel-down',
        message: expect.stringContaining('pre-shared key mismatch'),
        userFixable: true,
        hint: expect.stringContaining('pre-shared key'),
      },
    ]);
    expect(result.outcomes.get('tr-advertisement:japan:192.168.0.0/16')).toEqual({ status: 'succeeded' });
    expect(result.failures[0]!.message).not.toContain('typed-by-hand');
  });
});
