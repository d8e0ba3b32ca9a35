/**
 * `vpnbot config` (the built binary, sandbox): the device configuration of an on-premises site
 * applied in the sandbox; on standard output its keys are masked, with -o it is an owner-only file
 * (mode 600) holding them; each delivery is in the audit log, no key is.
 */
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ONPREM_YAML } from '../helpers/topologies';
import { checkJunos, checkSwanctl } from '../helpers/vendor-syntax';

const run = promisify(execFile);
const BIN = join(__dirname, '..', '..', 'dist', 'commands', 'main.js');

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

describe('vpnbot config', () => {
  it('masks the keys on standard output, writes them owner-only with -o, audits both, and refuses what it cannot write', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vpnbot-config-'));
    writeFileSync(join(cwd, 'hybrid.yml'), ONPREM_YAML);
    expect((await vpnbot(cwd, 'apply', 'hybrid.yml', '--auto-approve')).code).toBe(0);

    const shown = await vpnbot(cwd, 'config', 'hybrid', 'dc1', '--vendor', 'junos');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('The pre-shared keys are masked (********)');
    expect(shown.stderr).toContain('-o FILE` writes them to an owner-only file');
    expect(checkJunos(shown.stdout.replace(/^\[SANDBOX[^\n]*\n/, ''))).toEqual([]);

    const written = await vpnbot(cwd, 'config', 'hybrid', 'dc1', '--vendor', 'strongswan', '-o', 'dc1.conf');
    expect(written.code).toBe(0);
    expect(written.stdout).toContain('Wrote dc1.conf (mode 600)');
    const file = join(cwd, 'dc1.conf');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(checkSwanctl(text)).toEqual([]);
    const keys = [...text.matchAll(/secret = "([^"]+)"/g)].map((m) => m[1]!);
    expect(keys).toHaveLength(2);
    for (const k of keys) expect(k).toMatch(/^[A-Za-z0-9]{32}$/);

    const db = new Database(join(cwd, 'data', 'sandbox.db'), { readonly: true });
    const audit = db.prepare("SELECT action, detail FROM audit_log WHERE action LIKE 'config.%' ORDER BY id").all() as {
      action: string;
      detail: string;
    }[];
    db.close();
    expect(audit.map((a) => [a.action, JSON.parse(a.detail).to])).toEqual([
      ['config.delivered-masked', 'standard output'],
      ['config.delivered-with-keys', 'file dc1.conf'],
    ]);
    for (const k of keys) expect(JSON.stringify(audit)).not.toContain(k);

    const bad = await vpnbot(cwd, 'config', 'hybrid', 'hub');
    expect(bad).toMatchObject({ code: 1 });
    expect(bad.stderr).toContain('"hub" is in the cloud');
    expect((await vpnbot(cwd, 'config', 'hybrid')).code).toBe(2);
  });
});
