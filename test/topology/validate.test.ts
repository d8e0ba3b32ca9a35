import { topologyFromYaml } from '../../src/topology/load-topology';
import { BIG_DC_YAML, yamlProblemCodes } from '../helpers/topologies';

const site = (fields: string) => `  - {${fields}}\n`;
const doc = (...sites: string[]) => `name: t\nsites:\n${sites.join('')}`;
const HUB = site('name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12]');
const DC = site('name: hk, role: dc, region: cn-hongkong, cidrs: [192.168.0.0/16]');

function problemsOf(text: string) {
  const r = topologyFromYaml(text);
  if (r.ok) throw new Error('expected problems');
  return r.problems;
}

describe('validateTopology', () => {
  it('accepts a well-formed topology', () => {
    expect(topologyFromYaml(doc(DC, HUB)).ok).toBe(true);
  });

  it('malformed CIDR and mask', () => {
    expect(yamlProblemCodes(doc(site('name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0/12]')))).toEqual([
      'cidr.malformed',
    ]);
    expect(yamlProblemCodes(doc(site('name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0]')))).toEqual([
      'cidr.mask',
    ]);
    expect(yamlProblemCodes(doc(site('name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/30]')))).toEqual([
      'cidr.mask',
    ]);
  });

  it('host bits set: suggests the network address', () => {
    const [p] = problemsOf(doc(site('name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.5.1/12]')));
    expect(p).toMatchObject({ code: 'cidr.host-bits', path: 'sites[0].cidrs[0]', hint: 'did you mean 172.16.0.0/12?' });
  });

  it('reserved ranges', () => {
    expect(yamlProblemCodes(doc(site('name: jp, role: hub, region: ap-northeast-1, cidrs: [100.64.0.0/16]')))).toEqual([
      'cidr.reserved',
    ]);
  });

  it('overlapping CIDRs between sites: names both sites and the overlap', () => {
    const [p] = problemsOf(doc(site('name: hk, role: dc, region: cn-hongkong, cidrs: [172.16.4.0/24]'), HUB));
    expect(p!.code).toBe('cidr.overlap');
    expect(p!.message).toBe(
      '172.16.4.0/24 and 172.16.0.0/12 overlap between sites "hk" and "jp": both contain 172.16.4.0/24',
    );
  });

  it('overlapping CIDRs within one site', () => {
    const [p] = problemsOf(
      doc(site('name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12, 172.17.0.0/16]')),
    );
    expect(p!.message).toContain('within site "jp"');
  });

  it('vSwitch CIDR outside its VPC, and a bad vSwitch mask', () => {
    const [p] = problemsOf(
      doc(site('name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12], vswitchCidr: 10.0.0.0/24')),
    );
    expect(p).toMatchObject({ code: 'vswitch.outside', path: 'sites[0].vswitchCidr', hint: 'e.g. 172.16.0.0/24' });
    expect(
      yamlProblemCodes(
        doc(site('name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12], vswitchCidr: 172.16.0.0/30')),
      ),
    ).toEqual(['vswitch.mask']);
  });

  it('unknown region: suggests the closest id, by id or by city name', () => {
    expect(
      problemsOf(doc(site('name: jp, role: hub, region: ap-northeast1, cidrs: [172.16.0.0/12]')))[0],
    ).toMatchObject({ code: 'region.unknown', hint: 'did you mean ap-northeast-1?' });
    expect(problemsOf(doc(site('name: jp, role: hub, region: tokyo, cidrs: [172.16.0.0/12]')))[0]).toMatchObject({
      hint: 'did you mean ap-northeast-1?',
    });
    expect(problemsOf(doc(site('name: jp, role: hub, region: cn-hongkng, cidrs: [172.16.0.0/12]')))[0]).toMatchObject({
      hint: 'did you mean cn-hongkong?',
    });
  });

  it('zone outside the region', () => {
    expect(
      yamlProblemCodes(
        doc(site('name: jp, role: hub, region: ap-northeast-1, zone: us-west-1a, cidrs: [172.16.0.0/12]')),
      ),
    ).toEqual(['zone.wrong-region']);
  });

  it('duplicate names', () => {
    const [p] = problemsOf(doc(HUB, site('name: jp, role: spoke, region: us-west-1, cidrs: [10.0.0.0/8]')));
    expect(p).toMatchObject({ code: 'site.duplicate', path: 'sites[1].name' });
  });

  it('invalid names', () => {
    expect(
      problemsOf(doc(site('name: Tokyo_Hub, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12]')))[0],
    ).toMatchObject({ code: 'name.invalid', hint: 'e.g. "tokyo-hub"' });
  });

  it('a dc without a hub', () => {
    expect(yamlProblemCodes(doc(DC))).toEqual(['dc.no-hub']);
    expect(
      yamlProblemCodes(doc(DC, HUB, site('name: jp2, role: hub, region: us-west-1, cidrs: [10.0.0.0/8]'))),
    ).toEqual(['dc.hub-ambiguous']);
    expect(
      problemsOf(doc(site('name: hk, role: dc, region: cn-hongkong, cidrs: [192.168.0.0/16], hub: jpn'), HUB))[0],
    ).toMatchObject({ code: 'dc.hub-unknown', hint: 'did you mean "jp"?' });
    expect(
      yamlProblemCodes(
        doc(
          site('name: hk, role: dc, region: cn-hongkong, cidrs: [192.168.0.0/16], hub: us'),
          HUB,
          site('name: us, role: spoke, region: us-west-1, cidrs: [10.0.0.0/8]'),
        ),
      ),
    ).toEqual(['dc.hub-not-hub']);
  });

  it('a spoke without any hub/CEN', () => {
    expect(yamlProblemCodes(doc(site('name: us, role: spoke, region: us-west-1, cidrs: [10.0.0.0/8]')))).toEqual([
      'spoke.no-hub',
    ]);
  });

  it('more IPsec connections on one gateway than the quota', () => {
    const problems = problemsOf(BIG_DC_YAML('v1'));
    expect(problems.map((p) => p.code)).toEqual(['ipsec.quota', 'ipsec.quota']);
    expect(problems[0]!.message).toBe(
      'the VPN gateway of "hub" would carry 12 IPsec connections, over the quota of 10 per gateway',
    );
    expect(problems[0]!.hint).toContain('ike: v2');
    expect(topologyFromYaml(BIG_DC_YAML('v1'), { ipsecConnectionQuota: 12 }).ok).toBe(true);
    expect(topologyFromYaml(BIG_DC_YAML('v2')).ok).toBe(true);
  });

  it('an IKEv2 connection carrying more than 5 CIDRs on a side (the cloud refuses it at apply)', () => {
    const spokes = Array.from(
      { length: 5 },
      (_, i) => `  - { name: s${i}, role: spoke, region: us-west-1, cidrs: [10.${i}.0.0/16] }`,
    ).join('\n');
    const yaml = BIG_DC_YAML('v2').replace(/ {2}- \{ name: us[^\n]*\n {2}- \{ name: sg[^\n]*\n?/, `${spokes}\n`);
    const problems = problemsOf(yaml);
    expect(problems.map((p) => p.code)).toEqual(['ipsec.selector-limit']);
    expect(problems[0]!.message).toBe(
      'the IKEv2 connection between "dc1" and "hub" would carry 7 CIDRs behind hub "hub"; Alibaba Cloud takes at most 5 per side',
    );
    expect(problems[0]!.hint).toContain('summarise');
  });

  it('on-premises: only a dc, with a usable public IP, and nothing to adopt', () => {
    expect(
      yamlProblemCodes(doc(site('name: o, role: dc, cidrs: [192.168.0.0/16], onPremises: {publicIp: 127.0.0.1}'), HUB)),
    ).toEqual(['on-premises.bad-ip']);
    expect(
      yamlProblemCodes(
        doc(
          HUB,
          site('name: us, role: spoke, region: us-west-1, cidrs: [10.0.0.0/8], onPremises: {publicIp: 8.8.8.8}'),
        ),
      ),
    ).toEqual(['on-premises.not-dc']);
    expect(
      yamlProblemCodes(
        doc(
          site('name: o, role: dc, cidrs: [192.168.0.0/16], onPremises: {publicIp: 8.8.8.8}, existing: {vpc: vpc-abc}'),
          HUB,
        ),
      ),
    ).toEqual(['existing.on-premises']);
    expect(yamlProblemCodes(doc(site('name: o, role: dc, cidrs: [192.168.0.0/16]'), HUB))).toEqual(['schema.missing']);
  });

  it("on-premises owners: Slack user and group ids, kept once each; one site per device's address", () => {
    const r = topologyFromYaml(
      doc(
        site(
          'name: o, role: dc, cidrs: [192.168.0.0/16], onPremises: {publicIp: 8.8.8.8, owners: [U012AB3CD, S0614TZR7, U012AB3CD]}',
        ),
        HUB,
      ),
    );
    expect(r.ok && r.value.sites[0]!.onPremises).toEqual({ publicIp: '8.8.8.8', owners: ['U012AB3CD', 'S0614TZR7'] });
    const [bad] = problemsOf(
      doc(site('name: o, role: dc, cidrs: [192.168.0.0/16], onPremises: {publicIp: 8.8.8.8, owners: [alice]}'), HUB),
    );
    expect(bad).toMatchObject({ code: 'on-premises.bad-owner', path: 'sites[0].onPremises.owners[0]' });
    const [twice] = problemsOf(
      doc(
        site('name: o, role: dc, cidrs: [192.168.0.0/16], onPremises: {publicIp: 8.8.8.8}'),
        site('name: p, role: dc, cidrs: [192.169.0.0/16], onPremises: {publicIp: 8.8.8.8}'),
        HUB,
      ),
    );
    expect(twice).toMatchObject({ code: 'on-premises.same-ip', path: 'sites[1].onPremises.publicIp' });
  });

  it('existing ids: role, format, gateway without VPC, one CEN', () => {
    expect(
      yamlProblemCodes(
        doc(
          HUB,
          site(
            'name: us, role: spoke, region: us-west-1, cidrs: [10.0.0.0/8], existing: {vpc: vpc-a1, vpnGateway: vpn-a2}',
          ),
        ),
      ),
    ).toEqual(['existing.not-for-role']);
    expect(
      yamlProblemCodes(
        doc(site('name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12], existing: {vpc: vsw-123}')),
      ),
    ).toEqual(['existing.bad-id']);
    expect(
      yamlProblemCodes(
        doc(
          site('name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12], existing: {vpnGateway: vpn-123}'),
        ),
      ),
    ).toEqual(['existing.gateway-without-vpc']);
    expect(
      yamlProblemCodes(
        doc(
          site('name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12], existing: {cen: cen-1}'),
          site('name: us, role: spoke, region: us-west-1, cidrs: [10.0.0.0/8], existing: {cen: cen-2}'),
        ),
      ),
    ).toEqual(['existing.cen-conflict']);
  });

  it('collects every problem in one pass', () => {
    const codes = yamlProblemCodes(
      doc(
        site('name: hk, role: dc, region: hongkong, cidrs: [192.168.1.0/16]'),
        site('name: hk, role: spoke, region: us-west-1, cidrs: [10.0.0.0/8]'),
      ),
    );
    expect(codes).toEqual(
      expect.arrayContaining(['cidr.host-bits', 'region.unknown', 'site.duplicate', 'dc.no-hub', 'spoke.no-hub']),
    );
  });
});

describe('interRegionBandwidth: what the connections between transit routers carry', () => {
  const withBandwidth = (value: string) => `name: t\ninterRegionBandwidth: ${value}\nsites:\n${DC}${HUB}`;
  const read = (value: string) => {
    const r = topologyFromYaml(withBandwidth(value));
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    return r.value.interRegionBandwidth;
  };

  it('the test bandwidth by default (or said so), pay-by-data-transfer with a cap, or a bandwidth plan by id', () => {
    expect(topologyFromYaml(doc(DC, HUB))).toMatchObject({ ok: true, value: { name: 't' } });
    expect(read('test')).toBeUndefined();
    expect(read('{ dataTransferMbps: 20 }')).toEqual({ type: 'data-transfer', mbps: 20 });
    expect(read('{ plan: cenbwp-abc123, mbps: 5 }')).toEqual({ type: 'plan', planId: 'cenbwp-abc123', mbps: 5 });
  });

  it('refuses anything else by name, with the forms it takes', () => {
    expect(problemsOf(withBandwidth('fast'))).toEqual([
      expect.objectContaining({
        code: 'bandwidth.form',
        path: 'interRegionBandwidth',
        hint: expect.stringContaining('dataTransferMbps'),
      }),
    ]);
    expect(problemsOf(withBandwidth('{ dataTransferMbps: 0 }'))).toEqual([
      expect.objectContaining({ code: 'bandwidth.mbps', path: 'interRegionBandwidth.dataTransferMbps' }),
    ]);
    expect(problemsOf(withBandwidth('{ plan: bwp-1, mbps: 5 }')).map((p) => p.code)).toEqual(['bandwidth.plan']);
    expect(problemsOf(withBandwidth('{ plan: cenbwp-1 }')).map((p) => p.code)).toEqual(['bandwidth.mbps']);
    expect(problemsOf(withBandwidth('{ dataTransfer: 5 }'))).toEqual([
      expect.objectContaining({ code: 'schema.unknown-key', hint: 'did you mean "dataTransferMbps"?' }),
    ]);
    expect(problemsOf(withBandwidth('{ dataTransferMbps: 5, plan: cenbwp-1, mbps: 5 }')).map((p) => p.code)).toEqual([
      'bandwidth.form',
    ]);
  });
});
