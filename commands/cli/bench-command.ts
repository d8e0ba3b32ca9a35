import { parseArgs } from 'node:util';
import { BENCH_USAGE } from './usages';
import { benchApplyInProcess } from '../../src/bench/apply-bench-process';
import { fiftySiteTopology } from '../../src/bench/bench-topologies';
import { benchDoctor } from '../../src/bench/doctor-bench';
import { benchEmulator } from '../../src/bench/emulator-bench';
import { benchMatrix } from '../../src/bench/matrix-bench';
import { benchPacedMatrix } from '../../src/bench/paced-matrix-bench';
import { benchSlackAck } from '../../src/bench/slack-ack-bench';
import { benchStart } from '../../src/bench/start-bench';
import { benchTopology } from '../../src/bench/topology-bench';
import { buildPlan } from '../../src/planner/build-plan';
import { EMPTY_OBSERVED } from '../../src/planner/observed';
import type { CliCommand } from '../common/cli-io';
import { NODE_FLAGS } from '../../src/node-flags';

/** One measured figure: `npm run bench -- --json` prints one per line. */
export interface BenchFigure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly detail: string;
}

const APPLY_SCALE = 0.002;
const MATRIX_SCALE = 0.1;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Every figure, measured in this run. `emit` gets each as soon as it is known. */
async function measure(emit: (f: BenchFigure) => void): Promise<boolean> {
  const f = (name: string, value: number, unit: string, detail: string) =>
    emit({ name, value: Number(value.toFixed(3)), unit, detail });
  for (const t of benchTopology()) f(`topology: ${t.name}`, t.ms, 'ms', t.detail);

  const fifty = fiftySiteTopology();
  // The first plan meets cold code; a running bot plans again and again: both are reported.
  const times = Array.from({ length: 16 }, () => {
    const t = performance.now();
    buildPlan(fifty, EMPTY_OBSERVED);
    return performance.now() - t;
  });
  const steps = buildPlan(fifty, EMPTY_OBSERVED).steps.length;
  f(
    'plan 50 sites',
    median(times.slice(1)),
    'ms',
    `median of 15 after the first, ${steps} steps, offline (no refresh)`,
  );
  f('plan 50 sites (first)', times[0]!, 'ms', `the first plan of the process, on cold code, ${steps} steps`);

  const start = await benchStart();
  if (start)
    f(
      'npm start to the prompt',
      start.medianMs,
      'ms',
      `median of ${start.runs} runs when nothing changed since the last build (max ${start.maxMs.toFixed(0)} ms): npm, the build check, the sandbox started, the greeting printed; target 3000`,
    );

  const ack = await benchSlackAck();
  if (ack) {
    const detail = `${ack.commands} concurrent signed /vpn commands (help and plan seed) to vpnbot serve in sandbox mode`;
    f('slack ack p50', ack.p50Ms, 'ms', `${detail}: bursts 2 to 4, pooled`);
    f(
      'slack ack p99',
      ack.p99Ms,
      'ms',
      `${detail}: bursts 2 to 4, pooled; max ${ack.maxMs.toFixed(1)} ms; Slack allows 3000`,
    );
    f('slack ack p50 (first burst)', ack.coldP50Ms, 'ms', `${detail}: the first burst after start, on cold code`);
    f('slack ack p99 (first burst)', ack.coldP99Ms, 'ms', `${detail}: the first burst after start, on cold code`);
  }

  const e = await benchEmulator();
  f(
    'emulator calls/s sequential',
    e.sequentialPerSecond,
    'calls/s',
    `signed DescribeVpcs over ${e.calls} calls, client and server in one process`,
  );
  f('emulator calls/s concurrent', e.concurrentPerSecond, 'calls/s', `${e.concurrency} concurrent`);

  let ok = true;
  for (const d of await benchDoctor()) {
    ok &&= d.findings === 0 && d.calls <= d.checks;
    f(
      `doctor seed, ${d.callLatencyMs} ms per call`,
      d.medianMs,
      'ms',
      `the preflight of the seed's plan: ${d.checks} checks side by side, ${d.calls} calls (at most one per check), median of 5; target under 1000`,
    );
  }
  const applied = new Map<string, { steps: number; peakRssBytes: number }>();
  for (const name of ['seed', '12 sites', '50 sites'] as const) {
    const r = await benchApplyInProcess(name, APPLY_SCALE);
    applied.set(name, r);
    ok &&= r.status === 'succeeded';
    const at = `${r.steps} steps, time scale ${APPLY_SCALE}, parallelism 10${r.status === 'succeeded' ? '' : `, ${r.status.toUpperCase()}`}`;
    f(
      `apply ${name}: wall / critical path`,
      r.wallMs / r.criticalPathMs,
      'ratio',
      `${(r.wallMs / 1000).toFixed(2)} s over ${(r.criticalPathMs / 1000).toFixed(2)} s; ${at}`,
    );
    f(
      `apply ${name}: API calls per created resource`,
      r.apiCalls / r.created,
      'calls',
      `${r.apiCalls} calls for ${r.created} resources`,
    );
    f(
      `apply ${name}: read calls per step`,
      r.readCalls / r.steps,
      'calls',
      `${r.readCalls} Describe* calls (polls and existence checks)`,
    );
    f(
      `apply ${name}: peak RSS`,
      r.peakRssBytes / 1e6,
      'MB',
      `the engine's process alone: a fresh one per apply, started with ${NODE_FLAGS.join(' ')} as in production (the emulator runs in a process of its own)`,
    );
  }

  const [twelve, fiftyRun] = [applied.get('12 sites'), applied.get('50 sites')];
  if (twelve && fiftyRun)
    f(
      'apply: peak RSS growth per 1,000 steps',
      ((fiftyRun.peakRssBytes - twelve.peakRssBytes) / 1e6 / (fiftyRun.steps - twelve.steps)) * 1000,
      'MB',
      `from 12 sites (${twelve.steps} steps) to 50 (${fiftyRun.steps}): what each step adds over the process's fixed cost`,
    );

  const matrix = await benchMatrix([3, 10, 30], MATRIX_SCALE);
  for (const m of matrix) {
    ok &&= m.allMeasured;
    f(
      `ping matrix ${m.probes} probes`,
      m.wallMs,
      'ms',
      `${m.cells} cells, ${m.apiCalls} API calls, time scale ${MATRIX_SCALE}${m.allMeasured ? '' : ', NOT ALL MEASURED'}`,
    );
  }
  const [three, , thirty] = matrix;
  if (three && thirty)
    f('ping matrix 30 / 3 probes', thirty.wallMs / three.wallMs, 'ratio', 'pings run in parallel on each probe');

  const paced = await benchPacedMatrix([3, 30], MATRIX_SCALE);
  for (const m of paced) {
    ok &&= m.allReceived;
    f(
      `ping matrix paced ${m.probes} probes`,
      m.wallMs,
      'ms',
      `3 regions on transit routers, test bandwidth: ${m.pacedCells} of ${m.cells} cells paced, ${m.apiCalls} API calls, time scale ${MATRIX_SCALE}${m.allReceived ? ', 0 % loss' : ', LOSS OR NOT MEASURED'}`,
    );
  }
  const [p3, p30] = paced;
  if (p3 && p30)
    f(
      'ping matrix paced 30 / 3 probes',
      p30.wallMs / p3.wallMs,
      'ratio',
      'pairs across a connection take turns: it grows with the pairs per connection',
    );
  return ok;
}

/**
 * `vpnbot bench [--json]`: speed figures, measured in one run on this machine. Targets live here,
 * not in timed tests: machines are shared and noisy, so compare ratios from the same run.
 */
export const benchCommand: CliCommand = async (args, io) => {
  let json = false;
  try {
    json = parseArgs({ args: [...args], options: { json: { type: 'boolean' } } }).values.json === true;
  } catch (e) {
    io.stderr(`${(e as Error).message}\n${BENCH_USAGE}\n`);
    return 2;
  }
  if (!json)
    io.stdout(
      `vpnbot bench (figures from this run, on this machine)\n\n${'figure'.padEnd(48)} ${'value'.padStart(10)} unit     detail\n`,
    );
  const ok = await measure((fig) =>
    io.stdout(
      json
        ? `${JSON.stringify(fig)}\n`
        : `${fig.name.padEnd(48)} ${String(fig.value).padStart(10)} ${fig.unit.padEnd(8)} ${fig.detail}\n`,
    ),
  );
  return ok ? 0 : 1;
};
