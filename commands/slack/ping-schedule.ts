/**
 * Scheduled re-checks: each applied topology is measured again, and its thread is told when a pair
 * stops answering or answers again (transitions only: one alert per change).
 */
import type { WebClient } from '@slack/web-api';
import { recheckTopologies } from '../../src/app/ping-use-cases';
import { messageArgs } from './blocks';
import { uploadHeatMap } from './matrix-post';
import { changeMessage } from './ping-blocks';
import type { SlackDeps } from './slack-deps';

export interface PingSchedule {
  /** One round now (a round still running is not doubled). */
  recheck(): Promise<void>;
  stop(): void;
}

export function startPingSchedule(deps: SlackDeps, client: WebClient, everyMs: number): PingSchedule {
  let checking = false;
  async function recheck(): Promise<void> {
    if (checking) return;
    checking = true;
    try {
      for (const r of await recheckTopologies(deps.services, 'vpnbot')) {
        if (!r.result.ok || !r.thread || (r.regressed.length === 0 && r.recovered.length === 0)) continue;
        const { channel, ts } = r.thread;
        for (const [change, pairs] of [
          ['regressed', r.regressed],
          ['recovered', r.recovered],
        ] as const) {
          if (pairs.length)
            await client.chat.postMessage({
              channel,
              thread_ts: ts,
              ...messageArgs(changeMessage(r.topology, change, pairs, deps.services.sandbox)),
            });
        }
        if (r.regressed.length) await uploadHeatMap(deps, r.result.matrix, channel, ts, client);
      }
    } catch (e) {
      deps.log.warn({ err: e }, 'scheduled ping re-check failed; trying again at the next interval');
    } finally {
      checking = false;
    }
  }
  const timer = setInterval(() => void recheck(), everyMs);
  return { recheck, stop: () => clearInterval(timer) };
}
