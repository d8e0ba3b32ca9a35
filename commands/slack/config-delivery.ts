/**
 * `/vpn config`: the device configuration as a file in the asker's direct message with vpnbot,
 * never in a channel; its pre-shared keys only for the site's owners, masked for everyone else. A
 * private reply in the channel says where it went and whether it holds the keys.
 */
import type { WebClient } from '@slack/web-api';
import { deviceConfiguration } from '../../src/app/device-config';
import { ownerWords } from '../../src/app/site-owners';
import { escapeMrkdwn, textMessage } from './blocks';
import type { Respond } from './private-reply';
import type { SlackDeps } from './slack-deps';

export async function deliverConfig(
  deps: SlackDeps,
  request: { name: string; site: string; vendor?: string; user: string },
  client: WebClient,
  respond: Respond,
): Promise<void> {
  const r = await deviceConfiguration(deps.services, {
    topology: request.name,
    site: request.site,
    ...(request.vendor ? { vendor: request.vendor } : {}),
    actor: request.user,
    to: 'slack direct message',
    now: new Date(),
    keys: 'owners',
    members: deps.members(client),
  });
  if (!r.ok) return void (await respond({ response_type: 'ephemeral', ...textMessage(r.refusal) }));
  // A direct message with vpnbot: the only place a key is sent in Slack.
  const dm = await client.conversations.open({ users: request.user });
  const channel = dm.channel?.id;
  if (!channel) throw new Error('Slack opened no direct message channel');
  const what = `${r.vendor.title} configuration of ${r.site.name}'s device (${request.name})`;
  await client.files.uploadV2({
    channel_id: channel,
    file: Buffer.from(r.text, 'utf8'),
    filename: r.fileName,
    title: `${what}${r.withKeys ? ', with its pre-shared keys' : ', keys masked'}`,
    initial_comment: r.withKeys
      ? `The ${what}, with its pre-shared keys: keep the file private and delete it once the device is configured.${deps.services.sandbox ? ' [sandbox]' : ''}`
      : `The ${what}, with the keys masked (${r.masked}).${deps.services.sandbox ? ' [sandbox]' : ''}`,
  });
  await respond({
    response_type: 'ephemeral',
    ...textMessage(
      `Sent to your direct messages: \`${escapeMrkdwn(r.fileName)}\`, ${
        r.withKeys
          ? 'with the pre-shared keys.'
          : `with the keys masked: ${escapeMrkdwn(r.masked ?? '')}. Owners of ${escapeMrkdwn(r.site.name)}: ${ownerWords(r.site)}.`
      }`,
    ),
  });
}
