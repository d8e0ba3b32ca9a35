/**
 * The Slack front end on Bolt: builds the app (HTTP behind the request guard, or Socket Mode),
 * registers one listener per file (listeners/), and starts, resumes and stops. Listeners only
 * transport and render: every decision is a use case of src/app. Slack's 3 s rule holds because
 * each listener acknowledges first and works after.
 */
import { App, HTTPReceiver, LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { AppServices } from '../../src/app/app-services';
import { createHealthCheck } from '../../src/app/health';
import { validationOptions, type Config, type SlackConfig } from '../../src/config';
import { Turnstile } from '../../src/dag/turnstile';
import { healthRoute } from './health';
import * as appHome from './listeners/app-home';
import * as approveButton from './listeners/approve-button';
import * as followUpButtons from './listeners/follow-up-buttons';
import * as planForm from './listeners/plan-form';
import * as rejectButton from './listeners/reject-button';
import * as rejectForm from './listeners/reject-form';
import * as unknownButton from './listeners/unknown-button';
import * as vpnCommand from './listeners/vpn-command';
import { startDeviceWatch, type DeviceWatch } from './device-watch';
import { startPingSchedule, type PingSchedule } from './ping-schedule';
import { PerUserLimit } from './per-user-limit';
import { permalinks } from './permalinks';
import { startPlanExpiry } from './closed-plan';
import { listenGuarded, type GuardedServer, type Listening } from './guarded-server';
import { resumeInThreads } from './run-thread';
import { channelMembers, groupMembers, type SlackDeps } from './slack-deps';
import { EVENTS_PATH } from './slack-scopes';
import { whereToPost } from './where-to-post';
import { guardWorkspace, type Workspace } from './workspace-guard';
import { seenRequests } from '../../src/app/use-cases';

/** Plans and measurements one user may have in flight at once. */
export const HEAVY_PER_USER = 2;

export interface SlackFrontEnd {
  readonly app: App;
  /** Starts listening (HTTP: on `port`, 0 for any); returns where, or undefined in Socket Mode. */
  start(): Promise<Listening | undefined>;
  /** Resumes runs a previous process left, reporting in their threads. */
  resumeRuns(): Promise<void>;
  /** Runs started by this process and not finished yet. */
  readonly active: Set<Promise<unknown>>;
  stop(): Promise<void>;
}

export function createSlackFrontEnd(services: AppServices, config: Config & { slack: SlackConfig }): SlackFrontEnd {
  const slack = config.slack;
  const active = new Set<Promise<unknown>>();
  const clientOptions = {
    ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
    // Retries with backoff on 5xx and network errors; 429s wait for Retry-After (the client's own handling).
    retryConfig: { retries: 5, factor: 2, minTimeout: 200, maxTimeout: 5_000 },
    // A call Slack does not answer in time is abandoned and retried like a 5xx.
    timeout: slack.timeoutMs,
  };
  // Socket Mode: the receiver is built here so that its connection (apps.connections.open) uses the same API URL.
  const socket = slack.appToken
    ? new SocketModeReceiver({
        appToken: slack.appToken,
        logLevel: LogLevel.ERROR,
        installerOptions: { clientOptions },
      })
    : undefined;
  // HTTP mode: Bolt's receiver behind our own server, so every request passes the stricter guard
  // first. The guard is the one signature check: Bolt would only repeat it on the body it passes on.
  const http = socket
    ? undefined
    : new HTTPReceiver({
        signingSecret: slack.signingSecret!,
        signatureVerification: false,
        endpoints: [EVENTS_PATH],
        customRoutes: [healthRoute(createHealthCheck(services))],
        logLevel: LogLevel.ERROR,
      });
  const app = new App({
    token: slack.botToken,
    ...(socket ? { socketMode: true, appToken: slack.appToken!, receiver: socket } : { receiver: http! }),
    logLevel: LogLevel.ERROR,
    clientOptions,
    // No listener keeps conversation state; Bolt's default store would look every event up (and
    // build an Error for each miss) on the way to the ack.
    convoStore: false,
  });

  const groupHandles = new Map<string, string>();
  const deps: SlackDeps = {
    services,
    policy: config.approval,
    validation: validationOptions(config),
    progressIntervalMs: slack.progressIntervalMs,
    deviceCheckMs: config.deviceCheckMs,
    deviceDiagnosisMs: config.deviceDiagnosisMs,
    log: services.logger,
    members: groupMembers(),
    channelMembers: channelMembers(),
    track: <T>(run: Promise<T>) => {
      active.add(run);
      void run.finally(() => active.delete(run)).catch(() => undefined);
      return run;
    },
    heavyWork: new Turnstile(2),
    perUser: new PerUserLimit(HEAVY_PER_USER),
    where: whereToPost(),
    links: permalinks(),
    groupName: (id) => groupHandles.get(id),
  };
  let workspace: Workspace | undefined;
  guardWorkspace(app, deps, () => workspace);
  vpnCommand.register(app, deps);
  planForm.register(app, deps);
  approveButton.register(app, deps);
  rejectButton.register(app, deps);
  rejectForm.register(app, deps);
  followUpButtons.register(app, deps);
  unknownButton.register(app);
  appHome.register(app, deps);

  let server: GuardedServer | undefined;
  let schedule: PingSchedule | undefined;
  let expiry: { stop(): void } | undefined;
  let devices: DeviceWatch | undefined;
  return {
    app,
    active,
    async start() {
      // The workspace this token belongs to: every request from another is refused.
      const auth = await app.client.auth.test();
      if (!auth.team_id) throw new Error('Slack answered auth.test without a team id');
      workspace = { teamId: auth.team_id };
      deps.log.info({ team: workspace.teamId }, 'serving the Slack workspace of the bot token');
      // Approver groups are named by their handles in plans (best effort: their ids otherwise).
      if (config.approval.approvers.some((a) => a.startsWith('S')))
        await app.client.usergroups
          .list()
          .then((r) => {
            for (const g of r.usergroups ?? []) if (g.id && g.handle) groupHandles.set(g.id, g.handle);
          })
          .catch((e: unknown) => deps.log.warn({ err: e }, 'approver user groups could not be listed'));
      // Often enough that a plan's buttons go soon after it expires, rarely enough to cost nothing.
      expiry = startPlanExpiry(deps, app.client, Math.min(60_000, Math.max(1_000, config.approval.planTtlMs / 4)));
      if (slack.pingIntervalMs !== undefined) schedule = startPingSchedule(deps, app.client, slack.pingIntervalMs);
      devices = startDeviceWatch(deps, app.client);
      if (socket) {
        await app.start();
        return undefined;
      }
      server = await listenGuarded(http!.requestListener, slack, seenRequests(services), (why) =>
        deps.log.warn({ why }, 'refused a request to /slack/events'),
      );
      return server.listening;
    },
    resumeRuns: () => resumeInThreads(deps, app.client),
    async stop() {
      schedule?.stop();
      expiry?.stop();
      devices?.stop();
      if (socket) await app.stop();
      else await server?.close();
    },
  };
}
