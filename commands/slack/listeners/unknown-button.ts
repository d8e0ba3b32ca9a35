/** Any other button (an older message, a forged payload): acknowledged and answered, not left to time out. */
import type { App } from '@slack/bolt';
import type { Respond } from '../private-reply';
import { ACTION_IDS } from '../slack-ids';

const KNOWN: ReadonlySet<string> = new Set(ACTION_IDS);

export async function onUnknownButton(respond: Respond): Promise<void> {
  await respond({
    response_type: 'ephemeral',
    replace_original: false,
    text: 'Nothing changed: that button is not one this vpnbot knows (from an older message?). `/vpn status` shows where things stand.',
  }).catch(() => undefined);
}

export function register(app: App): void {
  app.action({ type: 'block_actions' }, async ({ ack, action, respond }) => {
    if (KNOWN.has((action as { action_id?: string }).action_id ?? '')) return;
    await ack();
    await onUnknownButton(respond);
  });
}
