import { LINE_EXAMPLES, parseTopologyLine } from '../../src/topology/parse-line';
import { topologyFromLine } from '../../src/topology/load-topology';

describe('one-line topology', () => {
  it('reads names, roles, regions, CIDRs and the IKE version', () => {
    const r = topologyFromLine(
      'corp ike=v2 probes=off dc:hk@cn-hongkong=192.168.0.0/16,192.169.0.0/16;hub=jp hub:jp@ap-northeast-1=172.16.0.0/12;zone=ap-northeast-1b spoke:us@us-west-1=10.0.0.0/8;vswitch=10.1.0.0/24',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ name: 'corp', ike: 'v2', probes: false });
    expect(r.value.sites.map((s) => [s.name, s.role, s.region, s.cidrs])).toEqual([
      ['hk', 'dc', 'cn-hongkong', ['192.168.0.0/16', '192.169.0.0/16']],
      ['jp', 'hub', 'ap-northeast-1', ['172.16.0.0/12']],
      ['us', 'spoke', 'us-west-1', ['10.0.0.0/8']],
    ]);
    expect(r.value.sites[1]!.zone).toBe('ap-northeast-1b');
    expect(r.value.sites[2]!.vswitchCidr).toBe('10.1.0.0/24');
  });

  it('reads on-premises sites and adopted ids', () => {
    const r = topologyFromLine(
      'x dc:office=192.168.0.0/16;ip=203.0.113.10 hub:jp@ap-northeast-1=172.16.0.0/12;vpc=vpc-abc1;vpn=vpn-abc2;cgw=cgw-abc3;cen=cen-abc4',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.sites[0]).toMatchObject({
      onPremises: { publicIp: '203.0.113.10' },
      region: 'ap-northeast-1',
      hub: 'jp',
    });
    expect(r.value.sites[1]!.existing).toEqual({
      vpc: 'vpc-abc1',
      vpnGateway: 'vpn-abc2',
      customerGateway: 'cgw-abc3',
      cen: 'cen-abc4',
    });
  });

  it('reads the inter-region bandwidth: interregion=test, transfer:MBPS or a plan id with MBPS', () => {
    const line = (v: string) =>
      topologyFromLine(`t interregion=${v} dc:hk@cn-hongkong=192.168.0.0/16 hub:jp@ap-northeast-1=172.16.0.0/12`);
    expect(line('test')).toMatchObject({ ok: true });
    expect(line('transfer:50')).toMatchObject({
      ok: true,
      value: { interRegionBandwidth: { type: 'data-transfer', mbps: 50 } },
    });
    expect(line('cenbwp-x1:10')).toMatchObject({
      ok: true,
      value: { interRegionBandwidth: { type: 'plan', planId: 'cenbwp-x1', mbps: 10 } },
    });
    expect(line('transfer:lots')).toMatchObject({ ok: false, problems: [{ code: 'bandwidth.mbps' }] });
  });

  it('every example shown in help is valid', () => {
    for (const example of LINE_EXAMPLES) expect(topologyFromLine(example)).toMatchObject({ ok: true });
  });

  it('`seed` is the walkthrough topology', () => {
    const r = topologyFromLine('seed');
    expect(r).toMatchObject({ ok: true, value: { name: 'ikev1test', ike: 'v1' } });
  });

  it.each([
    ['', 'line.empty'],
    ['dc:hk@cn-hongkong=192.168.0.0/16', 'line.missing-name'],
    ['x ike=v3 hub:jp@ap-northeast-1=172.16.0.0/12', 'line.ike'],
    ['x probes=maybe hub:jp@ap-northeast-1=172.16.0.0/12', 'line.probes'],
    ['x hub-jp-ap-northeast-1', 'line.unknown-token'],
    ['x hub:jp@ap-northeast-1', 'line.site-syntax'],
    ['x hub:jp@ap-northeast-1=172.16.0.0/12;colour=red', 'line.site-option'],
    ['x', 'line.no-sites'],
  ])('refuses %j with %s', (text, code) => {
    const r = parseTopologyLine(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.code)).toContain(code);
  });

  it('refuses an unknown role through the same schema as YAML', () => {
    const r = parseTopologyLine('x core:jp@ap-northeast-1=172.16.0.0/12');
    expect(r).toMatchObject({ ok: false, problems: [{ code: 'schema.invalid-value', path: 'sites[0].role' }] });
  });

  it.each(['sed', 'Seeed', 'sede'])('a word a typo away from seed (%s) asks "did you mean seed"', (text) => {
    const r = parseTopologyLine(text);
    expect(r).toMatchObject({
      ok: false,
      problems: [{ code: 'line.no-sites', hint: expect.stringContaining('did you mean `seed`') }],
    });
  });

  it('a name far from seed gets the usual example', () => {
    const r = parseTopologyLine('corp');
    expect(r).toMatchObject({
      ok: false,
      problems: [{ code: 'line.no-sites', hint: expect.stringMatching(/^e\.g\. /) }],
    });
  });
});
