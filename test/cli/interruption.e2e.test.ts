/**
 * The built CLI as people use it when things go wrong: --help on every command, a closed pipe, a
 * cloud that does not answer (a deadline per call, a budget per refresh, an error naming the
 * endpoint and the cause, progress on stderr), SIGTERM while it waits, half an access key.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { USAGES } from '../../commands/cli/usages';
import { BIN, runPiped } from '../helpers/console-process';

const scratch = () => mkdtempSync(join(tmpdir(), 'vpnbot-cli-'));
const baseEnv = (cwd: string, extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH ?? '',
  HOME: cwd,
  VPNBOT_LOG_LEVEL: 'silent',
  ...extra,
});

/** A TCP server on loopback that accepts connections and never answers. */
async function blackHole(): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    server,
    port,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('--help on every command', () => {
  it.each(Object.keys(USAGES))('vpnbot %s --help prints its usage and exits 0, running nothing', async (name) => {
    const cwd = scratch();
    const r = await runPiped(cwd, [name, '--help'], '', baseEnv(cwd));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^usage: vpnbot ${name}\\b`));
    expect(r.out).not.toContain('SANDBOX');
  });

  it('a subcommand form too (ping NAME history --help), and -h', async () => {
    const cwd = scratch();
    const r = await runPiped(cwd, ['ping', 'ikev1test', 'history', '--help'], '', baseEnv(cwd));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('vpnbot ping <name> history');
    expect((await runPiped(cwd, ['status', '-h'], '', baseEnv(cwd))).stdout).toMatch(/^usage: vpnbot status/);
  });

  it('a mistyped command gets a suggestion', async () => {
    const cwd = scratch();
    const r = await runPiped(cwd, ['stauts'], '', baseEnv(cwd));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "stauts" (did you mean "status"?)');
  });

  it('plan sed: did you mean seed', async () => {
    const cwd = scratch();
    const r = await runPiped(cwd, ['plan', 'sed', '--offline'], '', baseEnv(cwd));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('did you mean `seed`');
  });
});

describe('a closed pipe', () => {
  it('vpnbot ... | a reader that left: no EPIPE stack trace, exit 0', async () => {
    const cwd = scratch();
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'plan', 'seed', '--offline'], { cwd, env: baseEnv(cwd) });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // The reader is gone before anything is written: every write meets a closed pipe.
      child.stdout.destroy();
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(r.stderr).not.toMatch(/EPIPE|Error:|\n\s+at /);
    expect(r.code).toBe(0);
  });
});

describe('a cloud that does not answer', () => {
  const credentials = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIunreachable0', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret' };

  it('plan: progress on stderr after a second, then an error naming the endpoint and timeout, within the budget', async () => {
    const hole = await blackHole();
    try {
      const cwd = scratch();
      const started = Date.now();
      const r = await runPiped(
        cwd,
        ['plan', 'seed'],
        '',
        baseEnv(cwd, {
          ...credentials,
          VPNBOT_ALIBABA_ENDPOINT: `http://127.0.0.1:${hole.port}`,
          VPNBOT_CLOUD_TIMEOUT_MS: '500',
          VPNBOT_REFRESH_BUDGET_SECONDS: '2',
        }),
      );
      const took = Date.now() - started;
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `Reading what the cloud holds: waiting on Alibaba Cloud API at 127.0.0.1:${hole.port}...`,
      );
      expect(r.stderr).toMatch(
        new RegExp(
          `transport error: timeout: no answer from 127\\.0\\.0\\.1:${hole.port} in time.*\\[cloud\\.unreachable\\]`,
        ),
      );
      expect(r.stderr).not.toContain('try again later');
      expect(r.stderr).toContain('VPNBOT_ALIBABA_ENDPOINT');
      // The budget (2 s) plus one call's deadline and the process's start, with room for a loaded machine.
      expect(took).toBeLessThan(20_000);
    } finally {
      await hole.close();
    }
  });

  it('the console says what it waits for, then the error, and takes the next command', async () => {
    const hole = await blackHole();
    try {
      const cwd = scratch();
      const r = await runPiped(
        cwd,
        ['local'],
        '/vpn plan seed\n/whoami\n',
        baseEnv(cwd, {
          ...credentials,
          VPNBOT_ALIBABA_ENDPOINT: `http://127.0.0.1:${hole.port}`,
          VPNBOT_CLOUD_TIMEOUT_MS: '500',
          VPNBOT_REFRESH_BUDGET_SECONDS: '2',
        }),
      );
      expect(r.out).toContain(
        `Reading what the cloud holds: waiting on Alibaba Cloud API at 127.0.0.1:${hole.port}...`,
      );
      expect(r.out).toMatch(
        /vpnbot could not finish that: \w+: transport error: timeout: no answer from 127\.0\.0\.1:\d+ in time/,
      );
      expect(r.out).toMatch(/You are \S+@local\./);
      expect(r.code).toBe(1);
    } finally {
      await hole.close();
    }
  });

  it('plan against a closed port: a connect error, said as such', async () => {
    const hole = await blackHole();
    const port = hole.port;
    await hole.close();
    const cwd = scratch();
    const r = await runPiped(
      cwd,
      ['plan', 'seed'],
      '',
      baseEnv(cwd, {
        ...credentials,
        VPNBOT_ALIBABA_ENDPOINT: `http://127.0.0.1:${port}`,
        VPNBOT_REFRESH_BUDGET_SECONDS: '1',
      }),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`transport error: connect: cannot connect to 127.0.0.1:${port} (connect ECONNREFUSED`);
  });

  it('SIGTERM (as `timeout` sends) ends a plan waiting on the cloud at once', async () => {
    const hole = await blackHole();
    try {
      const cwd = scratch();
      const child = spawn(process.execPath, [BIN, 'plan', 'seed'], {
        cwd,
        env: baseEnv(cwd, { ...credentials, VPNBOT_ALIBABA_ENDPOINT: `http://127.0.0.1:${hole.port}` }),
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
      // Waiting on the cloud: the progress line says so.
      for (let i = 0; i < 200 && !stderr.includes('Reading what'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(stderr).toContain('Reading what');
      const sent = Date.now();
      child.kill('SIGTERM');
      expect(await closed).toBe(143);
      expect(Date.now() - sent).toBeLessThan(5_000);
    } finally {
      await hole.close();
    }
  });
});

describe('half an access key', () => {
  it('is refused, naming the missing half, instead of silently meaning the sandbox', async () => {
    const cwd = scratch();
    const r = await runPiped(cwd, ['status'], '', baseEnv(cwd, { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIonlyhalf000' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ALIBABA_CLOUD_ACCESS_KEY_ID is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is not');
    expect(r.out).not.toContain('SANDBOX');
  });
});
