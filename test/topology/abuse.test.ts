/**
 * The topology language under abuse and at scale: inputs that used to crash, cost that grew with
 * the square of the input, words that were wrong or missing, values passed on as typed.
 */
import { formatProblems, type Problem } from '../../src/errors';
import { readTopologyArg } from '../../commands/cli/read-topology';
import { buildPlan } from '../../src/planner/build-plan';
import { EMPTY_OBSERVED } from '../../src/planner/observed';
import { renderPlan } from '../../src/planner/render-plan';
import { topologyFromLine, topologyFromYaml } from '../../src/topology/load-topology';
import { parseTopologyYaml } from '../../src/topology/parse-yaml';
import { DEFAULT_IPSEC_CONNECTION_QUOTA, type ValidationOptions } from '../../src/topology/validate';
import { captureIo } from '../helpers/cli-io';
import { seedTopology, yamlTopology } from '../helpers/topologies';

function refused(text: string, options?: ValidationOptions): Problem[] {
  const r = topologyFromYaml(text, options);
  if (r.ok) throw new Error('expected the topology to be refused');
  return r.problems;
}

const HUB = '  - {name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12]}\n';
const doc = (...sites: string[]) => `name: t\nsites:\n${sites.join('')}`;

/** A hub, a DC and `n` spokes with one /16 each (10.i.0.0/16 in region us-west-1). */
function spokes(n: number, ike = 'v1'): string {
  const lines = [HUB, '  - {name: hk, role: dc, region: cn-hongkong, cidrs: [192.168.0.0/16]}\n'];
  for (let i = 0; i < n; i++)
    lines.push(
      `  - {name: s${i}, role: spoke, region: us-west-1, cidrs: [${10 + Math.floor(i / 256)}.${i % 256}.0.0/16]}\n`,
    );
  return `name: t\nike: ${ike}\nsites:\n${lines.join('')}`;
}

describe('inputs that used to escape as internal errors', () => {
  it.each([
    [
      'an alias with no anchor',
      'name: t\nsites:\n  - {name: a, role: hub, region: ap-northeast-1, cidrs: [10.0.0.0/8], hub: *j}\n',
      'yaml.alias-unresolved',
      /alias \*j/,
    ],
    ['an alias before its anchor', 'name: *n\nx: &n t\n', 'yaml.alias-unresolved', /\*n refers to no anchor/],
    [
      'an alias bomb',
      'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
      'yaml.alias-limit',
      /aliases more than/,
    ],
    ['a YAML 1.1 merge key with a non-map value', '%YAML 1.1\n---\nname: t\n<<: x\n', 'yaml.merge-key', /merge key/],
    ['deep nesting in flow style', `name: ${'['.repeat(20000)}${']'.repeat(20000)}\n`, 'yaml.too-deep', /nests/],
    ['deep nesting of flow mappings', `name: ${'{a: '.repeat(20000)}1${'}'.repeat(20000)}\n`, 'yaml.too-deep', /nests/],
  ])('%s is refused with its own words', (_what, text, code, words) => {
    const r = parseTopologyYaml(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]).toMatchObject({ code });
    expect(r.problems[0]!.message).toMatch(words);
    expect(formatProblems(r.problems)).not.toMatch(/call stack|ReferenceError|resource exhaustion/i);
  });

  it('a 400-spoke topology within raised quotas plans and renders (the renderer no longer spreads steps)', () => {
    const text = spokes(400);
    const t = yamlTopology(text, { ipsecConnectionQuota: 1000, securityGroupRuleQuota: 1000 });
    const plan = buildPlan(t, EMPTY_OBSERVED);
    expect(plan.steps.length).toBeGreaterThan(160_000);
    const rendered = renderPlan(plan, t);
    expect(rendered).toContain(`Plan: ${plan.summary.create} to create`);
  });
});

describe('cost that grows with the input, not its square', () => {
  it.each([2000, 5000])('one site listing one CIDR %i times gets one short refusal with a count', (n) => {
    const cidrs = Array.from({ length: n }, () => '10.0.0.0/8').join(', ');
    const problems = refused(doc(HUB, `  - {name: us, role: spoke, region: us-west-1, cidrs: [${cidrs}]}\n`));
    const overlap = problems.find((p) => p.code === 'cidr.overlap')!;
    expect(overlap).toMatchObject({
      message: '10.0.0.0/8 is listed more than once within site "us"',
      count: n - 1,
      hint: 'list each network once',
    });
    expect(problems.map((p) => p.code).sort()).toEqual(['cidr.overlap', 'cidr.too-many']);
    expect(formatProblems(problems).length).toBeLessThan(600);
  });

  it('distinct overlapping CIDRs across many sites are each reported once, against their innermost container', () => {
    const sites = Array.from(
      { length: 50 },
      (_, i) => `  - {name: s${i}, role: spoke, region: us-west-1, cidrs: [10.${i}.0.0/16]}\n`,
    );
    const problems = refused(
      doc(HUB, '  - {name: big, role: spoke, region: us-west-1, cidrs: [10.0.0.0/8]}\n', ...sites),
    );
    const overlaps = problems.filter((p) => p.code === 'cidr.overlap');
    expect(overlaps).toHaveLength(50);
    expect(overlaps[0]!.message).toBe(
      '10.0.0.0/8 and 10.0.0.0/16 overlap between sites "big" and "s0": both contain 10.0.0.0/16',
    );
  });

  it('more problems than fit on a screen are capped, the rest counted', () => {
    const sites = Array.from(
      { length: 60 },
      (_, i) => `  - {name: s${i}, role: spoke, region: mars-${i}, cidrs: [10.${i}.0.0/16]}\n`,
    );
    const problems = refused(doc(HUB, ...sites));
    expect(problems.length).toBeGreaterThanOrEqual(60);
    const text = formatProblems(problems);
    expect(text.split('\n')).toHaveLength(21);
    expect(text).toMatch(/\.\.\. and \d+ more problems/);
  });

  it('security group rules within the quota, or one refusal naming it', () => {
    const problems = refused(spokes(400));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'security-group.quota' });
    expect(problems[0]!.message).toMatch(
      /would carry 401 rules .* over the quota of 200 per security group; 402 sites are over it/,
    );
    expect(problems[0]!.hint).toContain('VPNBOT_SECURITY_GROUP_RULE_QUOTA');
    // 150 spokes are within the rule quota; their 151 networks behind the hub need as many IKEv1 connections.
    expect(topologyFromYaml(spokes(150), { ipsecConnectionQuota: 151 }).ok).toBe(true);
  });

  it('a VPC holds at most six CIDR blocks', () => {
    const cidrs = Array.from({ length: 7 }, (_, i) => `10.${i}.0.0/16`).join(', ');
    expect(
      refused(doc(HUB, `  - {name: us, role: spoke, region: us-west-1, cidrs: [${cidrs}]}\n`)).map((p) => p.code),
    ).toEqual(['cidr.too-many']);
  });
});

describe('exact words', () => {
  it.each([
    [
      'cidrs as a string',
      'cidrs: 192.168.0.0/16',
      'sites[0].cidrs',
      'cidrs must be a list, got the text "192.168.0.0/16"',
      'write it as a list: cidrs: [192.168.0.0/16]',
    ],
    [
      'probes: yes',
      'probes: yes',
      'probes',
      'probes must be true or false, got the text "yes"',
      'write probes: true or probes: false (YAML reads yes/no/on/off as text)',
    ],
  ])(
    'a value of the wrong type (%s) says what was expected and what was given',
    (_what, field, path, message, hint) => {
      const text = field.startsWith('cidrs')
        ? `name: t\nsites:\n  - name: jp\n    role: hub\n    region: ap-northeast-1\n    ${field}\n`
        : `name: t\n${field}\nsites:\n${HUB}`;
      expect(refused(text)).toEqual([{ code: 'schema.invalid-type', path, message, hint }]);
    },
  );

  it('sites as a mapping is a wrong type, not a missing key', () => {
    expect(refused('name: t\nsites:\n  jp: {role: hub}\n')).toEqual([
      {
        code: 'schema.invalid-type',
        path: 'sites',
        message: 'sites must be a list, got a mapping',
        hint: 'write each site as a list item: "  - name: japan" on its own line',
      },
    ]);
  });

  it('a mask past /32 on a VPC says what a VPC needs', () => {
    expect(
      refused(doc('  - {name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/33]}\n'))[0],
    ).toMatchObject({
      code: 'cidr.mask',
      message: 'a VPC CIDR needs a mask from /8 to /28, got /33 (site "jp")',
    });
  });

  it('echoes a bad enum value and suggests the right one', () => {
    const problems = refused(
      'name: t\nike: IKEv1\nsites:\n  - {name: jp, role: DC, region: ap-northeast-1, cidrs: [172.16.0.0/12]}\n',
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: 'ike',
          message: expect.stringContaining('"IKEv1"'),
          hint: 'did you mean "v1"?',
        }),
        expect.objectContaining({
          path: 'sites[0].role',
          message: expect.stringContaining('"DC"'),
          hint: 'did you mean "dc"?',
        }),
      ]),
    );
  });

  it('tab indentation is one problem that says to use spaces', () => {
    expect(
      refused('name: t\nsites:\n\t- name: jp\n\t  role: hub\n\t  region: ap-northeast-1\n\t  cidrs: [172.16.0.0/12]\n'),
    ).toEqual([
      {
        code: 'yaml.tab-indent',
        path: 'line 3',
        message: 'line 3 is indented with a tab',
        hint: 'YAML indents with spaces only: replace each tab with spaces',
      },
    ]);
  });

  /** Realistic mistakes a new user makes; each must be refused with a code, a path and a hint. */
  const MISTAKES: readonly string[] = [
    doc('  - {name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0/12]}\n'),
    doc('  - {name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0]}\n'),
    doc('  - {name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.5.1/12]}\n'),
    doc('  - {name: jp, role: hub, region: ap-northeast-1, cidrs: [100.64.0.0/16]}\n'),
    doc('  - {name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12, 172.17.0.0/16]}\n'),
    doc('  - {name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12], vswitchCidr: 10.0.0.0/24}\n'),
    doc('  - {name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12], vswitchCidr: 172.16.0.0/30}\n'),
    doc('  - {name: jp, role: hub, region: tokyo, cidrs: [172.16.0.0/12]}\n'),
    doc('  - {name: jp, role: hub, region: ap-northeast-1, zone: us-west-1a, cidrs: [172.16.0.0/12]}\n'),
    doc('  - {name: jp, role: hub, region: ap-northeast-1, zone: ap-northeast-1z, cidrs: [172.16.0.0/12]}\n'),
    doc(HUB, '  - {name: jp, role: spoke, region: us-west-1, cidrs: [10.0.0.0/8]}\n'),
    doc('  - {name: Tokyo_Hub, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12]}\n'),
    doc('  - {name: hk, role: dc, region: cn-hongkong, cidrs: [192.168.0.0/16]}\n'),
    doc('  - {name: hk, role: dc, region: cn-hongkong, cidrs: [192.168.0.0/16], hub: jpn}\n', HUB),
    doc('  - {name: us, role: spoke, region: us-west-1, cidrs: [10.0.0.0/8]}\n'),
    doc('  - {name: o, role: dc, cidrs: [192.168.0.0/16], onPremises: {publicIp: 127.0.0.1}}\n', HUB),
    doc('  - {name: o, role: dc, cidrs: [192.168.0.0/16]}\n', HUB),
    doc('  - {name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12], existing: {vpc: vsw-123}}\n'),
    doc('  - {name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12], existing: {vpnGateway: vpn-123}}\n'),
    'name: t\nikev: v2\nsites: []\n',
    'name: t\nsites:\n  - {name: jp, role: router, region: ap-northeast-1, cidrs: [172.16.0.0/12]}\n',
    'ike: v1\n',
    'name: t\nsites: [\n',
  ];

  it.each(MISTAKES.map((m, i) => [i, m]))('mistake %i is refused with a code, a path and a hint', (_i, text) => {
    for (const p of refused(text as string)) {
      expect(p.code).toMatch(/^[a-z0-9-]+\.[a-z0-9-]+$/);
      expect(typeof p.path).toBe('string');
      expect(p.hint.length).toBeGreaterThan(5);
    }
  });
});

describe('values in canonical form', () => {
  it('CIDRs with a padded mask or white space are planned and sent in canonical form', () => {
    const t = yamlTopology(
      doc(
        '  - {name: jp, role: hub, region: ap-northeast-1, cidrs: ["172.16.0.0/012"]}\n',
        '  - {name: us, role: spoke, region: " us-west-1\t", cidrs: ["\t10.0.0.0/08 "]}\n',
      ),
    );
    expect(t.sites.map((s) => s.cidrs)).toEqual([['172.16.0.0/12'], ['10.0.0.0/8']]);
    expect(t.sites[1]!.region).toBe('us-west-1');
    const plan = buildPlan(t, EMPTY_OBSERVED);
    const sent = JSON.stringify(plan.steps.map((s) => s.params));
    expect(sent).not.toMatch(/\/0\d|\t| 10\./);
    const vpc = plan.steps.find((s) => s.id === 'vpc:us')!;
    expect(vpc.kind === 'vpc' && vpc.action !== 'delete' && vpc.params.cidrBlock).toBe('10.0.0.0/8');
  });

  it("zones are checked against the region's zone list, or the connected cloud's", () => {
    const text = (zone: string) =>
      doc(`  - {name: jp, role: hub, region: cn-hongkong, zone: ${zone}, cidrs: [172.16.0.0/12]}\n`);
    expect(refused(text('cn-hongkong-zzz'))[0]).toMatchObject({
      code: 'zone.unknown',
      hint: expect.stringContaining('cn-hongkong-b'),
    });
    expect(topologyFromYaml(text('cn-hongkong-b')).ok).toBe(true);
    const options = {
      ipsecConnectionQuota: DEFAULT_IPSEC_CONNECTION_QUOTA,
      zonesOf: (r: string) => (r === 'cn-hongkong' ? ['cn-hongkong-zzz'] : undefined),
    };
    expect(topologyFromYaml(text('cn-hongkong-zzz'), options).ok).toBe(true);
    expect(topologyFromYaml(text('cn-hongkong-b'), options).ok).toBe(false);
  });

  it('the same topology written in another order is the same plan', () => {
    const sites = [
      '  - {name: hk, role: dc, region: cn-hongkong, cidrs: [192.168.0.0/16]}\n',
      HUB,
      '  - {name: us, role: spoke, region: us-west-1, cidrs: [10.0.0.0/8]}\n',
      '  - {name: eu, role: spoke, region: eu-central-1, cidrs: [11.0.0.0/16]}\n',
    ];
    for (const ike of ['v1', 'v2']) {
      const a = yamlTopology(`name: t\nike: ${ike}\nsites:\n${sites.join('')}`);
      const b = yamlTopology(`name: t\nike: ${ike}\nsites:\n${[...sites].reverse().join('')}`);
      expect(buildPlan(b, EMPTY_OBSERVED).hash).toBe(buildPlan(a, EMPTY_OBSERVED).hash);
    }
  });

  it('the seed plan is unchanged by canonical ordering (walkthrough names, CEN in Tokyo)', () => {
    const plan = buildPlan(seedTopology(), EMPTY_OBSERVED);
    expect(plan.steps.find((s) => s.kind === 'cen')!.region).toBe('ap-northeast-1');
    expect(
      plan.steps.flatMap((s) => (s.kind === 'ipsec-connection' && s.action !== 'delete' ? [s.params.name] : [])).sort(),
    ).toEqual([
      'ikev1test-hongkong-to-japan',
      'ikev1test-hongkong-to-us',
      'ikev1test-japan-to-hongkong',
      'ikev1test-us-to-hongkong',
    ]);
  });
});

describe('the CLI takes the one-line form wherever Slack does', () => {
  const options = { ipsecConnectionQuota: DEFAULT_IPSEC_CONNECTION_QUOTA };
  it.each(['seed', 'SEED', ' Seed '])('%j is the walkthrough', async (arg) => {
    expect(await readTopologyArg(arg, captureIo(), options)).toMatchObject({ ok: true, value: { name: 'ikev1test' } });
  });

  it('a one-line topology is read as such, not as a file path', async () => {
    const r = await readTopologyArg(
      'corp dc:hk@cn-hongkong=192.168.0.0/16 hub:jp@ap-northeast-1=172.16.0.0/12',
      captureIo(),
      options,
    );
    expect(r).toMatchObject({ ok: true, value: { name: 'corp' } });
    expect(topologyFromLine('corp dc:hk@cn-hongkong=192.168.0.0/16 hub:jp@ap-northeast-1=172.16.0.0/12').ok).toBe(true);
  });

  it('a missing file says what else can be given', async () => {
    const r = await readTopologyArg('no-such-file.yml', captureIo(), options);
    expect(r).toMatchObject({ ok: false, problems: expect.stringContaining('ENOENT (give a YAML file') });
  });
});
