/**
 * How fast the topology language answers, including abusive inputs: the figures issue 8 aims at
 * (every input under 100 ms, 2,000 copies of a CIDR refused in under 100 ms, a 400-spoke topology
 * planned or refused in under a second, an offline `vpnbot plan seed` in under 300 ms).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblems } from '../errors';
import { buildPlan } from '../planner/build-plan';
import { EMPTY_OBSERVED } from '../planner/observed';
import { renderPlan } from '../planner/render-plan';
import { topologyFromLine, topologyFromYaml } from '../topology/load-topology';
import { LINE_EXAMPLES } from '../topology/parse-line';
import { SEED_YAML } from '../topology/seed';

export interface TopologyBenchFigure {
  readonly name: string;
  readonly ms: number;
  readonly detail: string;
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

function timed(fn: () => string): { ms: number; detail: string } {
  const t = now();
  const detail = fn();
  return { ms: now() - t, detail };
}

/** A hub, a DC and `n` spokes of one /16 each (IKEv1: one connection per network behind the hub). */
export function spokeTopologyYaml(count: number): string {
  const lines = [
    '  - {name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12]}',
    '  - {name: hk, role: dc, region: cn-hongkong, cidrs: [192.168.0.0/16]}',
  ];
  for (let i = 0; i < count; i++)
    lines.push(
      `  - {name: s${i}, role: spoke, region: us-west-1, cidrs: [${10 + Math.floor(i / 256)}.${i % 256}.0.0/16]}`,
    );
  return `name: wide\nike: v1\nsites:\n${lines.join('\n')}\n`;
}

/** Deterministic mutations (a small LCG): the same corpus every run, so runs compare. */
function mutatedCorpus(count: number): string[] {
  let state = 42;
  const rand = (n: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
  const bases = [SEED_YAML, ...LINE_EXAMPLES];
  const specials = ['\t', ':', '- ', '[', '{', '}', '*a', '&a ', '<<: ', '"', '\n', '#', '/33', '10.0.0.0/8,'];
  return Array.from({ length: count }, () => {
    let t = bases[rand(bases.length)]!;
    for (let k = 1 + rand(5); k > 0; k--) {
      const at = rand(t.length + 1);
      t =
        rand(2) === 0
          ? t.slice(0, at) + specials[rand(specials.length)]! + t.slice(at)
          : t.slice(0, at) + t.slice(at + 1 + rand(8));
    }
    return t;
  });
}

export function benchTopology(): TopologyBenchFigure[] {
  const figures: TopologyBenchFigure[] = [];
  // Warm up the parsers once: the first call pays for JIT and lazy initialisation.
  topologyFromYaml(SEED_YAML);

  const corpus = mutatedCorpus(3000);
  const times = corpus
    .map((text) => {
      const t = now();
      const r = text.includes('\n') ? topologyFromYaml(text) : topologyFromLine(text);
      if (r.ok) renderPlan(buildPlan(r.value, EMPTY_OBSERVED), r.value);
      return now() - t;
    })
    .sort((a, b) => a - b);
  figures.push({
    name: 'fuzz input p99',
    ms: times[Math.floor(times.length * 0.99)]!,
    detail: `${corpus.length} mutated inputs, parse + validate (+ plan + render when valid)`,
  });
  figures.push({ name: 'fuzz input max', ms: times[times.length - 1]!, detail: 'the slowest of the same corpus' });

  const copies = `name: t\nsites:\n  - {name: jp, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12]}\n  - {name: us, role: spoke, region: us-west-1, cidrs: [${Array.from({ length: 2000 }, () => '10.0.0.0/8').join(', ')}]}\n`;
  const c = timed(() => {
    const r = topologyFromYaml(copies);
    return r.ok
      ? 'accepted?!'
      : `refused in ${r.problems.length} problems, ${formatProblems(r.problems).length} characters`;
  });
  figures.push({ name: '2,000 copies of a CIDR', ms: c.ms, ...{ detail: c.detail } });

  const s400 = timed(() => {
    const r = topologyFromYaml(spokeTopologyYaml(400));
    return r.ok ? 'accepted' : `refused: ${r.problems.map((p) => p.code).join(', ')}`;
  });
  figures.push({ name: '400 spokes, default quotas', ms: s400.ms, detail: s400.detail });

  const raised = timed(() => {
    const r = topologyFromYaml(spokeTopologyYaml(400), { ipsecConnectionQuota: 1000, securityGroupRuleQuota: 1000 });
    if (!r.ok) return `refused: ${r.problems[0]!.code}`;
    const plan = buildPlan(r.value, EMPTY_OBSERVED);
    return `${plan.steps.length} steps, ${renderPlan(plan, r.value).length} characters rendered`;
  });
  figures.push({
    name: '400 spokes, quotas raised',
    ms: raised.ms,
    detail: `${raised.detail} (security group rules grow with the square of the sites)`,
  });

  // The whole command, as a user runs it: process start, module loading, plan, print.
  const main = join(__dirname, '..', '..', 'commands', 'main.js');
  if (existsSync(main)) {
    const runs = Array.from({ length: 5 }, () => {
      const t = now();
      const r = spawnSync(process.execPath, [main, 'plan', 'seed', '--offline'], { encoding: 'utf8' });
      return r.status === 0 ? now() - t : Number.NaN;
    }).sort((a, b) => a - b);
    figures.push({
      name: 'vpnbot plan seed --offline',
      ms: runs[2]!,
      detail: 'median of 5 runs, offline: no cloud SDK loaded',
    });
  }
  return figures;
}
