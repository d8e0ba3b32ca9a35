/**
 * HTTP mode's server: Bolt's request listener behind the request guard (signature, replay, size,
 * paths), with the time limits Slack's own requests never come near.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SlackConfig } from '../../src/config';
import { guardSlackRequests, type ReplayCache } from './request-guard';
import { EVENTS_PATH } from './slack-scopes';

/** Where HTTP mode listens, as the socket says (not as configured): the URL and whether it is every interface. */
export interface Listening {
  readonly url: string;
  readonly port: number;
  readonly everyInterface: boolean;
}

export interface GuardedServer {
  readonly listening: Listening;
  /** Stops taking connections and resolves once the open ones have ended. */
  close(): Promise<void>;
}

export async function listenGuarded(
  bolt: RequestListener,
  slack: SlackConfig,
  replays: ReplayCache,
  onRefused: (why: string) => void,
): Promise<GuardedServer> {
  const listener = guardSlackRequests(bolt, {
    signingSecret: slack.signingSecret!,
    paths: [EVENTS_PATH],
    replays,
    onRefused,
  });
  const server: Server = createServer(listener);
  server.maxConnections = slack.maxConnections;
  // Slack sends a request whole within moments: a client that dribbles its headers or body is cut.
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  await new Promise<void>((resolve, reject) =>
    server
      .once('error', reject)
      .listen({ port: slack.port, ...(slack.host ? { host: slack.host } : {}) }, () => resolve()),
  );
  return {
    listening: listeningAt(server.address() as AddressInfo),
    close: async () => {
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The URL of a listening socket; an unspecified address (every interface) is shown as the one it is. */
export function listeningAt(a: AddressInfo): Listening {
  const everyInterface = a.address === '::' || a.address === '0.0.0.0';
  const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return { url: `http://${host}:${a.port}`, port: a.port, everyInterface };
}
