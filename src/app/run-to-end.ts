/**
 * The product rule after Approve, in one place: an approved plan runs to its end and, when it was
 * an apply that succeeded, the ping matrix is measured (the topology's new baseline); unless an
 * on-premises device's tunnels are not up yet: then the run ends waiting for that device, and the
 * matrix follows once its tunnels are (device-bring-up.ts). Every front
 * end (Slack, the console, the CLI, the demo) calls these and only renders what they return; a run
 * a dead process left is resumed, and a failed one retried, the same way.
 */
import type { EngineListener } from '../engine/engine-events';
import type { RunRecord, RunThread } from '../engine/engine-store';
import type { RunResult } from '../engine/create-engine';
import type { Plan } from '../planner/plan';
import type { AppServices } from './app-services';
import type { PlanRecord } from './app-store';
import { isDestroyPlan } from '../planner/plan';
import type { DeviceWait } from './app-store';
import { openDeviceWaits } from './device-bring-up';
import { runRotation } from './key-rotation';
import { measureAfterApply, type MeasureResult } from './ping-use-cases';

export interface RunOutcome {
  readonly result: RunResult;
  /** Who the run is for: the plan's requester (the baseline's actor). */
  readonly requester: string;
  /** Where the run reports in chat, when it has a thread. */
  readonly thread?: RunThread;
  /**
   * The matrix measured after a successful apply, or why it was refused (no probes recorded, ...).
   * Absent for a destroy, a run that did not succeed, or a topology without probes.
   */
  readonly matrix?: MeasureResult;
  /** A fault while measuring, in words: the run itself stands, and `/vpn ping` measures again. */
  readonly matrixError?: string;
  /**
   * The cloud side is done and these on-premises devices are awaited: the run ends waiting for
   * them, not failed, and is measured when their tunnels are up.
   */
  readonly waitingFor?: readonly DeviceWait[];
}

export interface RunToEndOptions {
  readonly onEvent?: EngineListener;
  readonly thread?: RunThread;
  readonly signal?: AbortSignal;
  /** Suspends the run (Ctrl-C): it is left unfinished, resumed by the next start (`resumeToEnd`). */
  readonly suspend?: AbortSignal;
  /** For a retry: what is left of the approved plan. */
  readonly plan?: Plan;
}

/** Measures after a run when the rule says so; a fault while measuring is reported, not thrown. */
export async function measureAfterRun(
  services: AppServices,
  result: RunResult,
  requester: string,
): Promise<Pick<RunOutcome, 'matrix' | 'matrixError'>> {
  if (result.kind !== 'apply') return {};
  try {
    const matrix = await measureAfterApply(services, result.topology, {
      actor: requester,
      succeeded: result.status === 'succeeded',
    });
    return matrix ? { matrix } : {};
  } catch (e) {
    services.logger.warn({ err: e, topology: result.topology }, 'the ping matrix after the run could not be measured');
    return { matrixError: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * After an apply that succeeded: the devices it waits for (none when every tunnel answers). A fault
 * reading the tunnels is logged: the run stands, and is measured as any other.
 */
async function devicesAwaited(s: AppServices, result: RunResult, thread?: RunThread): Promise<DeviceWait[]> {
  if (result.kind !== 'apply' || result.status !== 'succeeded') return [];
  try {
    return await openDeviceWaits(s, result.topology, {
      runId: result.runId,
      now: Date.now(),
      ...(thread ? { thread } : {}),
    });
  } catch (e) {
    s.logger.warn({ err: e, topology: result.topology }, 'the tunnels to on-premises devices could not be read');
    return [];
  }
}

/** What follows a run: the devices it waits for, or else the matrix. */
async function afterRun(
  s: AppServices,
  result: RunResult,
  requester: string,
  thread?: RunThread,
): Promise<Pick<RunOutcome, 'matrix' | 'matrixError' | 'waitingFor'>> {
  const waitingFor = await devicesAwaited(s, result, thread);
  if (waitingFor.length) return { waitingFor };
  return measureAfterRun(s, result, requester);
}

/**
 * Runs an approved plan (or, for a retry, what is left of it: `plan`); the plan record becomes
 * `applied` only if the run succeeded (`failed` otherwise).
 */
async function runApprovedPlan(s: AppServices, record: PlanRecord, o: RunToEndOptions): Promise<RunResult> {
  const plan = o.plan ?? record.plan;
  const destroy = isDestroyPlan(plan);
  if (record.document && !destroy) s.store.saveTopology(record.document, Date.now());
  const result = await s.engine.apply(plan, {
    requester: record.requester,
    planId: record.id,
    kind: destroy ? 'destroy' : 'apply',
    ...(o.onEvent ? { onEvent: o.onEvent } : {}),
    ...(o.thread ? { thread: o.thread } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.suspend ? { suspend: o.suspend } : {}),
  });
  // A suspended run is still under way: its plan is marked when the resumed run ends.
  if (result.status !== 'running') s.store.markPlan(record.id, result.status === 'succeeded' ? 'applied' : 'failed');
  return result;
}

/** Runs an approved plan to its end, then measures it. */
export async function runToEnd(
  services: AppServices,
  record: PlanRecord,
  options: RunToEndOptions = {},
): Promise<RunOutcome> {
  // A key rotation is its own run: one key at a time, the matrix checked between them.
  if (record.rotation) return runRotation(services, record, options);
  const result = await runApprovedPlan(services, record, options);
  // An interrupted run is resumed later; it is measured when it ends.
  const measured =
    options.signal?.aborted || result.status === 'running'
      ? {}
      : await afterRun(services, result, record.requester, options.thread);
  return { result, requester: record.requester, ...(options.thread ? { thread: options.thread } : {}), ...measured };
}

export interface ResumeOptions {
  readonly signal?: AbortSignal;
  /** Suspends the resumed run (Ctrl-C): left unfinished again, for the next start. */
  readonly suspend?: AbortSignal;
  /** Progress of the resumed runs `onResume` gave no listener of their own. */
  readonly onEvent?: EngineListener;
  /** Hears of each run before it resumes; may give that run a listener of its own (its thread's progress). */
  readonly onResume?: (run: RunRecord) => EngineListener | undefined;
}

/** Finishes the runs a dead process left (a crash, Ctrl-C, a kill), each measured as any run is. */
export async function resumeToEnd(services: AppServices, options: ResumeOptions = {}): Promise<RunOutcome[]> {
  const results = await services.engine.resume({
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.suspend ? { suspend: options.suspend } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    onResume: (run) => options.onResume?.(run),
  });
  const outcomes: RunOutcome[] = [];
  for (const result of results) {
    const run = services.store.run(result.runId);
    const requester = run?.requester ?? 'vpnbot';
    const stopped = options.signal?.aborted || result.status === 'running';
    if (run?.planId && !stopped)
      services.store.markPlan(run.planId, result.status === 'succeeded' ? 'applied' : 'failed');
    const measured = stopped ? {} : await afterRun(services, result, requester, run?.thread);
    outcomes.push({ result, requester, ...(run?.thread ? { thread: run.thread } : {}), ...measured });
  }
  return outcomes;
}
