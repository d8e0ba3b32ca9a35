/** What every Slack listener works with: the use cases' services and the app's settings, passed in. */
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { AppServices } from '../../src/app/app-services';
import type { ApprovalPolicy, GroupMembers } from '../../src/app/approval-policy';
import type { Turnstile } from '../../src/dag/turnstile';
import type { PerUserLimit } from './per-user-limit';
import type { Permalinks } from './permalinks';
import type { Where } from './where-to-post';
import type { ValidationOptions } from '../../src/topology/validate';

export interface SlackDeps {
  readonly services: AppServices;
  readonly policy: ApprovalPolicy;
  readonly validation: ValidationOptions;
  /** The least time between two edits of one progress message. */
  readonly progressIntervalMs: number;
  /** How often awaited devices' tunnels are checked, and how long one may stay down before it is diagnosed. */
  readonly deviceCheckMs: number;
  readonly deviceDiagnosisMs: number;
  readonly log: Logger;
  /** Members of a Slack user group, as Slack lists them (cached briefly). */
  readonly members: (client: WebClient) => GroupMembers;
  /** Members of a channel, as Slack lists them (cached briefly). */
  readonly channelMembers: (client: WebClient) => (channel: string) => Promise<readonly string[]>;
  /** Keeps a run this process started known until it ends (a stop reports how many will resume). */
  readonly track: <T>(run: Promise<T>) => Promise<T>;
  /**
   * Planning and measuring take turns, a few at a time, so that a burst of them cannot hold up the
   * acknowledgements of the requests behind (Slack's 3 s); help, status and refusals go straight through.
   */
  readonly heavyWork: Turnstile;
  /** Heavy requests one user may have in flight (waiting or running); more are refused at once. */
  readonly perUser: PerUserLimit;
  /** The handle of an approver user group (e.g. `netops`), once Slack has listed them. */
  readonly groupName: (groupId: string) => string | undefined;
  /** A link that opens a message in its thread, when Slack gives one. */
  readonly links: Permalinks;
  /** Whether vpnbot can post in a channel (a member of it, not a direct message). */
  readonly where: (client: WebClient, channel: string) => Promise<Where>;
}

/** A user group members cache over usergroups.users.list (Tier 2: a few calls a minute). */
export function groupMembers(ttlMs = 5 * 60_000, now: () => number = Date.now): (client: WebClient) => GroupMembers {
  const cache = new Map<string, { at: number; ids: readonly string[] }>();
  return (client) => async (group, options) => {
    const hit = cache.get(group);
    if (hit && !options?.fresh && now() - hit.at < ttlMs) return hit.ids;
    const r = await client.usergroups.users.list({ usergroup: group });
    const ids = (r.users ?? []) as string[];
    cache.set(group, { at: now(), ids });
    return ids;
  };
}

/** A channel members cache over conversations.members (Tier 4), every page read. */
export function channelMembers(
  ttlMs = 5 * 60_000,
  now: () => number = Date.now,
): (client: WebClient) => (channel: string) => Promise<readonly string[]> {
  const cache = new Map<string, { at: number; ids: readonly string[] }>();
  return (client) => async (channel) => {
    const hit = cache.get(channel);
    if (hit && now() - hit.at < ttlMs) return hit.ids;
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await client.conversations.members({ channel, limit: 200, ...(cursor ? { cursor } : {}) });
      ids.push(...((r.members ?? []) as string[]));
      cursor = r.response_metadata?.next_cursor || undefined;
    } while (cursor);
    cache.set(channel, { at: now(), ids });
    return ids;
  };
}
