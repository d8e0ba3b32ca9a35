/**
 * A run in its plan's thread: one progress message edited in place, then the failures (with Retry /
 * Roll back / Keep as is) and the ping matrix the run ended with. Runs a dead process left are
 * resumed in their threads the same way.
 */
import type { WebClient } from '@slack/web-api';
import type { PlanRecord } from '../../src/app/app-store';
import { resumeToEnd, runToEnd, type RunOutcome } from '../../src/app/run-to-end';
import type { EngineListener } from '../../src/engine/engine-events';
import type { RunThread } from '../../src/engine/engine-store';
import { logEngineEvents } from '../../src/log/log-engine-events';
import { isDestroyPlan } from '../../src/planner/plan';
import { escapeMrkdwn, failureMessage, messageArgs } from './blocks';
import { postMatrix } from './matrix-post';
import type { Respond } from './private-reply';
import { postChecklist } from './device-watch';
import { newProgressState, ProgressMessage } from './progress-message';
import type { SlackDeps } from './slack-deps';

/** Engine events go to the operator's structured log as well as to the thread. */
export function loggedListener(deps: SlackDeps, listener?: EngineListener): EngineListener {
  const log = logEngineEvents(deps.log);
  return (e) => {
    log(e);
    listener?.(e);
  };
}

/** Posts the run's progress message in the thread; its edits follow the engine's events. */
export async function startProgress(
  deps: SlackDeps,
  topology: string,
  kind: string,
  thread: RunThread,
  client: WebClient,
): Promise<ProgressMessage> {
  const state = newProgressState(topology, kind, Date.now());
  const first = await client.chat.postMessage({
    channel: thread.channel,
    thread_ts: thread.ts,
    text: `${kind === 'destroy' ? 'Destroying' : kind === 'rotate' ? 'Rotating the keys of' : 'Applying'} ${topology}…`,
  });
  return new ProgressMessage(state, {
    intervalMs: deps.progressIntervalMs,
    sandbox: deps.services.sandbox,
    update: async (m) => void (await client.chat.update({ channel: thread.channel, ts: first.ts!, ...messageArgs(m) })),
    onError: (e) => deps.log.warn({ err: e }, 'progress update failed; retrying at the next tick'),
  });
}

/** Runs an approved plan with its progress in the thread, then reports how it ended. */
export async function runInThread(
  deps: SlackDeps,
  record: PlanRecord,
  thread: RunThread,
  client: WebClient,
): Promise<void> {
  const kind = record.rotation ? 'rotate' : isDestroyPlan(record.plan) ? 'destroy' : 'apply';
  const progress = await startProgress(deps, record.topology, kind, thread, client);
  const outcome = await runToEnd(deps.services, record, { onEvent: loggedListener(deps, progress.onEvent), thread });
  endProgress(progress, outcome);
  await progress.finish();
  await reportOutcome(deps, outcome, thread, client);
}

/** What the progress message ends on besides the engine's own end: the devices the run waits for. */
export function endProgress(progress: ProgressMessage, outcome: RunOutcome): void {
  if (outcome.waitingFor?.length) progress.state.waitingFor = outcome.waitingFor.map((w) => w.site);
}

/**
 * After a run, in its thread: the failed steps and what to do, then the matrix it was measured
 * with; or, when it waits for on-premises devices, each one's checklist (remembered, to tick).
 */
export async function reportOutcome(
  deps: SlackDeps,
  outcome: RunOutcome,
  thread: RunThread,
  client: WebClient,
): Promise<void> {
  const { result } = outcome;
  if (result.failures.length > 0)
    await client.chat.postMessage({
      channel: thread.channel,
      thread_ts: thread.ts,
      ...messageArgs(failureMessage(result.runId, result.kind, result.failures)),
    });
  const say: Respond = (m) =>
    client.chat.postMessage({ channel: thread.channel, thread_ts: thread.ts, text: String(m.text ?? '') });
  for (const wait of outcome.waitingFor ?? []) await postChecklist(deps, wait, thread, client);
  if (outcome.matrix) {
    await postMatrix(
      deps,
      outcome.matrix,
      { channel: thread.channel, threadTs: thread.ts },
      client,
      say,
      result.kind === 'rotate'
        ? `*Ping matrix for ${escapeMrkdwn(result.topology)}* after the key rotation's last step`
        : `*Ping matrix for ${escapeMrkdwn(result.topology)}* after the ${result.kind} (the baseline)`,
    );
  } else if (outcome.matrixError !== undefined) {
    await say({ text: 'The ping matrix could not be measured after the apply; `/vpn ping` tries again.' }).catch(
      () => undefined,
    );
  }
}

/** Resumes the runs a previous process left, each in its thread (those without one, silently). */
export async function resumeInThreads(deps: SlackDeps, client: WebClient): Promise<void> {
  const threads = new Map<string, Promise<ProgressMessage | undefined>>();
  const outcomes = await resumeToEnd(deps.services, {
    onEvent: loggedListener(deps),
    onResume: (run) => {
      if (!run.thread) return undefined;
      const thread = run.thread;
      const progress = client.chat
        .postMessage({
          channel: thread.channel,
          thread_ts: thread.ts,
          text: `vpnbot restarted: resuming ${run.kind} \`${run.id}\` where it stopped.`,
        })
        .then(() => startProgress(deps, run.topology, run.kind, thread, client))
        .catch((e: unknown) => {
          deps.log.warn({ err: e }, 'could not report a resumed run in its thread');
          return undefined;
        });
      threads.set(run.id, progress);
      // Events arrive before the message exists: buffered through the promise.
      return loggedListener(deps, (e) => void progress.then((m) => m?.onEvent(e)));
    },
  });
  for (const outcome of outcomes) {
    const progress = await threads.get(outcome.result.runId);
    if (progress) endProgress(progress, outcome);
  }
  await Promise.all([...threads.values()].map((p) => p.then((m) => m?.finish())));
  for (const outcome of outcomes) if (outcome.thread) await reportOutcome(deps, outcome, outcome.thread, client);
}
