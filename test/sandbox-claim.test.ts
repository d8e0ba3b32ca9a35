/**
 * The sandbox claim (commands/sandbox-claim.ts) on a real directory: one owner, sharers get its
 * endpoint, a dead owner's claim is taken over, a claim from another host is refused by name.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimSandbox, SANDBOX_LOCK, type StartedEmulator } from '../commands/sandbox-claim';

const fakeEmulator = (port: number): StartedEmulator => ({
  endpoint: `http://127.0.0.1:${port}`,
  accessKeyId: `LTAIfake${port}`,
  accessKeySecret: `secret-${port}`,
  close: async () => undefined,
});
const options = { timeScale: 0.01, command: 'vpnbot test', waitMs: 500 };

describe('one sandbox per data directory', () => {
  it('the first claims and starts; the next shares its endpoint, keys and pace; the lock is owner-only and goes on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpnbot-claim-'));
    let started = 0;
    const first = await claimSandbox(dir, async () => fakeEmulator(++started + 1000), options);
    expect(first.role).toBe('owner');
    expect(statSync(join(dir, SANDBOX_LOCK)).mode & 0o077).toBe(0);
    const second = await claimSandbox(dir, async () => fakeEmulator(++started + 1000), { ...options, timeScale: 1 });
    expect(started).toBe(1);
    expect(second).toMatchObject({
      role: 'shared',
      holder: { pid: process.pid, endpoint: 'http://127.0.0.1:1001', accessKeyId: 'LTAIfake1001', timeScale: 0.01 },
    });
    if (first.role === 'owner') await first.close();
    const third = await claimSandbox(dir, async () => fakeEmulator(++started + 1000), options);
    expect(third.role).toBe('owner');
    if (third.role === 'owner') await third.close();
  });

  it('takes over the claim of a process that is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpnbot-claim-'));
    const lock = join(dir, SANDBOX_LOCK);
    const dead = { pid: 2 ** 22 + 7, host: hostname(), since: 'then', command: 'vpnbot local' };
    writeFileSync(
      lock,
      JSON.stringify({ ...dead, endpoint: 'http://127.0.0.1:1', accessKeyId: 'x', accessKeySecret: 'y', timeScale: 1 }),
    );
    const claim = await claimSandbox(dir, async () => fakeEmulator(2000), options);
    expect(claim.role).toBe('owner');
    expect(JSON.parse(readFileSync(lock, 'utf8')).pid).toBe(process.pid);
    if (claim.role === 'owner') await claim.close();
  });

  it('refuses a claim held from another host, saying who holds it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpnbot-claim-'));
    writeFileSync(
      join(dir, SANDBOX_LOCK),
      JSON.stringify({ pid: 42, host: 'elsewhere.example', since: '2026-12-01T00:00:00Z', command: 'vpnbot serve' }),
    );
    await expect(claimSandbox(dir, async () => fakeEmulator(3000), options)).rejects.toMatchObject({
      code: 'sandbox.held',
      message: expect.stringContaining(
        'held by `vpnbot serve` (pid 42 on elsewhere.example, since 2026-12-01T00:00:00Z)',
      ),
    });
  });
});
