/** `/vpn ...`: acknowledged at once, then answered (plan, apply, destroy, status, ping, help). */
import type { App, SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { channelAllowed } from '../../../src/app/approval-policy';
import { proposeRotation } from '../../../src/app/key-rotation';
import { measureTopology, pastePingRow, pingHistory } from '../../../src/app/ping-use-cases';
import { proposeKnown, proposeTopology, statusOf } from '../../../src/app/use-cases';
import { parseVpnCommand, type VpnCommand } from '../../../src/app/vpn-command';
import { escapeMrkdwn, helpMessage, statusMessage, textMessage } from '../blocks';
import { deliverConfig } from '../config-delivery';
import { planView } from '../forms';
import { postMatrix } from '../matrix-post';
import { historyMessage } from '../ping-blocks';
import { postProposal } from '../post-proposal';
import { replyFault, type Respond } from '../private-reply';
import type { SlackDeps } from '../slack-deps';
import { VPN_COMMAND } from '../slack-scopes';

export interface VpnCommandArgs {
  readonly command: Pick<SlashCommand, 'text' | 'channel_id' | 'user_id' | 'trigger_id'>;
  readonly respond: Respond;
  readonly client: WebClient;
}

/** Kinds that plan or measure against the cloud: they wait their turn. */
const HEAVY: ReadonlySet<VpnCommand['kind']> = new Set(['plan', 'apply', 'destroy', 'ping', 'config', 'rotate']);

export async function onVpnCommand(deps: SlackDeps, args: VpnCommandArgs): Promise<void> {
  try {
    const allowed = channelAllowed(deps.policy, args.command.channel_id);
    if (!allowed.ok) return void (await args.respond({ response_type: 'ephemeral', text: allowed.reason }));
    const cmd = parseVpnCommand(args.command.text ?? '');
    const release = HEAVY.has(cmd.kind) ? await deps.heavyWork.turn() : undefined;
    try {
      await answer(deps, cmd, args);
    } finally {
      release?.();
    }
  } catch (e) {
    await replyFault(deps.log, args.respond, e, 'command');
  }
}

async function answer(deps: SlackDeps, cmd: VpnCommand, { command, respond, client }: VpnCommandArgs): Promise<void> {
  const services = deps.services;
  const now = Date.now();
  const asker = { requester: command.user_id, now, policy: deps.policy };
  switch (cmd.kind) {
    case 'help':
      return void (await respond({ response_type: 'ephemeral', ...helpMessage(services.sandbox) }));
    case 'invalid':
      return void (await respond({ response_type: 'ephemeral', ...textMessage(`${cmd.message}. ${cmd.hint}`) }));
    case 'plan':
      if (cmd.form === 'modal')
        return void (await client.views.open({
          trigger_id: command.trigger_id,
          view: planView(command.channel_id) as never,
        }));
      return postProposal(
        deps,
        await proposeTopology(services, { text: cmd.text, form: cmd.form }, deps.validation, asker),
        'apply',
        command.channel_id,
        client,
        respond,
      );
    case 'apply':
    case 'destroy':
      return postProposal(
        deps,
        await proposeKnown(services, cmd.name, { ...asker, kind: cmd.kind }),
        cmd.kind,
        command.channel_id,
        client,
        respond,
      );
    case 'status': {
      const report = statusOf(services, cmd.name ? [cmd.name] : undefined);
      if (report.unknown.length)
        return void (await respond({
          response_type: 'ephemeral',
          text: `No topology named "${report.unknown[0]}". \`/vpn status\` lists them.`,
        }));
      return void (await respond({
        response_type: 'ephemeral',
        ...statusMessage(report.topologies, services.sandbox),
      }));
    }
    case 'rotate':
      return postProposal(
        deps,
        await proposeRotation(services, cmd.name, cmd.site, asker),
        'rotate',
        command.channel_id,
        client,
        respond,
      );
    case 'config':
      return deliverConfig(
        deps,
        { name: cmd.name, site: cmd.site, ...(cmd.vendor ? { vendor: cmd.vendor } : {}), user: command.user_id },
        client,
        respond,
      );
    case 'ping': {
      if (cmd.mode === 'history') {
        const h = pingHistory(services, cmd.name);
        return void (await respond({
          response_type: 'ephemeral',
          ...(h.ok ? historyMessage(cmd.name, h.trends, h.measurements, services.sandbox) : textMessage(h.refusal)),
        }));
      }
      const where = { channel: command.channel_id };
      if (cmd.mode === 'paste') {
        const r = pastePingRow(services, cmd.name, cmd.site, cmd.output, { actor: command.user_id, at: now });
        return postMatrix(
          deps,
          r,
          where,
          client,
          respond,
          `*${escapeMrkdwn(cmd.name)}*: row from *${escapeMrkdwn(cmd.site)}* pasted by <@${command.user_id}>`,
        );
      }
      await respond({
        response_type: 'ephemeral',
        text: `Measuring the ping matrix of *${escapeMrkdwn(cmd.name)}* through Cloud Assistant…`,
      });
      const r = await measureTopology(services, cmd.name, { trigger: 'manual', actor: command.user_id });
      return postMatrix(
        deps,
        r,
        where,
        client,
        respond,
        `*Ping matrix for ${escapeMrkdwn(cmd.name)}*, asked by <@${command.user_id}>`,
      );
    }
  }
}

export function register(app: App, deps: SlackDeps): void {
  app.command(VPN_COMMAND, async ({ command, ack, respond, client }) => {
    await ack();
    await onVpnCommand(deps, { command, respond, client });
  });
}
