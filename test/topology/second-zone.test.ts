/** Every cloud site gets a second zone and vSwitch where its region has several zones. */
import { readStoredTopology } from '../../src/topology/stored-topology';
import { seedTopology, yamlProblemCodes, yamlTopology } from '../helpers/topologies';

const site = (extra: string, region = 'ap-northeast-1', cidr = '172.16.0.0/12') => `
name: t
sites:
  - { name: jp, role: hub, region: ${region}, cidrs: [${cidr}]${extra} }
  - { name: us, role: spoke, region: us-west-1, cidrs: [10.0.0.0/8] }
`;

describe('the second zone', () => {
  it("defaults to the region's next zone and the block after the first vSwitch", () => {
    const jp = yamlTopology(site('')).sites[0]!;
    expect(jp).toMatchObject({
      zone: 'ap-northeast-1a',
      vswitchCidr: '172.16.0.0/24',
      secondZone: 'ap-northeast-1b',
      secondVswitchCidr: '172.16.1.0/24',
    });
    expect(seedTopology().sites.map((s) => [s.name, s.secondZone, s.secondVswitchCidr])).toEqual([
      ['hongkong', 'cn-hongkong-c', '192.168.1.0/24'],
      ['japan', 'ap-northeast-1b', '172.16.1.0/24'],
      ['us', 'us-west-1b', '10.0.1.0/24'],
    ]);
  });

  it('is taken as named, and the first zone may be named too', () => {
    const jp = yamlTopology(
      site(', zone: ap-northeast-1c, secondZone: ap-northeast-1a, secondVswitchCidr: 172.16.9.0/24'),
    ).sites[0]!;
    expect(jp).toMatchObject({
      zone: 'ap-northeast-1c',
      secondZone: 'ap-northeast-1a',
      secondVswitchCidr: '172.16.9.0/24',
    });
  });

  it('is absent in a single-zone region, and refused there when named', () => {
    const seoul = yamlTopology(site('', 'ap-northeast-2')).sites[0]!;
    expect(seoul.secondZone).toBeUndefined();
    expect(seoul.secondVswitchCidr).toBeUndefined();
    expect(yamlProblemCodes(site(', secondZone: ap-northeast-2a', 'ap-northeast-2'))).toEqual(['zone.single']);
  });

  it('refuses a second zone equal to the first, or not in the region', () => {
    expect(yamlProblemCodes(site(', secondZone: ap-northeast-1a'))).toEqual(['zone.same']);
    expect(yamlProblemCodes(site(', secondZone: ap-northeast-1z'))).toEqual(['zone.unknown']);
  });

  it('refuses a second vSwitch outside the site, overlapping the first, or of a wrong mask', () => {
    expect(yamlProblemCodes(site(', secondVswitchCidr: 10.9.0.0/24'))).toEqual(['vswitch.outside']);
    expect(yamlProblemCodes(site(', secondVswitchCidr: 172.16.0.128/25'))).toEqual(['vswitch.overlap']);
    expect(yamlProblemCodes(site(', secondVswitchCidr: 172.16.0.0/30'))).toEqual(['vswitch.mask']);
  });

  it('says when the site has no room for it, and how to make room', () => {
    expect(yamlProblemCodes(site('', 'ap-northeast-1', '172.16.0.0/24'))).toEqual(['vswitch.no-room']);
    const halves = yamlTopology(
      site(', vswitchCidr: 172.16.0.0/25, secondVswitchCidr: 172.16.0.128/25', 'ap-northeast-1', '172.16.0.0/24'),
    ).sites[0]!;
    expect(halves).toMatchObject({ vswitchCidr: '172.16.0.0/25', secondVswitchCidr: '172.16.0.128/25' });
  });

  it('is filled in for a topology stored before sites had one', () => {
    const stored = seedTopology();
    const old = { ...stored, sites: stored.sites.map(({ secondZone: _z, secondVswitchCidr: _v, ...s }) => s) };
    const r = readStoredTopology(JSON.stringify(old));
    if (!r.ok) throw new Error(r.reason);
    expect(r.topology).toEqual(stored);
  });
});
