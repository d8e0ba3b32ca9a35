/** `/vpn ...`: acknowledged at once, then answered (plan, apply, destroy, status, ping, help). */
import type { App, SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { channelAllowed } from '../../../src/app/approval-policy';
import { proposeRotation } from '../../../src/app/key-rotation';
import { measureTopology, pastePingRow, pingHistory } from '../../../src/app/ping-use-cases';
import { proposeKnown, proposeTopology, statusOf } from '../../../src/app/use-cases';
import { doctorNamed } from '../../../src/app/doctor';
import { formatProblems } from '../../../src/errors';
import { parseVpnCommand, type VpnCommand } from '../../../src/app/vpn-command';
import { escapeMrkdwn, helpMessage, statusMessage, textMessage } from '../blocks';
import { doctorMessage } from '../preflight-blocks';
import { deliverConfig } from '../config-delivery';
import { planView } from '../forms';
import { postMatrix } from '../matrix-post';
import { historyMessage } from '../ping-blocks';
import { postProposal } from '../post-proposal';
import { replyFault, type Respond } from '../private-reply';
import type { SlackDeps } from '../slack-deps';
import { VPN_COMMAND } from '../slack-scopes';
import { busyText } from '../per-user-limit';
import { decodeSlackText } from '../slack-text';
import { cannotPostThere, WHERE_HINT } from '../where-to-post';
import { historyCsv } from '../../../src/probe/matrix-digest';
import { afterPendingRequests } from '../after-pending-requests';

export interface VpnCommandArgs {
  readonly command: Pick<SlashCommand, 'text' | 'channel_id' | 'user_id' | 'trigger_id'> &
    Partial<Pick<SlashCommand, 'response_url'>>;
  readonly respond: Respond;
  readonly client: WebClient;
}

/** Commands whose answer is posted in the channel (for others to see and approve): vpnbot must be a member. */
const postsInChannel = (cmd: VpnCommand) =>
  cmd.kind === 'plan' ||
  cmd.kind === 'apply' ||
  cmd.kind === 'destroy' ||
  (cmd.kind === 'ping' && cmd.mode !== 'history');

/** Kinds that plan or measure against the cloud: they wait their turn. */
const HEAVY: ReadonlySet<VpnCommand['kind']> = new Set([
  'plan',
  'apply',
  'destroy',
  'ping',
  'config',
  'rotate',
  'doctor',
]);

export async function onVpnCommand(deps: SlackDeps, args: VpnCommandArgs): Promise<void> {
  try {
    const allowed = channelAllowed(deps.policy, args.command.channel_id);
    // The reason names the allowed channels as Slack channel links: vpnbot's own markup.
    if (!allowed.ok) return void (await args.respond({ response_type: 'ephemeral', text: allowed.reason }));
    const cmd = parseVpnCommand(decodeSlackText(args.command.text ?? ''));
    if (postsInChannel(cmd)) {
      const where = await deps.where(args.client, args.command.channel_id);
      if (where !== 'channel')
        return void (await args.respond({
          response_type: 'ephemeral',
          text: `${WHERE_HINT[where]} Nothing was done.`,
        }));
    }
    // The plan form opens at once; what is planned from it takes its turn when it is sent.
    const heavy = HEAVY.has(cmd.kind) && !(cmd.kind === 'plan' && cmd.form === 'modal');
    const slot = heavy ? deps.perUser.enter(args.command.user_id) : undefined;
    if (heavy && !slot) return void (await args.respond({ response_type: 'ephemeral', text: busyText(deps.perUser) }));
    try {
      const release = heavy ? await deps.heavyWork.turn() : undefined;
      try {
        await answer(deps, cmd, args);
      } finally {
        release?.();
      }
    } finally {
      slot?.();
    }
  } catch (e) {
    await replyFault(deps.log, args.respond, e, 'command', (t) => deps.links(args.client, t.channel, t.ts));
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
          view: planView({
            channel: command.channel_id,
            ...(command.response_url ? { responseUrl: command.response_url } : {}),
          }) as never,
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
          text: escapeMrkdwn(`No topology named "${report.unknown[0]}". \`/vpn status\` lists them.`),
        }));
      const links = new Map<string, string>();
      for (const t of report.topologies.slice(0, 40)) {
        const thread = t.lastRun?.thread;
        const link = thread ? await deps.links(client, thread.channel, thread.ts) : undefined;
        if (thread && link) links.set(`${thread.channel}/${thread.ts}`, link);
      }
      return void (await respond({
        response_type: 'ephemeral',
        ...statusMessage(report.topologies, services.sandbox, links),
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
    case 'doctor': {
      // Only the asker sees it: the findings name the account's RAM actions and quotas.
      const r = await doctorNamed(services, cmd.topology, deps.validation);
      if (!r.ok)
        return void (await respond({ response_type: 'ephemeral', ...textMessage(formatProblems(r.problems)) }));
      return void (await respond({
        response_type: 'ephemeral',
        ...doctorMessage(r.report, r.topology, services.sandbox),
      }));
    }
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
        if (!h.ok) return void (await respond({ response_type: 'ephemeral', ...textMessage(h.refusal) }));
        const message = historyMessage(cmd.name, h.trends, h.measurements, services.sandbox);
        await respond({ response_type: 'ephemeral', ...message });
        if (message.large) await postHistoryCsv(deps, cmd.name, h.trends, command, client, respond);
        return;
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

/** A long history, whole, as a CSV file in the channel it was asked in (with who asked). */
async function postHistoryCsv(
  deps: SlackDeps,
  name: string,
  trends: Parameters<typeof historyCsv>[0],
  command: VpnCommandArgs['command'],
  client: WebClient,
  respond: Respond,
): Promise<void> {
  try {
    await client.files.uploadV2({
      channel_id: command.channel_id,
      content: historyCsv(trends),
      filename: `${name}-ping-history.csv`,
      title: `Ping history of ${name}, every pair${deps.services.sandbox ? ' (sandbox)' : ''}`,
      initial_comment: `Ping history of ${escapeMrkdwn(name)}, asked by <@${command.user_id}>`,
    });
  } catch (e) {
    deps.log.warn({ err: e }, 'the history CSV could not be uploaded');
    await respond({
      response_type: 'ephemeral',
      text: cannotPostThere(e)
        ? `${WHERE_HINT['not-a-member']} (The history file could not be posted here.)`
        : 'The history file could not be uploaded; the digest above is all there is for now.',
    });
  }
}

export function register(app: App, deps: SlackDeps): void {
  app.command(VPN_COMMAND, async ({ command, ack, respond, client }) => {
    await ack();
    await afterPendingRequests();
    await onVpnCommand(deps, { command, respond, client });
  });
}
