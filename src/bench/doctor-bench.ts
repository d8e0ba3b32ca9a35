/**
 * The preflight of the seed (what `vpnbot doctor seed` asks after planning), against an in-process
 * emulator through the real SDK clients: its wall time with the cloud answering at once and with
 * each call taking `latenciesMs` (a cloud answering promptly from far away), and its calls per check.
 */
import { createAlibabaCloud } from '../cloud/alibaba/alibaba-cloud';
import { startEmulator } from '../emulator/server/start-emulator';
import { buildPlan } from '../planner/build-plan';
import { EMPTY_OBSERVED } from '../planner/observed';
import { runPreflight } from '../preflight/run-preflight';
import { topologyFromLine } from '../topology/load-topology';

export interface DoctorBenchResult {
  readonly callLatencyMs: number;
  /** Median of the runs after the first. */
  readonly medianMs: number;
  readonly checks: number;
  readonly calls: number;
  readonly findings: number;
}

export async function benchDoctor(latenciesMs: readonly number[] = [0, 100], runs = 5): Promise<DoctorBenchResult[]> {
  const emu = await startEmulator({ timeScale: 0.001 });
  try {
    const cloud = createAlibabaCloud({
      sandbox: true,
      endpoint: emu.endpoint,
      credentials: { accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret },
    });
    const seed = topologyFromLine('seed');
    if (!seed.ok) throw new Error('the seed does not parse');
    const plan = buildPlan(seed.value, EMPTY_OBSERVED);
    await runPreflight(cloud, plan); // warm: SDK code paths, connections
    const out: DoctorBenchResult[] = [];
    for (const callLatencyMs of latenciesMs) {
      emu.setFaults({ callLatencyMs });
      const reports = [];
      for (let i = 0; i < runs; i++) reports.push(await runPreflight(cloud, plan));
      const times = reports.map((r) => r.ms).sort((a, b) => a - b);
      const last = reports.at(-1)!;
      out.push({
        callLatencyMs,
        medianMs: times[Math.floor(times.length / 2)]!,
        checks: last.checks.length,
        calls: last.calls,
        findings: last.findings.length,
      });
    }
    return out;
  } finally {
    await emu.close();
  }
}
