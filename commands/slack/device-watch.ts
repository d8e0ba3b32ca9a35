/**
 * The bring-up of on-premises devices in Slack: a run that waits for a device posts its checklist
 * in the plan's thread; a schedule checks the open waits, edits the checklist as tunnels come up,
 * posts a diagnosis of a tunnel down past the configured time (again when it changes), and, when a
 * site's tunnels are all up, says so and posts the ping matrix.
 */
import type { WebClient } from '@slack/web-api';
import type { DeviceWait } from '../../src/app/app-store';
import { checkDeviceWaits, ownersOf, recordChecklist, type DeviceWaitUpdate } from '../../src/app/device-bring-up';
import type { RunThread } from '../../src/engine/engine-store';
import { escapeMrkdwn, messageArgs } from './blocks';
import { checklistMessage, diagnosisMessage } from './device-blocks';
import { postMatrix } from './matrix-post';
import type { Respond } from './private-reply';
import type { SlackDeps } from './slack-deps';

function checklistOf(deps: SlackDeps, wait: DeviceWait) {
  return checklistMessage(wait, {
    sandbox: deps.services.sandbox,
    owners: ownersOf(deps.services, wait),
    everySeconds: Math.round(deps.deviceCheckMs / 100) / 10,
  });
}

/** Posts a wait's checklist in the thread and remembers where, to edit it. */
export async function postChecklist(
  deps: SlackDeps,
  wait: DeviceWait,
  thread: RunThread,
  client: WebClient,
): Promise<DeviceWait> {
  const posted = await client.chat.postMessage({
    channel: thread.channel,
    thread_ts: thread.ts,
    ...messageArgs(checklistOf(deps, wait)),
  });
  return recordChecklist(deps.services, wait, { channel: thread.channel, ts: posted.ts! });
}

/** One check's news in its thread: the checklist edited, the diagnoses, and the matrix once all are up. */
async function report(deps: SlackDeps, u: DeviceWaitUpdate, client: WebClient): Promise<void> {
  const thread = u.wait.thread;
  if (!thread) return;
  if (u.wait.checklist)
    await client.chat.update({
      channel: u.wait.checklist.channel,
      ts: u.wait.checklist.ts,
      ...messageArgs(checklistOf(deps, u.wait)),
    });
  else await postChecklist(deps, u.wait, thread, client);
  if (u.diagnoses.length)
    await client.chat.postMessage({
      channel: thread.channel,
      thread_ts: thread.ts,
      ...messageArgs(diagnosisMessage(u.wait, u.diagnoses)),
    });
  if (!u.complete) return;
  const say: Respond = (m) =>
    client.chat.postMessage({ channel: thread.channel, thread_ts: thread.ts, text: String(m.text ?? '') });
  await say({
    text: `:white_check_mark: ${u.wait.site}'s device is up: all ${u.wait.tunnels.length} tunnels of ${u.wait.topology}.`,
  });
  if (u.matrix)
    await postMatrix(
      deps,
      u.matrix,
      { channel: thread.channel, threadTs: thread.ts },
      client,
      say,
      `*Ping matrix for ${escapeMrkdwn(u.wait.topology)}* after ${escapeMrkdwn(u.wait.site)}'s device came up (the baseline)`,
    );
  else if (u.matrixError !== undefined)
    await say({ text: 'The ping matrix could not be measured; `/vpn ping` tries again.' }).catch(() => undefined);
}

export interface DeviceWatch {
  /** One check now (a check still running is not doubled). */
  check(): Promise<void>;
  stop(): void;
}

export function startDeviceWatch(deps: SlackDeps, client: WebClient): DeviceWatch {
  let checking = false;
  async function check(): Promise<void> {
    if (checking) return;
    checking = true;
    try {
      const updates = await checkDeviceWaits(deps.services, {
        now: Date.now(),
        diagnoseAfterMs: deps.deviceDiagnosisMs,
      });
      for (const u of updates) await report(deps, u, client);
    } catch (e) {
      deps.log.warn({ err: e }, 'checking the tunnels of awaited devices failed; trying again at the next interval');
    } finally {
      checking = false;
    }
  }
  const timer = setInterval(() => void check(), deps.deviceCheckMs);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
