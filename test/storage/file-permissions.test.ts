/**
 * The database and the key file through the built binary: an older database others can read is
 * made owner-only and the operator is told; a key file or a database another user owns is refused
 * by name. (Changing a file's owner needs root: those checks say so and pass when not root.)
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = join(__dirname, '..', '..', 'dist', 'commands', 'main.js');
const isRoot = process.getuid?.() === 0;

async function vpnbot(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], {
      cwd,
      env: { PATH: process.env.PATH, HOME: cwd, VPNBOT_TIME_SCALE: '0.001' },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const modeOf = (f: string) => (statSync(f).mode & 0o777).toString(8);

describe('database and key file permissions (the built binary)', () => {
  it('a database readable by others, with its WAL file, is made owner-only and the operator is told', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vpnbot-perm-'));
    expect((await vpnbot(cwd, 'status')).code).toBe(0);
    const db = join(cwd, 'data', 'sandbox.db');
    // As a vpnbot from before the permission fix left it: world-readable, a WAL file beside it.
    chmodSync(db, 0o644);
    writeFileSync(`${db}-wal`, '', { mode: 0o644 });
    chmodSync(`${db}-wal`, 0o644);
    const r = await vpnbot(cwd, 'status');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('./data/sandbox.db was readable by other users (mode 644)');
    // (SQLite removes the WAL file at a clean close: that it was repaired is all there is to see.)
    expect(r.stderr).toContain('./data/sandbox.db-wal was readable by other users (mode 644)');
    expect(r.stderr).toContain('made it owner-only (600)');
    expect(modeOf(db)).toBe('600');
    // Once repaired, nothing more is said.
    expect((await vpnbot(cwd, 'status')).stderr).not.toContain('readable by other users');
  });

  it('a key file another user owns is refused by name, and so is a database', async () => {
    if (!isRoot) {
      console.warn('not root: cannot give a file to another user, the ownership checks are not exercised');
      return;
    }
    const cwd = mkdtempSync(join(tmpdir(), 'vpnbot-owner-'));
    expect((await vpnbot(cwd, 'status')).code).toBe(0);
    const key = join(cwd, 'data', 'vpnbot-secret.key');
    chownSync(key, 4242, 4242);
    const refused = await vpnbot(cwd, 'status');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('belongs to user id 4242, but vpnbot runs as user id 0');
    expect(refused.stderr).toContain('storage.file-owner');
    chownSync(key, 0, 0);
    expect((await vpnbot(cwd, 'status')).code).toBe(0);
    const db = join(cwd, 'data', 'sandbox.db');
    chownSync(db, 4242, 4242);
    const dbRefused = await vpnbot(cwd, 'status');
    expect(dbRefused.code).not.toBe(0);
    expect(dbRefused.stderr).toContain('the database ./data/sandbox.db belongs to user id 4242');
  });
});
