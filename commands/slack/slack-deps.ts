/** What every Slack listener works with: the use cases' services and the app's settings, passed in. */
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { AppServices } from '../../src/app/app-services';
import type { ApprovalPolicy, GroupMembers } from '../../src/app/approval-policy';
import type { Turnstile } from '../../src/dag/turnstile';
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
  /** Keeps a run this process started known until it ends (a stop reports how many will resume). */
  readonly track: <T>(run: Promise<T>) => Promise<T>;
  /**
   * Planning and measuring take turns, a few at a time, so that a burst of them cannot hold up the
   * acknowledgements of the requests behind (Slack's 3 s); help, status and refusals go straight through.
   */
  readonly heavyWork: Turnstile;
}

/** A user group members cache over usergroups.users.list (Tier 2: a few calls a minute). */
export function groupMembers(ttlMs = 5 * 60_000, now: () => number = Date.now): (client: WebClient) => GroupMembers {
  const cache = new Map<string, { at: number; ids: readonly string[] }>();
  return (client) => async (group) => {
    const hit = cache.get(group);
    if (hit && now() - hit.at < ttlMs) return hit.ids;
    const r = await client.usergroups.users.list({ usergroup: group });
    const ids = (r.users ?? []) as string[];
    cache.set(group, { at: now(), ids });
    return ids;
  };
}
