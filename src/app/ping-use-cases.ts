/**
 * The ping matrix as every front end uses it: measure a topology (after an apply, on demand, on a
 * schedule), add a row pasted from an on-premises host, show the trend. Measurements are compared
 * with the prediction made from the applied plan (what the topology should hold); a pair that
 * fails where it should pass is explained by what the prediction relied on that no longer holds
 * in the cloud (a withdrawn published route, a tunnel down and why, a revoked rule).
 */
import type { Observation } from '../cloud/cloud-api';
import type { ResourceRecord, RunThread } from '../engine/engine-store';
import type { Plan } from '../planner/plan';
import { DEFAULT_PING } from '../probe/matrix-script';
import { measureMatrix, type MeasuredCell, type Probe } from '../probe/measure-matrix';
import {
  buildMatrix,
  pairKey,
  type ConnectionTunnels,
  type MatrixCell,
  type PingMatrix,
  type Verdict,
} from '../probe/ping-matrix';
import { parsePingOutput } from '../probe/ping-output';
import { modelFromPlan } from '../reachability/network-model';
import { predictMatrix, type PairPrediction, type Reliance } from '../reachability/predict';
import type { Topology } from '../topology/model';
import type { AppServices } from './app-services';
import type { MeasurementRecord, MeasurementTrigger } from './app-store';

export type MeasureResult =
  | {
      ok: true;
      matrix: PingMatrix;
      predictions: readonly PairPrediction[];
      record: MeasurementRecord;
      previous?: MeasurementRecord;
    }
  | { ok: false; refusal: string };

/** The applied plan (its desired steps) and the topology it was made for, or why there is none. */
function applied(s: AppServices, name: string): { topology: Topology; plan: Plan } | string {
  const topology = s.store.topology(name);
  if (!topology) {
    const known = s.store.topologies().map((t) => t.name);
    return `no topology named "${name}"${known.length ? `; known: ${known.join(', ')}` : ': nothing has been applied yet'}`;
  }
  const run = s.store.runs(name, 50).find((r) => r.kind === 'apply' && r.status === 'succeeded');
  if (!run) return `"${name}" has no successful apply yet: there is nothing to measure`;
  return { topology, plan: run.plan };
}

/** The recorded probe instances, in the topology's order of sites (not the order they were created in). */
function probesOf(s: AppServices, name: string, topology: Topology): Probe[] {
  const order = (site: string) => topology.sites.findIndex((x) => x.name === site);
  return s.store
    .resources(name)
    .filter((r) => r.kind === 'ecs-instance' && r.site !== null && r.outputs.privateIp)
    .map((r) => ({ site: r.site!, region: r.region, instanceId: r.cloudId, ip: r.outputs.privateIp! }))
    .sort((a, b) => order(a.site) - order(b.site));
}

/** The probes whose instance the cloud no longer has, by site (a read that fails counts as present). */
async function goneProbes(s: AppServices, probes: readonly Probe[]): Promise<Map<string, Probe>> {
  const driver = s.cloud.drivers['ecs-instance'];
  const states = await Promise.all(
    probes.map((p) =>
      driver.read(p.region, p.instanceId).then(
        (o) => o.state,
        () => 'unknown',
      ),
    ),
  );
  return new Map(probes.filter((_, i) => states[i] === 'gone').map((p) => [p.site, p]));
}

/** Why `name` cannot be measured now (unknown, never applied), or undefined: said before anything is measured. */
export function measureRefusal(s: AppServices, name: string): string | undefined {
  const a = applied(s, name);
  return typeof a === 'string' ? a : undefined;
}

function predictionsFor(topology: Topology, plan: Plan, probes: readonly Probe[]): PairPrediction[] {
  const probeIps = Object.fromEntries(probes.map((p) => [p.site, p.ip]));
  return predictMatrix(modelFromPlan(plan, topology, { probeIps }));
}

/** What a measurement reads of the cloud, each resource once: the resources vpnbot recorded, by step. */
interface CloudReads {
  readonly records: ReadonlyMap<string, ResourceRecord>;
  read(stepId: string): Promise<Observation>;
}

function cloudReads(s: AppServices, name: string): CloudReads {
  const records = new Map(s.store.resources(name).map((r) => [r.stepId, r]));
  const reads = new Map<string, Promise<Observation>>();
  return {
    records,
    read(stepId) {
      let p = reads.get(stepId);
      if (!p) {
        const rec = records.get(stepId)!;
        p = s.cloud.drivers[rec.kind].read(rec.region, rec.cloudId);
        reads.set(stepId, p);
      }
      return p;
    },
  };
}

/**
 * The tunnels of every IPsec connection a reachable pair crosses, as the cloud has them now; and
 * the pairs that cross one whose master is down and whose slave is up (a failover), in words.
 * A connection that cannot be read is left out: the matrix says nothing of it rather than guess.
 */
async function tunnelStates(
  cloud: CloudReads,
  plan: Plan,
  predictions: readonly PairPrediction[],
  passed: ReadonlySet<string>,
): Promise<{ tunnels: ConnectionTunnels[]; failovers: Map<string, string> }> {
  const crossed = [
    ...new Set(
      predictions.flatMap((p) =>
        p.reachable ? p.reliesOn.filter((r) => r.kind === 'ipsec').map((r) => r.stepId) : [],
      ),
    ),
  ].filter((id) => cloud.records.has(id));
  const names = new Map(
    plan.steps.map((x) => [x.id, x.action !== 'delete' && 'name' in x.params ? x.params.name : x.id]),
  );
  const read = await Promise.all(
    crossed.map(async (stepId) => {
      const o = await cloud.read(stepId).catch(() => undefined);
      return o?.tunnels ? { stepId, name: String(names.get(stepId) ?? stepId), tunnels: o.tunnels } : undefined;
    }),
  );
  const tunnels = read
    .filter((x): x is NonNullable<typeof x> => x !== undefined)
    .map((x) => ({ ...x, tunnels: x.tunnels.map((t) => ({ role: t.role, status: t.status, up: t.up })) }));
  const onSlave = new Map(
    tunnels
      .filter(
        (c) => c.tunnels.some((t) => t.role === 'master' && !t.up) && c.tunnels.some((t) => t.role === 'slave' && t.up),
      )
      .map((c) => [c.stepId, c]),
  );
  const failovers = new Map<string, string>();
  for (const p of predictions) {
    const via = p.reliesOn.find((r) => r.kind === 'ipsec' && onSlave.has(r.stepId));
    if (!p.reachable || !via || !passed.has(pairKey(p.from, p.to))) continue;
    const c = onSlave.get(via.stepId)!;
    const master = c.tunnels.find((t) => t.role === 'master')!;
    failovers.set(pairKey(p.from, p.to), `failover: ${c.name} runs on its slave tunnel (master ${master.status})`);
  }
  return { tunnels, failovers };
}

/** The pairs that cross an inter-region connection with only the test bandwidth, with those connections: they are paced. */
function pacedPairs(predictions: readonly PairPrediction[]): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  for (const p of predictions) {
    const links = p.links.filter((l) => l.testBandwidth).map((l) => l.id);
    if (links.length > 0) out.set(pairKey(p.from, p.to), links);
  }
  return out;
}

/** Checks, in the cloud, each thing a failing pair's prediction relied on; the first that does not hold, in words. */
async function explainFailures(
  s: AppServices,
  cloud: CloudReads,
  failing: readonly PairPrediction[],
): Promise<Map<string, string>> {
  const records = cloud.records;
  const checked = new Map<string, Promise<string | undefined>>();
  const check = (r: Reliance): Promise<string | undefined> => {
    const cached = checked.get(r.stepId);
    if (cached) return cached;
    const p = (async () => {
      const rec = records.get(r.stepId);
      if (!rec) return `${r.broken} (vpnbot has no record of it)`;
      const driver = s.cloud.drivers[rec.kind];
      const seen = await cloud.read(r.stepId);
      if (seen.state === 'gone') return r.broken;
      if (r.kind === 'ipsec' && seen.state !== 'ready') {
        const log = driver.explain
          ? await driver.explain(rec.region, rec.cloudId).catch(() => seen.detail ?? '')
          : (seen.detail ?? '');
        // The IKE log line, without the connection id and the "down" already said.
        const why = log.replace(`${rec.cloudId}: `, '').replace(/^tunnel is down: /, '');
        return `${r.broken}${why ? `: ${why}` : ''}`;
      }
      return undefined;
    })().catch((e: unknown) => `could not check ${r.what}: ${e instanceof Error ? e.message : String(e)}`);
    checked.set(r.stepId, p);
    return p;
  };
  const out = new Map<string, string>();
  for (const p of failing) {
    for (const r of p.reliesOn) {
      const broken = await check(r);
      if (broken) {
        out.set(pairKey(p.from, p.to), broken);
        break;
      }
    }
  }
  return out;
}

function baselineMap(s: AppServices, name: string): Map<string, number> {
  const b = s.store.baselineOf(name);
  return new Map(
    (b?.matrix.cells ?? [])
      .filter((c) => c.rttAvgMs !== null && c.pastedAt === undefined)
      .map((c) => [pairKey(c.from, c.to), c.rttAvgMs!]),
  );
}

/**
 * Measures the matrix now and stores it. `baseline`: this measurement becomes the topology's
 * baseline (the first after a successful apply).
 */
export async function measureTopology(
  services: AppServices,
  name: string,
  options: { trigger: MeasurementTrigger; actor: string; count?: number; baseline?: boolean; now?: () => number },
): Promise<MeasureResult> {
  const a = applied(services, name);
  if (typeof a === 'string') return { ok: false, refusal: a };
  const probes = probesOf(services, name, a.topology);
  if (probes.length < 2) {
    return {
      ok: false,
      refusal: a.topology.probes
        ? `"${name}" has ${probes.length} probe instance(s) recorded: apply it again to create them`
        : `"${name}" has no probe instances (probes: false): add "probes: true" to the topology and apply it`,
    };
  }
  const count = options.count ?? DEFAULT_PING.count;
  if (!Number.isInteger(count) || count < 1 || count > 100)
    return { ok: false, refusal: `--count must be a whole number from 1 to 100, got ${count}` };
  const predictions = predictionsFor(a.topology, a.plan, probes);
  const gone = await goneProbes(services, probes);
  const measured = (
    await measureMatrix(services.cloud.commands, probes, {
      ...DEFAULT_PING,
      count,
      pacing: services.pacing,
      paced: pacedPairs(predictions),
    })
  ).map((c): MeasuredCell => {
    // A probe instance that no longer exists is said as such, not as an agent offline or as loss.
    const missing = gone.get(c.from) ?? gone.get(c.to);
    if (!missing) return c;
    return {
      from: c.from,
      to: c.to,
      measured: false,
      why: 'instance-gone',
      detail: `the probe instance ${missing.instanceId} of ${missing.site} no longer exists: /vpn apply ${name} recreates it`,
    };
  });
  const now = (options.now ?? Date.now)();
  const predicted = new Map(predictions.map((p) => [pairKey(p.from, p.to), p]));
  const failing = measured
    .filter((c) => c.measured && c.report.received === 0)
    .map((c) => predicted.get(pairKey(c.from, c.to)))
    .filter((p): p is PairPrediction => p?.reachable === true);
  const cloud = cloudReads(services, name);
  const explanations = await explainFailures(services, cloud, failing);
  const passed = new Set(measured.filter((c) => c.measured && c.report.received > 0).map((c) => pairKey(c.from, c.to)));
  const { tunnels, failovers } = await tunnelStates(cloud, a.plan, predictions, passed);
  const matrix: PingMatrix = {
    ...buildMatrix(name, now, measured, predictions, baselineMap(services, name), explanations, failovers),
    ...(tunnels.length ? { tunnels } : {}),
  };
  const previous = services.store.measurements(name, 1)[0];
  const record = { topology: name, trigger: options.trigger, baseline: options.baseline ?? false, matrix };
  const id = services.store.saveMeasurement(record);
  services.store.audit(
    options.actor,
    'ping.measured',
    name,
    {
      trigger: options.trigger,
      cells: matrix.cells.length,
      fail: matrix.cells.filter((c) => c.verdict === 'fail').length,
      mismatches: matrix.cells.filter((c) => !c.matches).length,
    },
    now,
  );
  return { ok: true, matrix, predictions, record: { id, ...record }, ...(previous ? { previous } : {}) };
}

/**
 * `/vpn ping <name> from <site>` with ping output pasted from a host in an on-premises DC (Cloud
 * Assistant cannot reach it): the row joins the latest matrix, marked as pasted, at `at`.
 */
export function pastePingRow(
  services: AppServices,
  name: string,
  site: string,
  output: string,
  options: { actor: string; at: number },
): MeasureResult {
  const a = applied(services, name);
  if (typeof a === 'string') return { ok: false, refusal: a };
  const source = a.topology.sites.find((x) => x.name === site);
  if (!source)
    return {
      ok: false,
      refusal: `"${name}" has no site named "${site}"; its sites: ${a.topology.sites.map((x) => x.name).join(', ')}`,
    };
  const probes = probesOf(services, name, a.topology);
  const report = parsePingOutput(output);
  if (report.targets.length === 0)
    return {
      ok: false,
      refusal: `no ping output found in what was pasted${report.errors.length ? ` (${report.errors.map((e) => e.message).join('; ')})` : ''}: paste what \`ping -c 5 <probe ip>\` printed, in a code block`,
    };
  const cells: MeasuredCell[] = [];
  const unknown: string[] = [];
  for (const t of report.targets) {
    const to = probes.find((p) => p.ip === t.target);
    if (!to || to.site === site) unknown.push(t.target);
    else cells.push({ from: site, to: to.site, measured: true, report: t });
  }
  if (cells.length === 0)
    return {
      ok: false,
      refusal: `the pasted output pings ${unknown.join(', ')}, none of which is a probe of "${name}" (probes: ${probes.map((p) => `${p.site} ${p.ip}`).join(', ') || 'none'})`,
    };
  const predictions = predictionsFor(a.topology, a.plan, probes);
  const row = buildMatrix(name, options.at, cells, predictions, baselineMap(services, name)).cells.map(
    (c): MatrixCell => ({ ...c, pastedAt: options.at }),
  );
  const latest = services.store.measurements(name, 1)[0];
  const kept = (latest?.matrix.cells ?? []).filter((c) => c.from !== site);
  const matrix: PingMatrix = {
    topology: name,
    measuredAt: latest?.matrix.measuredAt ?? options.at,
    cells: [...kept, ...row],
  };
  const record = { topology: name, trigger: 'pasted' as const, baseline: false, matrix };
  const id = services.store.saveMeasurement(record);
  services.store.audit(
    options.actor,
    'ping.pasted',
    name,
    { site, targets: cells.length, ignored: unknown.length },
    options.at,
  );
  return { ok: true, matrix, predictions, record: { id, ...record }, ...(latest ? { previous: latest } : {}) };
}

export interface PairChange {
  readonly from: string;
  readonly to: string;
  readonly was: Verdict;
  readonly now: Verdict;
  readonly cell: MatrixCell;
}

/**
 * Pairs that started failing since the previous measurement, and pairs that recovered: alerting
 * on transitions only means one alert per regression, none while it stays down.
 */
export function changesSince(
  previous: PingMatrix | undefined,
  now: PingMatrix,
): { regressed: PairChange[]; recovered: PairChange[] } {
  const before = new Map((previous?.cells ?? []).map((c) => [pairKey(c.from, c.to), c.verdict]));
  const regressed: PairChange[] = [];
  const recovered: PairChange[] = [];
  for (const c of now.cells) {
    const was = before.get(pairKey(c.from, c.to));
    if (was === undefined) continue;
    if ((was === 'pass' || was === 'warn') && c.verdict === 'fail')
      regressed.push({ from: c.from, to: c.to, was, now: c.verdict, cell: c });
    if (was === 'fail' && (c.verdict === 'pass' || c.verdict === 'warn'))
      recovered.push({ from: c.from, to: c.to, was, now: c.verdict, cell: c });
  }
  return { regressed, recovered };
}

export interface PairTrend {
  readonly from: string;
  readonly to: string;
  /** Oldest first. */
  readonly points: readonly {
    readonly at: number;
    readonly verdict: Verdict;
    readonly rttAvgMs: number | null;
    readonly lossPct: number;
    readonly trigger: MeasurementTrigger;
    readonly baseline: boolean;
  }[];
}

/** `/vpn ping <name> history`: per pair, its last `limit` measurements. */
export function pingHistory(
  services: AppServices,
  name: string,
  limit = 10,
): { ok: true; trends: PairTrend[]; measurements: number } | { ok: false; refusal: string } {
  if (!services.store.topology(name)) return { ok: false, refusal: `no topology named "${name}"` };
  const records = services.store.measurements(name, limit).reverse();
  if (records.length === 0) return { ok: false, refusal: `"${name}" has not been measured yet: /vpn ping ${name}` };
  const pairs = new Map<string, PairTrend>();
  for (const r of records) {
    for (const c of r.matrix.cells) {
      const key = pairKey(c.from, c.to);
      const t = pairs.get(key) ?? { from: c.from, to: c.to, points: [] };
      pairs.set(key, {
        ...t,
        points: [
          ...t.points,
          {
            at: r.matrix.measuredAt,
            verdict: c.verdict,
            rttAvgMs: c.rttAvgMs,
            lossPct: c.lossPct,
            trigger: r.trigger,
            baseline: r.baseline,
          },
        ],
      });
    }
  }
  return { ok: true, trends: [...pairs.values()], measurements: records.length };
}

/** The topologies a schedule re-measures: applied ones with probes. */
export function measurableTopologies(services: AppServices): string[] {
  return services.store
    .topologies()
    .filter(
      (t) => t.probes && typeof applied(services, t.name) !== 'string' && probesOf(services, t.name, t).length >= 2,
    )
    .map((t) => t.name);
}

/**
 * The last step of every apply: measure the matrix, which becomes the baseline. Undefined when the
 * topology has no probes (or the run did not succeed): nothing to measure.
 */
export async function measureAfterApply(
  services: AppServices,
  name: string,
  options: { actor: string; succeeded: boolean },
): Promise<MeasureResult | undefined> {
  if (!options.succeeded || !services.store.topology(name)?.probes) return undefined;
  return measureTopology(services, name, { trigger: 'apply', actor: options.actor, baseline: true });
}

/** The latest measurement of a topology, if any (App Home, status). */
export function latestMatrix(services: AppServices, name: string): PingMatrix | undefined {
  return services.store.measurements(name, 1)[0]?.matrix;
}

export interface Recheck {
  readonly topology: string;
  readonly result: MeasureResult;
  /** Pairs that stopped answering, and pairs that answer again, since the previous measurement. */
  readonly regressed: readonly PairChange[];
  readonly recovered: readonly PairChange[];
  /** Where the topology's runs report, to tell its people. */
  readonly thread?: RunThread;
}

/**
 * A scheduled re-check: every applied topology with probes is measured again, except one a run is
 * changing now (it is measured when the run ends); with what changed since the last measurement.
 */
export async function recheckTopologies(services: AppServices, actor: string): Promise<Recheck[]> {
  const busy = new Set(services.store.unfinishedRuns().map((r) => r.topology));
  const out: Recheck[] = [];
  for (const name of measurableTopologies(services).filter((n) => !busy.has(n))) {
    const result = await measureTopology(services, name, { trigger: 'scheduled', actor });
    const changes = result.ok ? changesSince(result.previous?.matrix, result.matrix) : { regressed: [], recovered: [] };
    const thread = services.store.runs(name, 50).find((x) => x.thread)?.thread;
    out.push({ topology: name, result, ...changes, ...(thread ? { thread } : {}) });
  }
  return out;
}
