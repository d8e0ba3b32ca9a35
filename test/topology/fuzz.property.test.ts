/**
 * Property-based: thousands of generated and mutated topologies, YAML documents and one-line texts
 * through the parsers, the validator, the planner and the renderer. Nothing throws; every refusal
 * carries a code, a path and a hint; every accepted topology plans, renders and hashes the same
 * whatever the order of its sites. Speed per input is measured by `npm run bench` (topology fuzz),
 * not asserted here.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { Result } from '../../src/errors';
import { buildPlan } from '../../src/planner/build-plan';
import { EMPTY_OBSERVED } from '../../src/planner/observed';
import { renderPlan } from '../../src/planner/render-plan';
import { topologyFromLine, topologyFromYaml } from '../../src/topology/load-topology';
import type { Topology } from '../../src/topology/model';
import { LINE_EXAMPLES } from '../../src/topology/parse-line';
import { SEED_YAML } from '../../src/topology/seed';

/** Runs per property (six properties, ~2,000 inputs in all by default); VPNBOT_FUZZ_RUNS=5000 for the long run. */
const RUNS = Number(process.env.VPNBOT_FUZZ_RUNS ?? 350);

/** Total: a value, or problems each with a stable code, a path and a hint. Plans what it accepts. */
function checkAnswer(r: Result<Topology>): void {
  // Plain checks, not expect(): this runs thousands of times and jest's matchers cost more than the parser.
  if (!r.ok) {
    if (r.problems.length === 0) throw new Error('refused without a problem');
    for (const p of r.problems) {
      const whole =
        /^[a-z0-9-]+\.[a-z0-9-]+$/.test(p.code) &&
        typeof p.path === 'string' &&
        typeof p.message === 'string' &&
        p.hint.length > 0;
      if (!whole) throw new Error(`problem without a code, path or hint: ${JSON.stringify(p)}`);
    }
    return;
  }
  const plan = buildPlan(r.value, EMPTY_OBSERVED);
  if (!renderPlan(plan, r.value).includes('Plan:')) throw new Error('rendered plan has no summary');
  const reversed: Topology = { ...r.value, sites: [...r.value.sites].reverse() };
  const again = buildPlan(reversed, EMPTY_OBSERVED).hash;
  if (again !== plan.hash) throw new Error(`site order changed the hash of ${r.value.name}`);
}

const octet = fc.integer({ min: 0, max: 255 });
const cidrText = fc.oneof(
  fc
    .tuple(fc.constantFrom(10, 172, 192, 100, 127, 11), octet, fc.integer({ min: 0, max: 40 }))
    .map(([a, b, p]) => `${a}.${b}.0.0/${p}`),
  fc
    .tuple(octet, octet, octet, octet, fc.integer({ min: 0, max: 33 }))
    .map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`),
  fc.constantFrom(
    '10.0.0.0/8',
    '172.16.0.0/12',
    '192.168.0.0/16',
    '10.0.0.0/08',
    ' 10.1.0.0/16\t',
    '10.0.0.0',
    '10.0.0/8',
    'x',
    '',
  ),
  fc.string({ maxLength: 20 }),
);
const siteName = fc.oneof(
  fc.constantFrom('hk', 'jp', 'us', 'eu', 'sg', 'Tokyo_Hub', ''),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
);
const region = fc.oneof(
  fc.constantFrom('cn-hongkong', 'ap-northeast-1', 'us-west-1', 'eu-central-1', 'tokyo', 'mars-1'),
  fc.string({ maxLength: 12 }),
);
const role = fc.oneof(fc.constantFrom('dc', 'hub', 'spoke'), fc.constantFrom('DC', 'router', ''));

const siteObject = fc.record(
  {
    name: siteName,
    role,
    region,
    zone: fc.constantFrom('cn-hongkong-b', 'cn-hongkong-zzz', 'ap-northeast-1a', 'us-west-1b'),
    cidrs: fc.array(cidrText, { minLength: 0, maxLength: 4 }),
    vswitchCidr: cidrText,
    hub: siteName,
    onPremises: fc.record({ publicIp: fc.constantFrom('203.0.113.10', '127.0.0.1', '8.8.8.8', 'nope') }),
    existing: fc.record(
      {
        vpc: fc.constantFrom('vpc-abc1', 'vsw-1'),
        vpnGateway: fc.constantFrom('vpn-abc2'),
        cen: fc.constantFrom('cen-1', 'cen-2'),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['name', 'role', 'cidrs'] },
);

const topologyObject = fc.record(
  {
    name: siteName,
    ike: fc.constantFrom('v1', 'v2', 'IKEv1', 'v3'),
    probes: fc.oneof(fc.boolean(), fc.constantFrom('yes', 'off')),
    sites: fc.array(siteObject, { minLength: 0, maxLength: 6 }),
  },
  { requiredKeys: ['name', 'sites'] },
);

/** Text edits a person or an attacker makes: insert, delete, duplicate and swap lines, YAML specials. */
const mutation = fc.oneof(
  fc.tuple(
    fc.constant('insert' as const),
    fc.nat(),
    fc.constantFrom(
      '\t',
      ':',
      '- ',
      '[',
      '{',
      '}',
      '*a',
      '&a ',
      '<<: ',
      '"',
      "'",
      '\n',
      '#',
      '%YAML 1.1\n---\n',
      '!!binary ',
      '? ',
      '|',
    ),
  ),
  fc.tuple(fc.constant('delete' as const), fc.nat(), fc.integer({ min: 1, max: 12 })),
  fc.tuple(fc.constant('dup-line' as const), fc.nat(), fc.integer({ min: 1, max: 50 })),
  fc.tuple(fc.constant('swap-lines' as const), fc.nat(), fc.nat()),
);

function mutate(text: string, edits: readonly (readonly [string, number, unknown])[]): string {
  let t = text;
  for (const [kind, a, b] of edits) {
    const at = t.length === 0 ? 0 : a % (t.length + 1);
    if (kind === 'insert') t = t.slice(0, at) + String(b) + t.slice(at);
    else if (kind === 'delete') t = t.slice(0, at) + t.slice(at + Number(b));
    else {
      const lines = t.split('\n');
      const i = a % lines.length;
      if (kind === 'dup-line') lines.splice(i, 0, ...Array.from({ length: Number(b) }, () => lines[i]!));
      else {
        const j = Number(b) % lines.length;
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      }
      t = lines.join('\n');
    }
  }
  return t;
}

/** The one-line form of a generated topology object (lossy on purpose: odd values stay odd). */
function asLine(t: {
  name: string;
  ike?: unknown;
  sites: readonly { name: string; role: string; region: string; cidrs: readonly string[]; hub?: string }[];
}): string {
  const sites = t.sites.map(
    (s) => `${s.role}:${s.name}@${s.region}=${s.cidrs.join(',')}${s.hub ? `;hub=${s.hub}` : ''}`,
  );
  return [t.name, ...(t.ike ? [`ike=${String(t.ike)}`] : []), ...sites].join(' ');
}

describe('the topology language never throws and always explains (property-based)', () => {
  it('generated topology documents, as YAML', () => {
    fc.assert(
      fc.property(topologyObject, (doc) => checkAnswer(topologyFromYaml(stringify(doc)))),
      { numRuns: RUNS, seed: 1 },
    );
  });

  it('generated topology documents, as YAML, then mutated', () => {
    fc.assert(
      fc.property(topologyObject, fc.array(mutation, { minLength: 1, maxLength: 6 }), (doc, edits) =>
        checkAnswer(topologyFromYaml(mutate(stringify(doc), edits))),
      ),
      { numRuns: RUNS, seed: 2 },
    );
  });

  it('the seed and the help examples, mutated', () => {
    const bases = [SEED_YAML, ...LINE_EXAMPLES];
    fc.assert(
      fc.property(fc.nat({ max: bases.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 8 }), (i, edits) => {
        const text = mutate(bases[i]!, edits);
        checkAnswer(i === 0 ? topologyFromYaml(text) : topologyFromLine(text));
      }),
      { numRuns: RUNS, seed: 3 },
    );
  });

  it('generated one-line texts, plain and mutated', () => {
    fc.assert(
      fc.property(topologyObject, fc.array(mutation, { maxLength: 3 }), (doc, edits) => {
        const line = asLine(doc as Parameters<typeof asLine>[0]);
        checkAnswer(topologyFromLine(line));
        checkAnswer(topologyFromLine(mutate(line, edits)));
      }),
      { numRuns: RUNS, seed: 4 },
    );
  });

  it('arbitrary text, in both forms', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 })), (text) => {
        checkAnswer(topologyFromYaml(text));
        checkAnswer(topologyFromLine(text));
      }),
      { numRuns: RUNS, seed: 5 },
    );
  });

  it('valid topologies plan to the same hash in any site order', () => {
    const validSite = fc.tuple(fc.constantFrom('hub', 'spoke'), fc.integer({ min: 0, max: 200 }));
    fc.assert(
      fc.property(
        fc.uniqueArray(validSite, { minLength: 1, maxLength: 8, selector: ([, n]) => n }),
        fc.constantFrom('v1', 'v2'),
        (all, ike) => {
          // IKEv2 carries the hub's CIDR and every spoke's in one connection: at most 5 per side.
          const sites = ike === 'v2' ? all.slice(0, 4) : all;
          const lines = [
            '  - {name: dc0, role: dc, region: cn-hongkong, cidrs: [192.168.0.0/16]}',
            '  - {name: hub0, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12]}',
            ...sites.map(
              ([r, n]) =>
                `  - {name: s${n}, role: ${r === 'hub' ? 'spoke' : r}, region: us-west-1, cidrs: [10.${n}.0.0/16]}`,
            ),
          ];
          const a = topologyFromYaml(`name: t\nike: ${ike}\nsites:\n${lines.join('\n')}\n`, {
            ipsecConnectionQuota: 100,
          });
          const b = topologyFromYaml(`name: t\nike: ${ike}\nsites:\n${[...lines].reverse().join('\n')}\n`, {
            ipsecConnectionQuota: 100,
          });
          expect(a.ok && b.ok).toBe(true);
          if (a.ok && b.ok)
            expect(buildPlan(b.value, EMPTY_OBSERVED).hash).toBe(buildPlan(a.value, EMPTY_OBSERVED).hash);
        },
      ),
      { numRuns: 300, seed: 6 },
    );
  });
});
