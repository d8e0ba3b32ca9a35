/** Zones checked against the connected cloud: DescribeZones through the official SDK, on the emulator. */
import { readTopologyArg } from '../../commands/cli/read-topology';
import { validateWithCloudZones } from '../../src/topology/load-topology';
import { parseTopologyYaml } from '../../src/topology/parse-yaml';
import { findRegion } from '../../src/topology/regions';
import { DEFAULT_IPSEC_CONNECTION_QUOTA } from '../../src/topology/validate';
import { captureIo } from '../helpers/cli-io';
import { startHarness, type Harness } from '../helpers/engine-harness';

const options = { ipsecConnectionQuota: DEFAULT_IPSEC_CONNECTION_QUOTA };
const yaml = (zone: string) =>
  `name: t\nsites:\n  - {name: jp, role: hub, region: ap-northeast-1, zone: ${zone}, cidrs: [172.16.0.0/12]}\n  - {name: us, role: spoke, region: us-west-1, cidrs: [10.0.0.0/8]}\n`;

describe('zones from the connected cloud', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("DescribeZones answers the region's zones through the SDK", async () => {
    expect(await h.cloud.zones('ap-northeast-1')).toEqual(findRegion('ap-northeast-1')!.zones);
  });

  it('validation asks the cloud once per region and refuses a zone it does not offer', async () => {
    const asked: string[] = [];
    const zones = async (r: string) => {
      asked.push(r);
      return r === 'ap-northeast-1' ? (await h.cloud.zones(r)).slice(0, 1) : h.cloud.zones(r);
    };
    expect((await validateWithCloudZones(parseTopologyYaml(yaml('ap-northeast-1a')), options, zones)).ok).toBe(true);
    const r = await validateWithCloudZones(parseTopologyYaml(yaml('ap-northeast-1b')), options, zones);
    expect(r).toMatchObject({
      ok: false,
      problems: [{ code: 'zone.unknown', hint: expect.stringContaining('zones of ap-northeast-1: ap-northeast-1a;') }],
    });
    expect(asked.sort()).toEqual(['ap-northeast-1', 'ap-northeast-1', 'us-west-1', 'us-west-1']);
  });

  it('DescribeVpnGatewayAvailableZones answers the zones that sell VPN gateways through the SDK', async () => {
    expect(await h.cloud.vpnGatewayZones('cn-hongkong')).toEqual(['cn-hongkong-b', 'cn-hongkong-c', 'cn-hongkong-d']);
  });

  it("a VPN site's zones come from those that sell VPN gateways; a zone named that sells none is refused with the ones that do", async () => {
    // Say Tokyo's zone A sold no VPN gateway: the hub's two zones default to B and C, the spoke keeps A.
    const vpnZones = async (r: string) => (r === 'ap-northeast-1' ? ['ap-northeast-1b', 'ap-northeast-1c'] : []);
    const zones = (r: string) => h.cloud.zones(r);
    const line =
      'name: t\nsites:\n  - {name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12]}\n  - {name: sp, role: spoke, region: ap-northeast-1, cidrs: [10.0.0.0/8]}\n';
    const r = await validateWithCloudZones(parseTopologyYaml(line), options, zones, vpnZones);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.value.sites.map((x) => [x.name, x.zone, x.secondZone])).toEqual([
      ['jp', 'ap-northeast-1b', 'ap-northeast-1c'],
      ['sp', 'ap-northeast-1a', 'ap-northeast-1b'],
    ]);
    const named = await validateWithCloudZones(
      parseTopologyYaml(yaml('ap-northeast-1a')),
      options,
      (region) => h.cloud.zones(region),
      vpnZones,
    );
    expect(named).toMatchObject({
      ok: false,
      problems: [
        {
          code: 'zone.no-vpn',
          path: 'sites[0].zone',
          message: expect.stringContaining('zone ap-northeast-1a sells no VPN gateway, and hub "jp" needs one there'),
          hint: 'pick a zone that does: ap-northeast-1b, ap-northeast-1c',
        },
      ],
    });
    // Through the SDK, every zone of the seed's regions sells VPN gateways: the seed is as before.
    const seed = await validateWithCloudZones(
      parseTopologyYaml(yaml('ap-northeast-1a')),
      options,
      (region) => h.cloud.zones(region),
      (region) => h.cloud.vpnGatewayZones(region),
    );
    expect(seed.ok).toBe(true);
  });

  it('a failed lookup keeps the built-in list', async () => {
    const r = await validateWithCloudZones(parseTopologyYaml(yaml('ap-northeast-1c')), options, async () => {
      throw new Error('unreachable');
    });
    expect(r.ok).toBe(true);
  });

  it('the CLI reads zones from the cloud when it is given one', async () => {
    const calls = h.cloud.calls();
    const r = await readTopologyArg(
      't hub:jp@ap-northeast-1=172.16.0.0/12;zone=ap-northeast-1z',
      captureIo(),
      options,
      (region) => h.cloud.zones(region),
      (region) => h.cloud.vpnGatewayZones(region),
    );
    expect(r).toMatchObject({
      ok: false,
      problems: expect.stringContaining('region ap-northeast-1 has no zone "ap-northeast-1z"'),
    });
    // DescribeZones, and DescribeVpnGatewayAvailableZones for the hub's region.
    expect(h.cloud.calls()).toBe(calls + 2);
  });
});
