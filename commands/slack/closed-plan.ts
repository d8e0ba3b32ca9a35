/**
 * Plan messages that can no longer be approved (expired, superseded) say so and lose their
 * buttons, so that nobody clicks on what cannot run. Expiry is swept on a timer from the records
 * (a restart finds what expired while it was down); a superseded plan is closed when its
 * successor is posted, or when a click finds the cloud changed.
 */
import type { WebClient } from '@slack/web-api';
import type { PlanRecord } from '../../src/app/app-store';
import { expireDuePlans } from '../../src/app/use-cases';
import { summaryLine } from '../../src/planner/render-plan';
import { escapeMrkdwn, messageArgs, section } from './blocks';
import type { SlackDeps } from './slack-deps';

/** Why a plan closed: it expired, a newer plan of its topology replaced it (with a link), or why else. */
export type ClosedBecause =
  | { readonly status: 'expired' }
  | { readonly status: 'superseded'; readonly by: { readonly link?: string } }
  | { readonly status: 'superseded'; readonly reason: string };

export function closedLine(because: ClosedBecause): string {
  if (because.status === 'expired') return ':hourglass: Expired before it was approved: plan again to go ahead.';
  if ('by' in because)
    return `:fast_forward: Superseded by ${because.by.link ? `<${because.by.link}|a newer plan>` : 'a newer plan'} for the same topology: that one is the plan to approve.`;
  return `:fast_forward: Superseded: ${escapeMrkdwn(because.reason)}.`;
}

/** How a refusal that closed a plan (an expiry or a supersession found on a click) closes its message. */
export const closedByRefusal = (closed: { status: 'expired' | 'superseded' }, reason: string): ClosedBecause =>
  closed.status === 'expired' ? { status: 'expired' } : { status: 'superseded', reason };

/** Rewrites the plan's message (when it was posted): what it was, why it is closed, no buttons. */
export async function closePlanMessage(
  deps: SlackDeps,
  client: WebClient,
  record: PlanRecord,
  because: ClosedBecause,
): Promise<void> {
  if (!record.message) return;
  const line = closedLine(because);
  const head = `*Plan for ${escapeMrkdwn(record.topology)}* (\`${record.hash.slice(0, 12)}\`), asked by <@${record.requester}>: ${summaryLine(record.plan)}`;
  try {
    await client.chat.update({
      channel: record.message.channel,
      ts: record.message.ts,
      ...messageArgs({
        text: `Plan for ${escapeMrkdwn(record.topology)}: ${because.status}`,
        blocks: [section(head), section(line)],
      }),
    });
  } catch (e) {
    deps.log.warn({ err: e, planId: record.id }, 'a closed plan message could not be updated');
  }
}

/** Sweeps expired plans every `everyMs` (and once at start), closing their messages. */
export function startPlanExpiry(deps: SlackDeps, client: WebClient, everyMs: number): { stop(): void } {
  let sweeping = false;
  const sweep = async () => {
    if (sweeping) return;
    sweeping = true;
    try {
      for (const record of expireDuePlans(deps.services, Date.now()))
        await closePlanMessage(deps, client, record, { status: 'expired' });
    } catch (e) {
      deps.log.warn({ err: e }, 'expired plans could not be swept; trying again at the next interval');
    } finally {
      sweeping = false;
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
