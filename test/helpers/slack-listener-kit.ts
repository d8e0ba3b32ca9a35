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
import { channelMembers, groupMembers, type SlackDeps } from '../../commands/slack/slack-deps';
import { PerUserLimit } from '../../commands/slack/per-user-limit';
import { permalinks } from '../../commands/slack/permalinks';
import { HEAVY_PER_USER } from '../../commands/slack/slack-app';
import { whereToPost } from '../../commands/slack/where-to-post';
import { type Harness, servicesOf, startHarness } from './engine-harness';

export interface RecordedCall {
  readonly method: string;
  readonly args: Record<string, unknown>;
  /** What the client answered (a posted message's ts). */
  readonly answer: Record<string, unknown>;
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
    const a = slackAnswer(method, args);
    calls.push({ method, args, answer: a });
    return a;
  };
  const slackAnswer = (method: string, args: Record<string, unknown>): Record<string, unknown> => {
    n++;
    if (method === 'usergroups.users.list') return { ok: true, users: groups[String(args.usergroup)] ?? [] };
    // vpnbot is a member of every channel here; no channel has members but the ones a test names.
    if (method === 'conversations.info') return { ok: true, channel: { id: args.channel, is_member: true } };
    if (method === 'conversations.members') return { ok: true, members: [], response_metadata: { next_cursor: '' } };
    if (method === 'chat.getPermalink')
      return { ok: true, permalink: `https://acme.slack.com/archives/${args.channel}/p${String(args.message_ts)}` };
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
    channelMembers: channelMembers(),
    track: (run) => run,
    heavyWork: new Turnstile(2),
    perUser: new PerUserLimit(HEAVY_PER_USER),
    groupName: () => undefined,
    links: permalinks(),
    where: whereToPost(),
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
