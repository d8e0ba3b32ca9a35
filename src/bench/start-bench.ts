/**
 * `npm start` to the console's prompt when nothing changed since the last build: the time a person
 * waits after typing it. npm itself, the up-to-date check of the build, loading, opening the
 * database and starting the sandbox's emulator, until the greeting is printed (then `/quit`).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

export interface StartBenchResult {
  readonly runs: number;
  readonly medianMs: number;
  readonly maxMs: number;
}

const GREETING = 'vpnbot local console';

function oneStart(root: string, npmCli: string, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    // npm as a person runs it (its own node process); the sandbox's data under a scratch directory.
    const child = spawn(process.execPath, [npmCli, 'start', '--silent'], {
      cwd: root,
      env: {
        // This node first (npm's scripts run `node`), then the system's.
        PATH: [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(delimiter),
        HOME: cwd,
        VPNBOT_DB: join(cwd, 'data', 'sandbox.db'),
        VPNBOT_LOG_LEVEL: 'silent',
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let out = '';
    let at: number | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (at === undefined && out.includes(GREETING)) {
        at = performance.now() - t;
        child.stdin.end('/quit\n');
      }
    });
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      if (at === undefined) reject(new Error(`npm start printed no greeting: ${out.slice(-300)}`));
      else resolve(at);
    });
  });
}

/** Undefined when there is no npm next to this node, or no repository around the build. */
export async function benchStart(runs = 5): Promise<StartBenchResult | undefined> {
  const root = join(__dirname, '..', '..', '..');
  const npmCli = join(process.execPath, '..', '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  const check = join(root, 'scripts', 'build-if-stale.js');
  if (!existsSync(npmCli) || !existsSync(check)) return undefined;
  // Up to date first (not timed): the figure is for the case when nothing changed.
  execFileSync(process.execPath, [check], { cwd: root, stdio: 'ignore' });
  const cwd = mkdtempSync(join(tmpdir(), 'vpnbot-bench-start-'));
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await oneStart(root, npmCli, cwd));
  const sorted = [...times].sort((a, b) => a - b);
  return { runs, medianMs: sorted[Math.floor(runs / 2)]!, maxMs: sorted[runs - 1]! };
}
