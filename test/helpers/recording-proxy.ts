/** A loopback HTTP proxy that forwards to a target and keeps the raw requests (to replay them) and each answer. */
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** One call as the proxy saw it: the RPC action and version from the signed headers, and the answer. */
export interface Exchange {
  readonly action: string;
  readonly version: string;
  readonly status: number;
  readonly body: any;
}

export function send(target: string, raw: RawRequest): Promise<{ status: number; body: any }> {
  const url = new URL(target);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: raw.method, path: raw.path, headers: raw.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
        );
      },
    );
    req.on('error', reject);
    req.end(raw.body);
  });
}

export async function startRecordingProxy(target: string) {
  const recorded: RawRequest[] = [];
  const exchanges: Exchange[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = {
      method: req.method ?? 'POST',
      path: req.url ?? '/',
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    recorded.push(raw);
    const answer = await send(target, raw);
    exchanges.push({
      action: String(req.headers['x-acs-action'] ?? ''),
      version: String(req.headers['x-acs-version'] ?? ''),
      status: answer.status,
      body: answer.body,
    });
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    recorded,
    exchanges,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
