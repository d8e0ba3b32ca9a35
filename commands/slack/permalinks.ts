/**
 * Links that open a message where it is, in its thread (chat.getPermalink, no scope needed), kept
 * once asked: a message's permalink never changes. A link Slack cannot give is left out, never
 * guessed (an app_redirect URL opens the channel, not the thread).
 */
import type { WebClient } from '@slack/web-api';

export type Permalinks = (client: WebClient, channel: string, ts: string) => Promise<string | undefined>;

export function permalinks(max = 2000): Permalinks {
  const known = new Map<string, string>();
  return async (client, channel, ts) => {
    const key = `${channel}/${ts}`;
    const hit = known.get(key);
    if (hit) return hit;
    try {
      const r = await client.chat.getPermalink({ channel, message_ts: ts });
      if (!r.permalink) return undefined;
      if (known.size >= max) known.delete(known.keys().next().value!);
      known.set(key, r.permalink);
      return r.permalink;
    } catch {
      return undefined;
    }
  };
}
