/**
 * The bring-up of an on-premises device in Slack: the checklist of its tunnels (edited in place as
 * they come up), a diagnosis of one that stays down, and the news that all are up. Pure functions
 * from use-case values to messages; every piece of user text escaped.
 */
import type { DeviceWait } from '../../src/app/app-store';
import type { Diagnosis } from '../../src/app/tunnel-diagnosis';
import { context, escapeMrkdwn, section, type SlackMessage } from './blocks';

const role = (r: 'master' | 'slave') => (r === 'master' ? 'master' : 'backup');

export function checklistMessage(
  wait: DeviceWait,
  o: { sandbox: boolean; owners: string; everySeconds: number },
): SlackMessage {
  const up = wait.tunnels.filter((t) => t.up).length;
  const done = wait.finishedAt !== undefined || (up === wait.tunnels.length && up > 0);
  const head = done
    ? `:white_check_mark: *${escapeMrkdwn(wait.site)}'s device is up* (${escapeMrkdwn(wait.deviceAddress)}): ${up} of ${wait.tunnels.length} tunnels`
    : `:satellite_antenna: *Waiting for ${escapeMrkdwn(wait.site)}'s device* (${escapeMrkdwn(wait.deviceAddress)}): ${up} of ${wait.tunnels.length} tunnels up`;
  const lines = wait.tunnels.map(
    (t) =>
      `${t.up ? ':white_check_mark:' : ':white_large_square:'} ${escapeMrkdwn(t.connection)} ${role(t.role)} tunnel → ${escapeMrkdwn(t.cloudAddress)}${t.up ? '' : ` (\`${escapeMrkdwn(t.status)}\`)`}`,
  );
  const blocks = [section([head, ...lines].join('\n'))];
  if (!done)
    blocks.push(
      context(
        `Configure it: \`/vpn config ${escapeMrkdwn(wait.topology)} ${escapeMrkdwn(wait.site)} &lt;vendor&gt;\` (its owners get the keys: ${o.owners}). Checked every ${o.everySeconds} s; the ping matrix follows once every tunnel is up.${o.sandbox ? ' [sandbox]' : ''}`,
      ),
    );
  return {
    text: `${done ? `${wait.site}'s device is up` : `Waiting for ${wait.site}'s device`}: ${up} of ${wait.tunnels.length} tunnels up`,
    blocks,
  };
}

export function diagnosisMessage(wait: DeviceWait, found: readonly { diagnosis: Diagnosis }[]): SlackMessage {
  const text = `:mag: *${escapeMrkdwn(wait.site)}'s device*: ${found.length} tunnel${found.length > 1 ? 's' : ''} still down`;
  // Both connections' master tunnels down for one reason: said once, with how many.
  const lines = [...new Map(found.map((f) => [f.diagnosis.words, f])).values()].map((f) => {
    const n = found.filter((x) => x.diagnosis.words === f.diagnosis.words).length;
    return `• ${escapeMrkdwn(f.diagnosis.words)}${n > 1 ? ` (${n} tunnels)` : ''}\n   _the cloud reports:_ \`${escapeMrkdwn(f.diagnosis.reported.slice(0, 300))}\``;
  });
  return { text: `${wait.site}'s device: tunnels still down`, blocks: [section([text, ...lines].join('\n'))] };
}
