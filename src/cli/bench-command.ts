import { benchApply, type ApplyBenchResult } from '../bench/apply-bench';
import { seedBenchTopology, twelveSiteTopology } from '../bench/bench-topologies';
import { benchEmulator } from '../bench/emulator-bench';
import { benchMatrix } from '../bench/matrix-bench';
import { benchSlackAck } from '../bench/slack-ack-bench';
import { benchTopology } from '../bench/topology-bench';
import type { CliCommand } from './io';

/**
 * `vpnbot bench`: speed figures, measured in one run on this machine. Targets live here, not in
 * timed tests: machines are shared and noisy, so compare ratios from the same run.
 */
export const benchCommand: CliCommand = async (_args, io) => {
  io.stdout('vpnbot bench (figures from this run, on this machine)\n\n');
  io.stdout('topology language: time to answer (target: each input under 100 ms; plan seed under 300 ms)\n');
  for (const f of benchTopology()) io.stdout(`  ${f.name.padEnd(28)} ${`${f.ms.toFixed(1)} ms`.padStart(10)}  ${f.detail}\n`);
  io.stdout('\n');
  const ack = await benchSlackAck();
  if (ack) io.stdout(`Slack: ack of ${ack.commands} concurrent signed /vpn commands (help and plan seed) by vpnbot serve: p50 ${ack.p50Ms.toFixed(1)} ms, p99 ${ack.p99Ms.toFixed(1)} ms, max ${ack.maxMs.toFixed(1)} ms (Slack allows 3000)\n\n`);
  const e = await benchEmulator();
  io.stdout(
    `emulator: signed SDK calls served (DescribeVpcs, client and server in one process)\n` +
      `  sequential:      ${e.sequentialPerSecond.toFixed(0)} calls/s over ${e.calls} calls\n` +
      `  ${String(e.concurrency).padStart(2)} concurrent:   ${e.concurrentPerSecond.toFixed(0)} calls/s (${(e.concurrentPerSecond / e.sequentialPerSecond).toFixed(2)}x sequential)\n`,
  );
  const scale = 0.002;
  const rows: ApplyBenchResult[] = [await benchApply('seed (3 sites)', seedBenchTopology(), scale), await benchApply('12 sites', twelveSiteTopology(), scale)];
  io.stdout(`\napply against the emulator at time scale ${scale} (a VPN gateway takes ${(120 * scale).toFixed(2)} s), parallelism 10\n`);
  io.stdout(`  ${'topology'.padEnd(16)} ${'steps'.padStart(5)} ${'wall'.padStart(8)} ${'crit.path'.padStart(9)} ${'wall/cp'.padStart(7)} ${'calls'.padStart(6)} ${'calls/created'.padStart(13)}\n`);
  for (const r of rows) {
    io.stdout(
      `  ${r.name.padEnd(16)} ${String(r.steps).padStart(5)} ${`${(r.wallMs / 1000).toFixed(2)}s`.padStart(8)} ${`${(r.criticalPathMs / 1000).toFixed(2)}s`.padStart(9)} ${(r.wallMs / r.criticalPathMs).toFixed(2).padStart(7)} ${String(r.apiCalls).padStart(6)} ${(r.apiCalls / r.created).toFixed(2).padStart(13)}${r.status === 'succeeded' ? '' : `  (${r.status})`}\n`,
    );
  }
  const matrixScale = 0.1;
  const matrix = await benchMatrix([3, 10, 30], matrixScale);
  io.stdout(`\nping matrix through Cloud Assistant (one VPC, emulator at time scale ${matrixScale}: a command is delivered in ${1000 * matrixScale} ms, 5 echoes take ~${(0.8 * 1000 * matrixScale).toFixed(0)} ms)\n`);
  for (const m of matrix) {
    io.stdout(`  ${`${m.probes} probes`.padEnd(10)} ${String(m.cells).padStart(4)} cells ${`${m.wallMs.toFixed(0)} ms`.padStart(8)} ${String(m.apiCalls).padStart(4)} calls  ${(m.wallMs / matrix[0]!.wallMs).toFixed(2)}x the 3-probe time${m.allMeasured ? '' : '  (not all measured!)'}\n`);
  }
  return rows.every((r) => r.status === 'succeeded') && matrix.every((m) => m.allMeasured) ? 0 : 1;
};
