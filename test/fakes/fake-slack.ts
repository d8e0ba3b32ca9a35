/**
 * A local fake of Slack's Web API and of `response_url`s, for tests that run the real Bolt app and
 * the real @slack/web-api client against it. It checks what the real API checks before doing
 * anything (a bot token, each method's required arguments), records every call, and can be told
 * to answer the next calls of a method with an HTTP error (429 with Retry-After, 5xx).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface SlackCall {
  readonly method: string;
  readonly args: Record<string, unknown>;
  /** The `ts` the fake gave a posted message. */
  ts?: string;
}

/** Arguments each method needs (Slack answers `invalid_arguments` / the named error otherwise). */
const REQUIRED: Record<string, readonly (readonly string[])[]> = {
  'chat.postMessage': [['channel'], ['text', 'blocks']],
  'chat.update': [['channel'], ['ts']],
  'chat.postEphemeral': [['channel'], ['user'], ['text', 'blocks']],
  'views.open': [['trigger_id'], ['view']],
  'usergroups.users.list': [['usergroup']],
  'usergroups.list': [],
  'conversations.members': [['channel']],
  'conversations.info': [['channel']],
  'chat.getPermalink': [['channel'], ['message_ts']],
  'files.getUploadURLExternal': [['filename'], ['length']],
  'files.completeUploadExternal': [['files']],
  'views.publish': [['user_id'], ['view']],
  'conversations.open': [['users', 'channel']],
  'auth.test': [],
  'apps.connections.open': [],
};

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The file's bytes from an upload body: raw, or the file part of a multipart form (as @slack/web-api sends it). */
function fileOf(body: Buffer, contentType: string): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) return body;
  const marker = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  let at = body.indexOf(marker);
  while (at >= 0) {
    const next = body.indexOf(marker, at + marker.length);
    if (next < 0) break;
    const part = body.subarray(at + marker.length, next);
    const headEnd = part.indexOf('\r\n\r\n');
    if (headEnd >= 0 && /filename=/.test(part.subarray(0, headEnd).toString('utf8')))
      return part.subarray(headEnd + 4, part.length - 2);
    at = next;
  }
  return body;
}

/** A file uploaded through files.uploadV2: its bytes (POSTed to the upload URL) and where it was shared. */
export interface SlackUpload {
  readonly fileId: string;
  readonly filename: string;
  bytes?: Buffer;
  completed?: { channel_id?: unknown; thread_ts?: unknown; title?: unknown };
}

/** Form fields carry JSON for non-string arguments (blocks, view); text that merely starts with `[` stays text. */
function jsonOrText(v: string): unknown {
  if (!/^[[{]/.test(v)) return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

export class FakeSlack {
  readonly calls: SlackCall[] = [];
  /** Bodies POSTed to response URLs, by the URL's id. */
  readonly responses: { id: string; body: Record<string, unknown> }[] = [];
  readonly groups = new Map<string, string[]>();
  /** Handles of user groups, for usergroups.list. */
  readonly groupHandles = new Map<string, string>();
  /** Members of channels, for conversations.members (a channel not listed has none). */
  readonly channelMembers = new Map<string, string[]>();
  /** Public channels the bot was not invited to: it sees them, but cannot post in them. */
  readonly outside = new Set<string>();
  /** Private channels the bot is not in: invisible to it. */
  readonly hidden = new Set<string>();
  /** Direct messages the bot opened with conversations.open: the only ones it may post in. */
  readonly openedIms = new Set<string>();
  readonly uploads = new Map<string, SlackUpload>();
  private readonly failures: { method: string; status: number; retryAfter?: number }[] = [];
  private readonly stalls: string[] = [];
  private server!: Server;
  private seq = 100;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void (async () => {
        const bytes = await bodyOf(req);
        const raw = bytes.toString('utf8');
        const path = req.url ?? '/';
        const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(JSON.stringify(body));
        };
        // files.uploadV2's step 2: the file's bytes to the URL step 1 gave (Slack answers plain text).
        if (path.startsWith('/upload/')) {
          const upload = this.uploads.get(path.slice('/upload/'.length));
          if (!upload) return reply(404, { ok: false, error: 'unknown upload' });
          upload.bytes = fileOf(bytes, String(req.headers['content-type'] ?? ''));
          res.writeHead(200, { 'content-type': 'text/plain' });
          return void res.end(`OK - ${bytes.length}`);
        }
        if (path.startsWith('/respond/')) {
          this.responses.push({
            id: path.slice('/respond/'.length),
            body: JSON.parse(raw || '{}') as Record<string, unknown>,
          });
          return reply(200, { ok: true });
        }
        const method = path.replace(/^\/api\//, '').replace(/\?.*$/, '');
        const args: Record<string, unknown> = {};
        if (String(req.headers['content-type'] ?? '').includes('application/json'))
          Object.assign(args, JSON.parse(raw || '{}'));
        else for (const [k, v] of new URLSearchParams(raw)) args[k] = jsonOrText(v);
        const s = this.stalls.indexOf(method);
        if (s >= 0) {
          // Never answered, and never acted on: the request is lost on its way, as a network can lose it.
          this.stalls.splice(s, 1);
          this.calls.push({ method: `${method} (stalled)`, args });
          return;
        }
        const i = this.failures.findIndex((f) => f.method === method);
        if (i >= 0) {
          const f = this.failures.splice(i, 1)[0]!;
          this.calls.push({ method: `${method} (answered ${f.status})`, args });
          return reply(
            f.status,
            { ok: false, error: f.status === 429 ? 'ratelimited' : 'internal_error' },
            f.retryAfter !== undefined ? { 'retry-after': String(f.retryAfter) } : {},
          );
        }
        // Socket Mode connections are opened with the app-level token; everything else with the bot token.
        const token = method === 'apps.connections.open' ? /^Bearer xapp-/ : /^Bearer xoxb-/;
        if (!token.test(String(req.headers.authorization ?? ''))) return reply(200, { ok: false, error: 'not_authed' });
        const required = REQUIRED[method];
        if (!required) return reply(200, { ok: false, error: 'unknown_method' });
        const missing = required.find((any) => !any.some((k) => args[k] !== undefined && args[k] !== ''));
        if (missing) return reply(200, { ok: false, error: `missing_argument: ${missing.join(' or ')}` });
        const call: SlackCall = { method, args };
        this.calls.push(call);
        // Where the bot cannot post: a channel it is not in, a private one it cannot see, someone else's DM.
        const target = String(args.channel ?? args.channel_id ?? '');
        const posting = ['chat.postMessage', 'chat.postEphemeral', 'files.completeUploadExternal'].includes(method);
        if (posting && target !== '' && !target.startsWith('U')) {
          if (this.outside.has(target)) return reply(200, { ok: false, error: 'not_in_channel' });
          if (this.hidden.has(target) || (target.startsWith('D') && !this.openedIms.has(target)))
            return reply(200, { ok: false, error: 'channel_not_found' });
        }
        switch (method) {
          case 'conversations.info':
            if (this.hidden.has(target)) return reply(200, { ok: false, error: 'channel_not_found' });
            return reply(200, {
              ok: true,
              channel: target.startsWith('D')
                ? { id: target, is_im: true }
                : { id: target, is_channel: true, is_member: !this.outside.has(target) },
            });
          case 'chat.getPermalink':
            return reply(200, {
              ok: true,
              channel: args.channel,
              permalink: `https://acme.slack.com/archives/${args.channel}/p${String(args.message_ts).replace('.', '')}`,
            });
          case 'auth.test':
            return reply(200, { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'vpnbot' });
          case 'apps.connections.open':
            return reply(200, { ok: true, url: `${this.url.replace('http', 'ws')}/socket-mode` });
          case 'chat.postMessage': {
            const ts = `1700000000.${String(this.seq++).padStart(6, '0')}`;
            call.ts = ts;
            return reply(200, { ok: true, channel: args.channel, ts, message: { text: args.text, ts } });
          }
          case 'chat.update':
            return reply(200, { ok: true, channel: args.channel, ts: args.ts, text: args.text });
          case 'chat.postEphemeral':
            return reply(200, { ok: true, message_ts: `1700000001.${String(this.seq++).padStart(6, '0')}` });
          case 'files.getUploadURLExternal': {
            const fileId = `F${String(this.seq++).padStart(8, '0')}`;
            this.uploads.set(fileId, { fileId, filename: String(args.filename) });
            return reply(200, { ok: true, upload_url: `${this.url}/upload/${fileId}`, file_id: fileId });
          }
          case 'files.completeUploadExternal': {
            const files = (typeof args.files === 'string' ? JSON.parse(args.files) : args.files) as {
              id: string;
              title?: string;
            }[];
            for (const f of files) {
              const upload = this.uploads.get(f.id);
              if (!upload?.bytes) return reply(200, { ok: false, error: 'file_not_found' });
              upload.completed = { channel_id: args.channel_id, thread_ts: args.thread_ts, title: f.title };
            }
            return reply(200, { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) });
          }
          case 'conversations.open': {
            // A direct message with one user: D followed by the user's id.
            const id = `D${String(args.users).replace(/^[UW]/, '')}`;
            this.openedIms.add(id);
            return reply(200, { ok: true, channel: { id } });
          }
          case 'usergroups.users.list':
            return reply(200, { ok: true, users: this.groups.get(String(args.usergroup)) ?? [] });
          case 'usergroups.list':
            return reply(200, {
              ok: true,
              usergroups: [...this.groupHandles].map(([id, handle]) => ({ id, handle, name: handle })),
            });
          case 'conversations.members':
            return reply(200, {
              ok: true,
              members: this.channelMembers.get(String(args.channel)) ?? [],
              response_metadata: { next_cursor: '' },
            });
          default:
            return reply(200, { ok: true, view: { id: 'V1' } });
        }
      })().catch((e: unknown) => {
        res.writeHead(500);
        res.end(String(e));
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  private wss: WebSocketServer | undefined;
  private socket: WebSocket | undefined;
  /** Acknowledgements received over the socket, by envelope id. */
  readonly acks = new Map<string, Record<string, unknown>>();
  private envelopes = 0;

  /**
   * Speaks Slack's Socket Mode protocol on /socket-mode: `hello` on connect, then envelopes the
   * test sends; the app acknowledges each by envelope id.
   */
  enableSocketMode(): void {
    this.wss = new WebSocketServer({ server: this.server, path: '/socket-mode' });
    this.wss.on('connection', (ws) => {
      this.socket = ws;
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as Record<string, unknown>;
        if (typeof m.envelope_id === 'string') this.acks.set(m.envelope_id, m);
      });
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          debug_info: { host: 'fake' },
          connection_info: { app_id: 'A1' },
        }),
      );
    });
  }

  get socketConnected(): boolean {
    return this.socket !== undefined && this.socket.readyState === 1;
  }

  /** Sends an envelope (`slash_commands`, `interactive`) and returns its id. */
  sendEnvelope(type: 'slash_commands' | 'interactive', payload: Record<string, unknown>): string {
    const id = `env-${++this.envelopes}`;
    this.socket!.send(
      JSON.stringify({
        envelope_id: id,
        type,
        payload,
        accepts_response_payload: type === 'slash_commands',
        retry_attempt: 0,
        retry_reason: '',
      }),
    );
    return id;
  }

  /** The next call of `method` is answered with `status` (and a Retry-After header for 429s). */
  /** The next call of `method` gets no answer at all (the client must time out and retry). */
  stallNext(method: string): void {
    this.stalls.push(method);
  }

  failNext(method: string, status: number, retryAfter?: number): void {
    this.failures.push({ method, status, ...(retryAfter !== undefined ? { retryAfter } : {}) });
  }

  of(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Waits until `check` holds, or fails after `timeoutMs` saying what was waited for. */
  async waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v !== undefined && v !== false) return v;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; calls: ${this.calls.map((c) => c.method).join(', ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async stop(): Promise<void> {
    for (const c of this.wss?.clients ?? []) c.terminate();
    this.wss?.close();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
