/** `vpnbot serve` as a child process (the built binary), and what it prints. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeSlack } from '../fakes/fake-slack';

const BIN = join(__dirname, '..', '..', 'dist', 'commands', 'main.js');

export interface ServeProcess {
  readonly child: ChildProcess;
  /** Its working directory (the database is under ./data/): a restart reuses it. */
  readonly cwd: string;
  /** Everything printed so far, stdout and stderr. */
  output(): string;
  /** The events URL once it listens (HTTP mode). */
  readonly url: Promise<string>;
  stop(): void;
}

/** Starts `vpnbot serve` in a directory of its own, its Web API calls going to `slack`. */
export function startServe(slack: FakeSlack, env: Record<string, string>, cwd = mkdtempSync(join(tmpdir(), 'vpnbot-serve-'))): ServeProcess {
  let out = '';
  const child = spawn(process.execPath, [BIN, 'serve'], {
    cwd,
    env: { PATH: process.env.PATH, HOME: cwd, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: `${slack.url}/api/`, VPNBOT_PROGRESS_INTERVAL_MS: '200', VPNBOT_LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = env.SLACK_APP_TOKEN ? Promise.resolve('') : slack.waitFor('the bot to listen', () => /on (http:\/\/127\.0\.0\.1:\d+\/slack\/events)/.exec(out)?.[1], 30_000);
  return { child, cwd, output: () => out, url, stop: () => void child.kill('SIGTERM') };
}
