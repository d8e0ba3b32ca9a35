/**
 * Two consoles on one data directory (two terminals): one sandbox. The second shares the first's
 * emulated cloud and says so, so it sees the first one's apply as it happens; planning the same
 * topology there afterwards changes nothing. Once both have left, the next process runs the sandbox
 * itself, from the state the first one kept.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, consoleEnv, runPiped } from '../helpers/console-process';
import { SEED_STEPS } from '../helpers/topologies';

/** A console fed line by line, its output kept. */
function openConsole(cwd: string, env: Record<string, string>) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [BIN, 'local'], { cwd, env });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return {
    out: () => out,
    send: (line: string) => child.stdin.write(`${line}\n`),
    async waitFor(what: string, test: (s: string) => boolean, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!test(out)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${out.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async quit() {
      child.stdin.end('/quit\n');
      return closed;
    },
    kill: () => child.kill('SIGKILL'),
  };
}

describe('two consoles on one data directory', () => {
  it('share one sandbox: the second sees the first one apply, and plans no change after it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vpnbot-two-consoles-'));
    // Slow enough that the second console starts while the first one's apply is under way.
    const env = consoleEnv(cwd, { VPNBOT_TIME_SCALE: '0.02' });
    const first = openConsole(cwd, env);
    // The second starts once the first holds the sandbox (started together, either may claim it).
    await first.waitFor('the first greeting', (s) => s.includes('vpnbot local console'));
    const second = openConsole(cwd, env);
    try {
      first.send('/vpn plan seed');
      first.send('/approve');
      await first.waitFor('the apply under way', (s) => s.includes('Approved by'));
      second.send('/vpn status');
      await second.waitFor('the second greeting', (s) => s.includes('vpnbot local console'));
      expect(second.out()).toMatch(/sharing the sandbox of \S+ with `vpnbot local` \(pid \d+\)/);
      expect(first.out()).not.toContain('sharing the sandbox');

      await first.waitFor(
        'the apply and its matrix',
        (s) => s.includes('6 of 6 pairs pass, all as predicted'),
        120_000,
      );
      const mark = second.out().length;
      second.send('/vpn plan seed');
      second.send('/vpn status ikev1test');
      await second.waitFor('the second plan and status', (s) => s.slice(mark).includes('Ping matrix for ikev1test'));
      const seen = second.out().slice(mark);
      expect(seen).toContain('No changes: the cloud matches topology ikev1test.');
      expect(seen).toContain(`ikev1test: ${SEED_STEPS} resources (${SEED_STEPS} created`);
      expect(seen).toMatch(/tunnels master tun-\w+ up, slave tun-\w+ up/);
      expect(seen).not.toContain('GONE');
      expect(await second.quit()).toBe(0);
      expect(await first.quit()).toBe(0);
    } finally {
      first.kill();
      second.kill();
    }
    expect(existsSync(join(cwd, 'data', 'sandbox.lock'))).toBe(false);

    // The next process runs the sandbox itself, from the state kept in the directory.
    const later = await runPiped(cwd, ['plan', 'seed'], '', env);
    expect(later.out).not.toContain('sharing the sandbox');
    expect(later.out).toMatch(/No changes/);
  }, 240_000);

  it('a claim left by a process that was killed is taken over', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vpnbot-stale-claim-'));
    const env = consoleEnv(cwd);
    const gone = openConsole(cwd, env);
    await gone.waitFor('the greeting', (s) => s.includes('vpnbot local console'));
    gone.kill();
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(join(cwd, 'data', 'sandbox.lock'))).toBe(true);
    const next = await runPiped(cwd, ['status'], '', env);
    expect(next.code).toBe(0);
    expect(next.out).not.toContain('sharing the sandbox');
    expect(next.out).toContain('No topologies yet');
  });
});
