import { topologyFromYaml } from '../../src/topology/load-topology';
import { startHarness, type Harness } from '../helpers/engine-harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

describe('a DC VPC with two CIDRs under IKEv1', () => {
  it('gets its secondary CIDR, one connection per CIDR pair on each side, every tunnel up, and a refresh that changes nothing', async () => {
    const r = topologyFromYaml(`
name: multi
sites:
  - { name: dc, role: dc, region: cn-hongkong, cidrs: [192.168.0.0/16, 192.169.0.0/16] }
  - { name: hub, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12] }
  - { name: us, role: spoke, region: us-west-1, cidrs: [10.0.0.0/8] }
`);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const result = await h.engine.apply(await h.engine.plan(r.value), { requester: 'U1' });
    expect(result.failures).toEqual([]);
    const cloud = h.emu.inventory();
    expect(cloud.vpcs.find((v) => v.cidrs[0] === '192.168.0.0/16')!.cidrs).toEqual([
      '192.168.0.0/16',
      '192.169.0.0/16',
    ]);
    expect(cloud.tunnels).toHaveLength(8);
    expect(cloud.tunnels.every((c) => c.localCidrs.length === 1 && c.remoteCidrs.length === 1 && c.sameKey)).toBe(true);
    expect([...cloud.published].sort()).toEqual(['192.168.0.0/16', '192.169.0.0/16']);
    expect((await h.engine.plan(r.value)).summary).toMatchObject({ create: 0, delete: 0 });
  });
});
