/**
 * What a Slack listener's callback needs, for fast tests of it as a plain function: deps over a
 * harness (SQLite store, official SDKs, in-process emulator), and a Web API client that records
 * each call and answers as Slack does (ids, ts). Protocol-level behaviour (signatures, acks,
 * restarts) stays in the e2e suites.
 */
import type { WebClient } from '@slack/web-api';
import { DEFAULT_APPROVAL_POLICY, type ApprovalPolicy } from '../../src/app/approval-policy';
import { Turnstile } from '../../src/dag/turnstile';
import { createLogger } from '../../src/log/create-logger';
import type { Respond } from '../../commands/slack/private-reply';
import { groupMembers, type SlackDeps } from '../../commands/slack/slack-deps';
import { type Harness, servicesOf, startHarness } from './engine-harness';

export interface RecordedCall {
  readonly method: string;
  readonly args: Record<string, unknown>;
}

/** A WebClient that records calls (`chat.postMessage`, `views.open`, ...) and answers each with a new ts. */
export function recordingClient(groups: Record<string, string[]> = {}): {
  client: WebClient;
  calls: RecordedCall[];
  of: (method: string) => RecordedCall[];
} {
  const calls: RecordedCall[] = [];
  let n = 0;
  const answer = (method: string, args: Record<string, unknown>) => {
    calls.push({ method, args });
    n++;
    if (method === 'usergroups.users.list') return { ok: true, users: groups[String(args.usergroup)] ?? [] };
    if (method === 'conversations.open') return { ok: true, channel: { id: `D${String(args.users).slice(1)}` } };
    return { ok: true, ts: `1700000000.${String(n).padStart(6, '0')}`, channel: args.channel };
  };
  const family = (name: string): unknown =>
    new Proxy(() => undefined, {
      get: (_t, key: string) => family(`${name}.${key}`),
      apply: async (_t, _this, [args]: [Record<string, unknown>]) => answer(name, args ?? {}),
    });
  const client = new Proxy({}, { get: (_t, key: string) => family(key) }) as unknown as WebClient;
  return { client, calls, of: (method) => calls.filter((c) => c.method === method) };
}

/** A `respond` that records what it was given. */
export function recordingRespond(): { respond: Respond; said: Record<string, unknown>[] } {
  const said: Record<string, unknown>[] = [];
  return { respond: async (m) => void said.push(m), said };
}

export interface ListenerKit {
  readonly h: Harness;
  readonly deps: SlackDeps;
}

/** Deps over a fresh harness; `policy` overrides the default approval policy. */
export async function listenerKit(policy: Partial<ApprovalPolicy> = {}): Promise<ListenerKit> {
  const h = await startHarness();
  const services = servicesOf(h);
  const deps: SlackDeps = {
    services,
    policy: { ...DEFAULT_APPROVAL_POLICY, ...policy },
    validation: { ipsecConnectionQuota: 10 },
    progressIntervalMs: 100,
    deviceCheckMs: 100,
    deviceDiagnosisMs: 0,
    log: createLogger('silent'),
    members: groupMembers(),
    track: (run) => run,
    heavyWork: new Turnstile(2),
  };
  return { h, deps };
}

/** A slash command as Slack sends it, with only what listeners read. */
export const slash = (text: string, user = 'U1', channel = 'C1') => ({
  text,
  user_id: user,
  channel_id: channel,
  trigger_id: 'trig.1',
});
