import { topologyFromYaml } from '../../src/topology/load-topology';
import { sdkClients } from '../helpers/alibaba-sdk';
import { startHarness, type Harness } from '../helpers/engine-harness';
import { buildLegacyWalkthrough, cloudPing, SITES, summarizePing } from '../helpers/walkthrough';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

describe('the walkthrough premise: an IKEv1 tunnel in service that must not be touched', () => {
  it('adopts the gateways, keeps the existing connection pair as is, adds the rest, and destroy leaves what it adopted', async () => {
    const c = sdkClients(h.emu);
    const before = await buildLegacyWalkthrough(h.emu, c, { tunnelOnly: true });
    const existing = new Map(h.emu.inventory().tunnels.map((x) => [x.id, x.keyDigest]));
    const r = topologyFromYaml(`
name: ikev1test
sites:
  - name: hongkong
    role: dc
    region: cn-hongkong
    cidrs: [192.168.0.0/16]
    vswitchCidr: 192.168.1.0/24
    existing: { vpc: ${before.vpc.hongkong.id}, vpnGateway: ${before.gateway.hongkong}, customerGateway: ${before.customerGateway.hongkong} }
  - name: japan
    role: hub
    region: ap-northeast-1
    cidrs: [172.16.0.0/12]
    vswitchCidr: 172.16.1.0/24
    existing: { vpc: ${before.vpc.japan.id}, vpnGateway: ${before.gateway.japan}, customerGateway: ${before.customerGateway.japan} }
  - { name: us, role: spoke, region: us-west-1, cidrs: [10.0.0.0/8] }
`);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const plan = await h.engine.plan(r.value);
    const action = (id: string) => plan.steps.find((s) => s.id === id)!.action;
    expect(action('vpc:hongkong')).toBe('adopt');
    expect(action('vpn-gateway:japan')).toBe('adopt');
    expect(action('customer-gateway:hongkong:japan')).toBe('adopt');
    expect(plan.steps.find((s) => s.id === 'ipsec-connection:hongkong:192.168.0.0/16>172.16.0.0/12')).toMatchObject({
      action: 'keep',
      external: true,
      cloudId: before.connections['ikev1test-hongkong-to-japan'],
    });
    expect(action('ipsec-connection:japan:172.16.0.0/12>192.168.0.0/16')).toBe('keep');
    expect(action('ipsec-connection:hongkong:192.168.0.0/16>10.0.0.0/8')).toBe('create');
    expect(plan.summary).toMatchObject({ adopt: 6, keep: 2, delete: 0 });

    const result = await h.engine.apply(plan, { requester: 'U1' });
    expect(result.failures).toEqual([]);
    // The tunnel in service was not modified: same connections, same keys.
    const after = h.emu.inventory().tunnels;
    for (const [id, key] of existing) expect(after.find((t) => t.id === id)?.keyDigest).toBe(key);
    expect(after).toHaveLength(4);
    // The connections added between the same two gateways took the key of the tunnel in service:
    // IKEv1 main mode has one key per pair of addresses.
    expect(new Set(after.map((t) => t.keyDigest)).size).toBe(1);

    const inst = (site: string) => h.store.resources('ikev1test').find((x) => x.stepId === `ecs-instance:${site}`)!;
    const ping = async (from: 'hongkong' | 'us', to: 'hongkong' | 'us') =>
      summarizePing(
        (
          await cloudPing(
            c,
            { region: SITES[from].region, instanceId: inst(from).cloudId },
            inst(to).outputs.privateIp!,
            2,
          )
        ).output,
      );
    expect(await ping('hongkong', 'us')).toMatchObject({ loss: 0, ttl: 62 });
    expect(await ping('us', 'hongkong')).toMatchObject({ loss: 0, ttl: 62 });
    expect((await h.engine.plan(r.value)).summary).toMatchObject({ create: 0, delete: 0 });

    const destroy = await h.engine.planDestroy(r.value);
    expect(
      destroy.steps.some((s) =>
        [before.vpc.hongkong.id, before.gateway.japan, ...Object.values(before.connections)].includes(s.cloudId!),
      ),
    ).toBe(false);
    expect((await h.engine.apply(destroy, { requester: 'U1' })).status).toBe('succeeded');
    expect(h.emu.inventory().counts).toMatchObject({
      vpc: 2,
      vswitch: 2,
      'vpn-gateway': 2,
      'customer-gateway': 2,
      'ipsec-connection': 2,
      cen: 0,
      'ecs-instance': 0,
      'route-entry': 0,
    });
    for (const id of existing.keys()) expect(h.emu.inventory().ids).toContain(id);
  });
});
