/** The App Home tab: every topology's status and its latest matrix, published when the tab opens. */
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { latestMatrix } from '../../../src/app/ping-use-cases';
import { statusOf } from '../../../src/app/use-cases';
import { homeView } from '../ping-blocks';
import type { SlackDeps } from '../slack-deps';

export async function onAppHomeOpened(deps: SlackDeps, user: string, client: WebClient): Promise<void> {
  try {
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
