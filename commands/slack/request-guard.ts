/**
 * Checks every HTTP request before Bolt sees it, stricter than Bolt alone: the v0 signature over
 * `v0:timestamp:body`, a timestamp no more than 5 minutes from now in either direction (Bolt
 * accepts any future one), and no replay: a signature already seen inside that window is refused.
 * Refused requests get 401 and reach no listener. Health checks and other custom routes pass.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

const WINDOW_S = 5 * 60;
/** Slack bodies are small; anything larger is refused before it is read to the end. */
const BODY_LIMIT = 1024 * 1024;

export interface GuardOptions {
  readonly signingSecret: string;
  readonly paths: readonly string[];
  readonly now?: () => number;
  /** Told why a request was refused (never the body). */
  readonly onRefused?: (why: string) => void;
}

export function guardSlackRequests(next: RequestListener, options: GuardOptions): RequestListener {
  const now = options.now ?? Date.now;
  /** Signatures seen, with when they stop mattering (their timestamp leaves the window). */
  const seen = new Map<string, number>();
  const refuse = (res: ServerResponse, why: string) => {
    options.onRefused?.(why);
    res.writeHead(401, { 'content-type': 'text/plain' });
    res.end('invalid request');
  };
  return (req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    if (req.method !== 'POST' || !options.paths.includes(path)) return next(req, res);
    void (async () => {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of req) {
        size += (c as Buffer).length;
        if (size > BODY_LIMIT) return refuse(res, 'body too large');
        chunks.push(c as Buffer);
      }
      const body = Buffer.concat(chunks);
      const ts = Number(req.headers['x-slack-request-timestamp']);
      const signature = String(req.headers['x-slack-signature'] ?? '');
      const nowS = Math.floor(now() / 1000);
      if (!Number.isInteger(ts) || Math.abs(nowS - ts) > WINDOW_S)
        return refuse(res, 'timestamp missing or more than 5 minutes from now');
      const expected = `v0=${createHmac('sha256', options.signingSecret).update(`v0:${ts}:`).update(body).digest('hex')}`;
      if (signature.length !== expected.length || !timingSafeEqual(Buffer.from(signature), Buffer.from(expected)))
        return refuse(res, 'bad signature');
      for (const [sig, until] of seen) if (until < nowS) seen.delete(sig);
      if (seen.has(signature)) return refuse(res, 'replayed request');
      seen.set(signature, ts + WINDOW_S);
      // Bolt reads a buffered body from `rawBody` instead of the (consumed) stream.
      (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
      next(req, res);
    })().catch(() => refuse(res, 'unreadable request'));
  };
}
