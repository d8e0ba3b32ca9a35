/**
 * The built binary as a person runs it: in a pseudo-terminal (@lydell/node-pty: prompts, Ctrl-C as
 * the terminal sends it) or through pipes. For the console's end-to-end tests.
 */
import { spawn as spawnProcess } from 'node:child_process';
import { join } from 'node:path';
import { spawn as spawnPty } from '@lydell/node-pty';

export const BIN = join(__dirname, '..', '..', 'dist', 'commands', 'main.js');

export const consoleEnv = (cwd: string, extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH ?? '',
  HOME: cwd,
  VPNBOT_TIME_SCALE: '0.001',
  TERM: 'xterm-256color',
  ...extra,
});

/** Terminal output without colours and cursor movement, for matching words. */
export const plain = (s: string) =>
  s
    .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/\u001b[()][A-Z0-9]/g, '')
    .replace(/\r/g, '');

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Piped {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `vpnbot ARGS` with `stdin` piped in, to its end. */
export function runPiped(
  cwd: string,
  args: readonly string[],
  stdin: string,
  env: Record<string, string> = consoleEnv(cwd),
): Promise<Piped> {
  return new Promise((resolve) => {
    const child = spawnProcess(process.execPath, [BIN, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      out += d.toString();
    });
    child.on('close', (code, signal) => resolve({ code, signal, out, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin);
  });
}

export interface PtySession {
  /** Everything the terminal showed so far, plain. */
  screen(): string;
  /** Raw length, to wait for what comes after a mark. */
  readonly length: () => number;
  waitFor(what: string, test: (s: string) => boolean, timeoutMs?: number): Promise<void>;
  typeLine(text: string): Promise<void>;
  /** Enter on a choice, again if the prompt was not listening yet when the first one arrived. */
  choose(then: (s: string) => boolean): Promise<void>;
  write(data: string): void;
  readonly exited: Promise<number>;
  kill(): void;
}

export function startPty(
  cwd: string,
  args: readonly string[],
  env: Record<string, string> = consoleEnv(cwd),
): PtySession {
  const term = spawnPty(process.execPath, [BIN, ...args], { name: 'xterm-256color', cols: 140, rows: 40, cwd, env });
  let raw = '';
  term.onData((d) => {
    raw += d;
  });
  const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  const session: PtySession = {
    screen: () => plain(raw),
    length: () => raw.length,
    async waitFor(what, test, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!test(plain(raw))) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${what}; screen:\n${plain(raw).slice(-2000)}`);
        await pause(50);
      }
    },
    async typeLine(text) {
      term.write(text);
      await pause(100);
      term.write('\r');
    },
    async choose(then) {
      for (let i = 0; i < 20 && !then(plain(raw)); i++) {
        await pause(250);
        term.write('\r');
        await pause(500);
      }
    },
    write: (data) => term.write(data),
    exited,
    kill: () => {
      try {
        term.kill();
      } catch {
        // Already gone.
      }
    },
  };
  return session;
}
