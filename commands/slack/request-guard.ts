/**
 * Checks every HTTP request before Bolt sees it, stricter than Bolt alone: the v0 signature over
 * `v0:timestamp:body`, a timestamp no more than 5 minutes from now in either direction (Bolt
 * accepts any future one), and no replay: a signature already seen inside that window is refused,
 * also after a restart (the cache is the database's). Headers are judged before the body is read:
 * a request whose timestamp or signature cannot be right, or whose declared body is too large, is
 * refused at once and its connection closed, so a slow or endless body costs nothing. Refused
 * requests get 401 (413 for size) and reach no listener. Health checks and other routes pass.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

const WINDOW_S = 5 * 60;
/** Slack bodies are small; anything larger is refused before it is read to the end. */
export const BODY_LIMIT = 1024 * 1024;
const SIGNATURE = /^v0=[0-9a-f]{64}$/;

/** Signatures seen, kept until their timestamp leaves the window (seconds). */
export interface ReplayCache {
  /** True the first time `key` is seen; false for a replay. */
  firstSeen(key: string, until: number, now: number): boolean;
}

/** An in-memory cache, for a guard without a database (tests of the guard alone). */
export function memoryReplayCache(): ReplayCache {
  const seen = new Map<string, number>();
  return {
    firstSeen(key, until, now) {
      for (const [k, u] of seen) if (u < now) seen.delete(k);
      if (seen.has(key)) return false;
      seen.set(key, until);
      return true;
    },
  };
}

export interface GuardOptions {
  readonly signingSecret: string;
  readonly paths: readonly string[];
  readonly replays: ReplayCache;
  readonly now?: () => number;
  /** Told why a request was refused (never the body). */
  readonly onRefused?: (why: string) => void;
}

export function guardSlackRequests(next: RequestListener, options: GuardOptions): RequestListener {
  const now = options.now ?? Date.now;
  const refuse = (res: ServerResponse, why: string, status = 401) => {
    options.onRefused?.(why);
    if (res.headersSent) return;
    // Closing the connection: whatever is left of the body is never read.
    res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' });
    res.end(status === 413 ? 'request too large' : 'invalid request');
  };
  return (req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    if (req.method !== 'POST' || !options.paths.includes(path)) return next(req, res);
    const ts = Number(req.headers['x-slack-request-timestamp']);
    const signature = String(req.headers['x-slack-signature'] ?? '');
    const nowS = Math.floor(now() / 1000);
    if (!Number.isInteger(ts) || Math.abs(nowS - ts) > WINDOW_S)
      return refuse(res, 'timestamp missing or more than 5 minutes from now');
    if (!SIGNATURE.test(signature)) return refuse(res, 'signature missing or malformed');
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > BODY_LIMIT) return refuse(res, 'body too large', 413);
    void (async () => {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of req) {
        size += (c as Buffer).length;
        if (size > BODY_LIMIT) return refuse(res, 'body too large', 413);
        chunks.push(c as Buffer);
      }
      const body = Buffer.concat(chunks);
      const expected = `v0=${createHmac('sha256', options.signingSecret).update(`v0:${ts}:`).update(body).digest('hex')}`;
      if (!timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) return refuse(res, 'bad signature');
      if (!options.replays.firstSeen(signature, ts + WINDOW_S, nowS)) return refuse(res, 'replayed request');
      // Bolt reads a buffered body from `rawBody` instead of the (consumed) stream.
      (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
      next(req, res);
    })().catch(() => refuse(res, 'unreadable request'));
  };
}
