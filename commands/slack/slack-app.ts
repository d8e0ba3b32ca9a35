/**
 * The Slack front end on Bolt: builds the app (HTTP behind the request guard, or Socket Mode),
 * registers one listener per file (listeners/), and starts, resumes and stops. Listeners only
 * transport and render: every decision is a use case of src/app. Slack's 3 s rule holds because
 * each listener acknowledges first and works after.
 */
import { createServer, type Server } from 'node:http';
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
import { guardSlackRequests } from './request-guard';
import { resumeInThreads } from './run-thread';
import { groupMembers, type SlackDeps } from './slack-deps';
import { EVENTS_PATH } from './slack-scopes';

export interface SlackFrontEnd {
  readonly app: App;
  /** Starts listening (HTTP: on `port`, 0 for any); returns the port, or undefined in Socket Mode. */
  start(): Promise<number | undefined>;
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
  });

  const deps: SlackDeps = {
    services,
    policy: config.approval,
    validation: validationOptions(config),
    progressIntervalMs: slack.progressIntervalMs,
    deviceCheckMs: config.deviceCheckMs,
    deviceDiagnosisMs: config.deviceDiagnosisMs,
    log: services.logger,
    members: groupMembers(),
    track: <T>(run: Promise<T>) => {
      active.add(run);
      void run.finally(() => active.delete(run)).catch(() => undefined);
      return run;
    },
    heavyWork: new Turnstile(2),
  };
  vpnCommand.register(app, deps);
  planForm.register(app, deps);
  approveButton.register(app, deps);
  rejectButton.register(app, deps);
  rejectForm.register(app, deps);
  followUpButtons.register(app, deps);
  unknownButton.register(app);
  appHome.register(app, deps);

  let server: Server | undefined;
  let schedule: PingSchedule | undefined;
  let devices: DeviceWatch | undefined;
  return {
    app,
    active,
    async start() {
      if (slack.pingIntervalMs !== undefined) schedule = startPingSchedule(deps, app.client, slack.pingIntervalMs);
      devices = startDeviceWatch(deps, app.client);
      if (socket) {
        await app.start();
        return undefined;
      }
      const listener = guardSlackRequests(http!.requestListener, {
        signingSecret: slack.signingSecret!,
        paths: [EVENTS_PATH],
        onRefused: (why) => deps.log.warn({ why }, 'refused a request to /slack/events'),
      });
      const srv = createServer(listener);
      server = srv;
      await new Promise<void>((resolve, reject) => srv.once('error', reject).listen(slack.port, () => resolve()));
      const address = srv.address();
      return typeof address === 'object' && address ? address.port : undefined;
    },
    resumeRuns: () => resumeInThreads(deps, app.client),
    async stop() {
      schedule?.stop();
      devices?.stop();
      if (socket) await app.stop();
      else {
        server?.closeIdleConnections();
        await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      }
    },
  };
}
