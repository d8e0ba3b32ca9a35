/**
 * Whether vpnbot can post where a command was typed. Plans and matrices are posted in the channel
 * for others to see and approve, which needs the bot to be a member: in a channel it was not
 * invited to, or in a direct message, the person is told what to do instead of getting a fault.
 */
import type { WebClient } from '@slack/web-api';

export type Where = 'channel' | 'not-a-member' | 'direct-message';

/** Slack's answers to a post where the bot cannot post. */
const NOT_THERE: ReadonlySet<string> = new Set(['not_in_channel', 'channel_not_found', 'is_archived']);

/** Whether a Web API error says the bot cannot post in that channel. */
export function cannotPostThere(e: unknown): boolean {
  return NOT_THERE.has(String((e as { data?: { error?: unknown } }).data?.error ?? ''));
}

/** Words for each place vpnbot cannot post in: what to do about it (the caller says what became of the request). */
export const WHERE_HINT: Readonly<Record<Exclude<Where, 'channel'>, string>> = {
  'not-a-member':
    'vpnbot is not a member of this channel, so it cannot post plans or results here: invite it with `/invite @vpnbot`, then ask again.',
  'direct-message':
    'Plans and results are posted in a channel, where others can see and approve them: use `/vpn` in a channel vpnbot was invited to (`/invite @vpnbot`).',
};

/** Channels the bot was found to be a member of (a membership seen stays true for a while). */
export function whereToPost(ttlMs = 5 * 60_000, now: () => number = Date.now) {
  const member = new Map<string, number>();
  return async (client: WebClient, channel: string): Promise<Where> => {
    if (channel.startsWith('D')) return 'direct-message';
    const seen = member.get(channel);
    if (seen !== undefined && now() - seen < ttlMs) return 'channel';
    try {
      const r = await client.conversations.info({ channel });
      const c = r.channel as { is_member?: boolean; is_im?: boolean } | undefined;
      if (c?.is_im) return 'direct-message';
      if (c?.is_member === false) return 'not-a-member';
      member.set(channel, now());
      return 'channel';
    } catch (e) {
      // A private channel the bot is not in is invisible to it; anything else: try, and handle a failed post.
      return cannotPostThere(e) ? 'not-a-member' : 'channel';
    }
  };
}
