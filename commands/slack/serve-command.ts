/**
 * `vpnbot serve`: the Slack app. HTTP mode on PORT (Bolt's /slack/events, and /healthz) with
 * SLACK_SIGNING_SECRET, or Socket Mode with SLACK_APP_TOKEN; SLACK_BOT_TOKEN either way.
 * SIGINT/SIGTERM: stop taking commands and exit 0; runs in flight stay recorded as running and
 * resume at the next start (the same path as after a crash).
 */
import { SANDBOX_LABEL, type AppServices } from '../../src/app/app-services';
import type { ServicesFactory } from '../common/with-services';
import type { CliCommand } from '../common/cli-io';
import { configOrExplain, type SlackConfig } from '../../src/config';
import { isVpnbotError } from '../../src/errors';
import { createSlackFrontEnd } from './slack-app';

export const SERVE_USAGE =
  'usage: vpnbot serve   (settings from the environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET or SLACK_APP_TOKEN, PORT)';

export function serveCommand(open: ServicesFactory): CliCommand {
  return async (args, io) => {
    if (args.length > 0) {
      io.stderr(`${SERVE_USAGE}\n`);
      return 2;
    }
    const config = configOrExplain(io.env);
    if (typeof config === 'string') {
      io.stderr(`${config}\n`);
      return 2;
    }
    if (!config.slack) {
      io.stderr(
        'vpnbot serve needs SLACK_BOT_TOKEN, and SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode); without them, `npm start` runs the local demo\n',
      );
      return 2;
    }
    // In a shared workspace an open policy means anyone who sees a plan can change the cloud: only on purpose.
    if (config.approval.approvers.length === 0 && !config.approval.anyoneMayApprove) {
      io.stderr(
        'vpnbot serve needs to know who may approve plans: set VPNBOT_APPROVERS to Slack user or user group ids (e.g. U012ABC,S0NETOPS), or VPNBOT_ANYONE_MAY_APPROVE=true to let any member of the workspace approve (docs/operations.md, Configuration)\n',
      );
      return 2;
    }
    let services: AppServices;
    try {
      services = await open(config);
    } catch (e) {
      io.stderr(`${isVpnbotError(e) ? `${e.message} [${e.code}]` : (e as Error).message}\n`);
      return 1;
    }
    // Loaded before the first request, not by it: the first plan after a start would otherwise hold
    // every ack of its burst for the second the SDKs take to load.
    services.cloud.warmUp?.();
    const front = createSlackFrontEnd(services, config as typeof config & { slack: SlackConfig });
    let listening: Awaited<ReturnType<typeof front.start>>;
    try {
      listening = await front.start();
    } catch (e) {
      io.stderr(`vpnbot serve could not start: ${(e as Error).message}\n`);
      await services.close().catch(() => undefined);
      return 1;
    }
    const where = listening
      ? `HTTP on ${listening.url}/slack/events (health: /healthz)${listening.everyInterface ? ', every interface' : ''}`
      : 'Socket Mode';
    io.stdout(`vpnbot serving Slack, ${where}${services.sandbox ? ` ${SANDBOX_LABEL}` : ''}\n`);
    void front.resumeRuns().catch((e: unknown) => services.logger.error({ err: e }, 'resuming unfinished runs failed'));
    await io.interrupted;
    io.stdout(
      `stopping: no new commands${front.active.size ? `; ${front.active.size} run(s) will resume at the next start` : ''}\n`,
    );
    await front.stop().catch(() => undefined);
    await services.close().catch(() => undefined);
    return 0;
  };
}
