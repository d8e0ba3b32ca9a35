/** The App Home tab: every topology's status and its latest matrix, published when the tab opens. */
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { latestMatrix } from '../../../src/app/ping-use-cases';
import { statusOf } from '../../../src/app/use-cases';
import { closedHomeView, homeView } from '../ping-blocks';
import type { SlackDeps } from '../slack-deps';

/**
 * Whether `user` may see vpnbot's topologies here: anyone when vpnbot may be used in any channel,
 * else members of a channel it may be used in (failing closed when Slack cannot say).
 */
async function mayView(deps: SlackDeps, user: string, client: WebClient): Promise<boolean> {
  const channels = deps.policy.channels;
  if (channels.length === 0) return true;
  const members = deps.channelMembers(client);
  for (const channel of channels) {
    const ids = await members(channel).catch((e: unknown) => {
      deps.log.warn({ err: e, channel }, 'channel members could not be read; App Home stays closed for now');
      return [] as readonly string[];
    });
    if (ids.includes(user)) return true;
  }
  return false;
}

export async function onAppHomeOpened(deps: SlackDeps, user: string, client: WebClient): Promise<void> {
  try {
    if (!(await mayView(deps, user, client))) {
      const where = deps.policy.channels.map((c) => `<#${c}>`).join(', ');
      return void (await client.views.publish({ user_id: user, view: closedHomeView(where) as never }));
    }
    const { topologies } = statusOf(deps.services);
    const rows = topologies.map((status) => {
      const matrix = latestMatrix(deps.services, status.topology);
      return matrix ? { status, matrix } : { status };
    });
    await client.views.publish({ user_id: user, view: homeView(rows, deps.services.sandbox) as never });
  } catch (e) {
    deps.log.warn({ err: e }, 'App Home could not be published');
  }
}

export function register(app: App, deps: SlackDeps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if ((event as { tab?: string }).tab !== 'home') return;
    await onAppHomeOpened(deps, event.user, client);
  });
}
