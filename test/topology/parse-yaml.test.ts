import { parseTopologyYaml } from '../../src/topology/parse-yaml';
import { topologyFromYaml } from '../../src/topology/load-topology';

const FULL = `
name: ikev1test
ike: v1
probes: true
sites:
  - name: hongkong
    role: dc
    region: cn-hongkong
    zone: cn-hongkong-b
    cidrs: [192.168.0.0/16]
    vswitchCidr: 192.168.1.0/24
    hub: japan
    existing: { vpc: vpc-j6c1abc, vpnGateway: vpn-j6c2abc, customerGateway: cgw-j6c3abc }
  - name: japan
    role: hub
    region: ap-northeast-1
    cidrs: [172.16.0.0/12]
    existing: { cen: cen-abc123 }
  - name: office
    role: dc
    hub: japan
    cidrs: [192.170.0.0/16]
    onPremises: { publicIp: 203.0.113.10 }
  - name: us
    role: spoke
    region: us-west-1
    cidrs: [10.0.0.0/8]
`;

describe('YAML topology', () => {
  it('accepts every key of the full form and fills defaults', () => {
    const r = topologyFromYaml(FULL);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [hk, jp, office, us] = r.value.sites;
    expect(hk).toMatchObject({
      vswitchCidr: '192.168.1.0/24',
      zone: 'cn-hongkong-b',
      hub: 'japan',
      existing: { vpc: 'vpc-j6c1abc' },
    });
    expect(jp).toMatchObject({
      zone: 'ap-northeast-1a',
      vswitchCidr: '172.16.0.0/24',
      existing: { cen: 'cen-abc123' },
    });
    expect(office).toMatchObject({ onPremises: { publicIp: '203.0.113.10' }, region: 'ap-northeast-1' });
    expect(office!.vswitchCidr).toBeUndefined();
    expect(us!.hub).toBeUndefined();
  });

  it('defaults ike to v1 and probes to true', () => {
    const r = topologyFromYaml(
      'name: t\nsites:\n  - {name: h, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12]}\n',
    );
    expect(r).toMatchObject({ ok: true, value: { ike: 'v1', probes: true } });
  });

  it.each([
    ['top level', 'name: t\nikev: v2\nsites: []\n', 'ikev', 'did you mean "ike"?'],
    [
      'a site',
      'name: t\nsites:\n  - {name: h, role: hub, region: ap-northeast-1, cidr: [172.16.0.0/12]}\n',
      'sites[0].cidr',
      'did you mean "cidrs"?',
    ],
    [
      'existing',
      'name: t\nsites:\n  - {name: h, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12], existing: {vpnGw: vpn-1}}\n',
      'sites[0].existing.vpnGw',
      'did you mean "vpnGateway"?',
    ],
  ])('rejects an unknown key in %s by name', (_where, text, path, hint) => {
    const r = parseTopologyYaml(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toContainEqual(expect.objectContaining({ code: 'schema.unknown-key', path, hint }));
  });

  it('rejects an unknown role and a wrong ike value, listing the choices', () => {
    const r = parseTopologyYaml(
      'name: t\nike: v3\nsites:\n  - {name: h, role: router, region: ap-northeast-1, cidrs: [172.16.0.0/12]}\n',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'schema.invalid-value',
          path: 'ike',
          message: 'the text "v3" is not allowed here: must be one of "v1", "v2"',
          hint: 'use one of v1, v2',
        }),
        expect.objectContaining({ code: 'schema.invalid-value', path: 'sites[0].role' }),
      ]),
    );
  });

  it('reports YAML syntax errors with their position', () => {
    const r = parseTopologyYaml('name: t\nsites: [\n');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]).toMatchObject({ code: 'yaml.syntax' });
    expect(r.problems[0]!.path).toMatch(/^line \d+, column \d+$/);
  });

  it('refuses a document that is not a mapping, and missing required keys', () => {
    expect(parseTopologyYaml('- a\n- b\n')).toMatchObject({ ok: false, problems: [{ code: 'yaml.not-a-mapping' }] });
    const r = parseTopologyYaml('ike: v1\n');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.code, p.path])).toEqual(
      expect.arrayContaining([
        ['schema.missing', 'name'],
        ['schema.missing', 'sites'],
      ]),
    );
  });
});
