/**
 * Slack's 3 s rule, measured: `vpnbot serve` (the built binary, HTTP mode, sandbox) receives 50
 * signed slash commands at once, half `help` and half `plan seed`, in bursts; each HTTP answer (the
 * ack) is timed. A sink stands in for Slack's Web API and response URLs.
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface AckBenchResult {
  readonly commands: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** The first burst after start. */
  readonly coldP50Ms: number;
  readonly coldP99Ms: number;
}

/** Bursts measured after the first one, pooled. */
const WARM_BURSTS = 3;

const SECRET = 'bench-signing-secret';

/** Slack's Web API and response URLs: every call answered ok at once. Posts its port when listening. */
const SINK_SOURCE = `
const { createServer } = require('node:http');
const { parentPort } = require('node:worker_threads');
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', channel: 'C1', ts: String(Date.now() / 1000) }));
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
`;

/** Slack's sender: plain HTTP/1.1 with connections kept open, as a load balancer would hold them. */
const post = (agent: Agent, url: string, body: string, headers: Record<string, string>) =>
  new Promise<number>((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.once('error', reject);
    req.end(body);
  });

export async function benchSlackAck(commands = 50): Promise<AckBenchResult | undefined> {
  const main = join(__dirname, '..', '..', 'commands', 'main.js');
  if (!existsSync(main)) return undefined;
  // Slack's side in a thread of its own: answering the bot's Web API calls and response URLs must
  // not hold up the client that times the acks (at Slack they are different machines).
  const sink = new Worker(SINK_SOURCE, { eval: true });
  const sinkPort = await new Promise<number>((resolve, reject) => {
    sink.once('message', (m: number) => resolve(m));
    sink.once('error', reject);
  });
  const sinkUrl = `http://127.0.0.1:${sinkPort}`;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const cwd = mkdtempSync(join(tmpdir(), 'vpnbot-bench-ack-'));
  const bot = spawn(process.execPath, [main, 'serve'], {
    cwd,
    env: {
      HOME: cwd,
      PORT: '0',
      HOST: '127.0.0.1',
      VPNBOT_ANYONE_MAY_APPROVE: 'true',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_API_URL: `${sinkUrl}/api/`,
      VPNBOT_LOG_LEVEL: 'silent',
      VPNBOT_TIME_SCALE: '0.002',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    bot.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 30_000;
    const listening = () => /on (http:\/\/127\.0\.0\.1:\d+\/slack\/events)/.exec(out)?.[1];
    while (!listening()) {
      if (Date.now() > deadline) throw new Error(`vpnbot serve did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const url = listening()!;
    const send = async (i: number) => {
      const body = new URLSearchParams({
        command: '/vpn',
        text: i % 2 === 0 ? 'help' : 'plan seed',
        user_id: `U${i}`,
        channel_id: 'C1',
        team_id: 'T1',
        response_url: `${sinkUrl}/respond/${i}`,
        trigger_id: 't',
        api_app_id: 'A1',
      }).toString();
      const ts = Math.floor(Date.now() / 1000);
      const sig = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
      const t = performance.now();
      const status = await post(agent, url, body, {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': sig,
      });
      if (status !== 200) throw new Error(`ack ${status}`);
      return performance.now() - t;
    };
    await send(0);
    // The first burst meets cold code (V8 compiles each path on first use); the next ones are the
    // steady state a running bot is in. Both are reported.
    const burst = async (round: number) =>
      (await Promise.all(Array.from({ length: commands }, (_, i) => send(round * commands + i + 1)))).sort(
        (a, b) => a - b,
      );
    const cold = await burst(0);
    const warm: number[] = [];
    for (let round = 1; round <= WARM_BURSTS; round++) {
      await new Promise((r) => setTimeout(r, 500));
      warm.push(...(await burst(round)));
    }
    warm.sort((a, b) => a - b);
    const at = (times: number[], q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
    return {
      commands,
      p50Ms: at(warm, 0.5),
      p99Ms: at(warm, 0.99),
      maxMs: warm[warm.length - 1]!,
      coldP50Ms: at(cold, 0.5),
      coldP99Ms: at(cold, 0.99),
    };
  } finally {
    bot.kill('SIGTERM');
    agent.destroy();
    await sink.terminate();
  }
}
