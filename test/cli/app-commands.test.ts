import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SEED_STEPS } from '../helpers/topologies';

const run = promisify(execFile);
const BIN = join(__dirname, '..', '..', 'dist', 'commands', 'main.js');

/** Runs the built binary with no Alibaba credentials: sandbox mode, in a directory of its own. */
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

describe('vpnbot apply / status / destroy in sandbox mode (the built binary)', () => {
  it('apply applies the walkthrough, labelled sandbox; the state outlives the process; destroy asks, then removes it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vpnbot-cli-'));
    const demo = await vpnbot(cwd, 'apply', 'seed', '--auto-approve');
    expect(demo).toMatchObject({ code: 0, stderr: '' });
    expect(demo.stdout.split('\n')[0]).toBe('[SANDBOX: in-process Alibaba Cloud emulator, nothing real is created]');
    expect(demo.stdout).toContain(`Plan: ${SEED_STEPS} to create, 0 to adopt, 0 to keep, 0 to delete.`);
    expect(demo.stdout).toContain(`Done: ${SEED_STEPS} succeeded, 0 failed, 0 skipped, 0 cancelled.`);
    // The plan predicts, the apply ends with the measured matrix.
    expect(demo.stdout).toContain('Predicted reachability: 6 of 6 pairs reachable');
    expect(demo.stdout).toMatch(/Ping matrix for ikev1test, measured [\dT:Z-]+: 6 of 6 pairs pass, all as predicted/);

    const ping = await vpnbot(cwd, 'ping', 'ikev1test', '--json', '--png', 'data/matrix.png');
    expect(ping).toMatchObject({ code: 0 });
    const matrix = JSON.parse(ping.stdout);
    expect(matrix).toMatchObject({
      topology: 'ikev1test',
      sandbox: true,
      measuredAt: expect.stringMatching(/^\d{4}-/),
    });
    expect(matrix.cells).toHaveLength(6);
    expect(matrix.cells[0]).toEqual(
      expect.objectContaining({
        from: 'hongkong',
        to: 'japan',
        transmitted: 5,
        received: 5,
        lossPct: 0,
        ttl: 62,
        predicted: 'reachable',
        verdict: 'pass',
        reason: '',
      }),
    );
    expect(
      readFileSync(join(cwd, 'data', 'matrix.png'))
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    const history = await vpnbot(cwd, 'ping', 'ikev1test', 'history');
    expect(history.stdout).toMatch(/hongkong -> us +[\d.]+B +[\d.]+/);
    expect((await vpnbot(cwd, 'ping', 'ikev1test', 'sideways')).code).toBe(2);

    const status = await vpnbot(cwd, 'status', '--json');
    expect(status.code).toBe(0);
    const json = JSON.parse(status.stdout.slice(status.stdout.indexOf('{')));
    expect(json).toMatchObject({
      sandbox: true,
      topologies: [{ topology: 'ikev1test', lastRun: { kind: 'apply', status: 'succeeded' } }],
    });
    expect(json.topologies[0].resources).toHaveLength(SEED_STEPS);
    // Status names each connection's two tunnels.
    const connections = json.topologies[0].resources.filter((r: { kind: string }) => r.kind === 'ipsec-connection');
    expect(connections).toHaveLength(4);
    for (const c of connections)
      expect(c.tunnels).toEqual({ master: expect.stringMatching(/^tun-/), slave: expect.stringMatching(/^tun-/) });
    expect((await vpnbot(cwd, 'status', 'ikev1test')).stdout).toMatch(
      /ipsec-connection +ikev1test-hongkong-to-japan 192\.168\.0\.0\/16 <-> 172\.16\.0\.0\/12 IKEv1, 2 tunnels: vco-\w+, tunnels master tun-\w+ up, slave tun-\w+ up/,
    );

    const again = await vpnbot(cwd, 'apply', 'seed');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes.');
    // plan diffs against what exists, like terraform plan; --offline plans against nothing, and says so.
    expect((await vpnbot(cwd, 'plan', 'seed')).stdout).toContain(
      `No changes. Plan: 0 to create, 0 to adopt, ${SEED_STEPS} to keep, 0 to delete.`,
    );
    const offline = await vpnbot(cwd, 'plan', 'seed', '--offline');
    expect(offline.stdout).toContain(`Plan: ${SEED_STEPS} to create`);
    expect(offline.stderr).toContain('offline plan');

    const refused = await vpnbot(cwd, 'destroy', 'ikev1test');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`Plan: 0 to create, 0 to adopt, 0 to keep, ${SEED_STEPS} to delete.`);
    expect(refused.stderr).toContain('Not destroyed: no approval (use --auto-approve to skip the question).');

    const destroyed = await vpnbot(cwd, 'destroy', 'ikev1test', '--auto-approve');
    expect(destroyed.code).toBe(0);
    expect(destroyed.stdout).toContain(`Done: ${SEED_STEPS} succeeded`);
    expect((await vpnbot(cwd, 'status')).stdout).toContain('ikev1test: 0 resources');

    const unknown = await vpnbot(cwd, 'destroy', 'nope', '--auto-approve');
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.stderr).toContain('no topology named "nope"; known: ikev1test');
    // "Psk" as a word: a random resource id (i-jlqnk7aspskf...) may contain the letters.
    for (const r of [demo, status, again, refused, destroyed])
      expect(`${r.stdout}${r.stderr}`).not.toMatch(/\bPsk\b|secret|AccessKey/i);
  });

  it('parse-ping prints what the parser reads from any ping output', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vpnbot-cli-'));
    const fixture = join(__dirname, '..', 'fixtures', 'ping-linux', 'iputils-reject-host-unreachable.txt');
    const text = await vpnbot(cwd, 'parse-ping', fixture);
    expect(text).toMatchObject({
      code: 0,
      stdout:
        'program: iputils\n10.213.2.2: 5 sent, 0 received, 100% loss, 5 ICMP errors (Destination Host Unreachable)\n',
    });
    const json = JSON.parse(
      (await vpnbot(cwd, 'parse-ping', join(__dirname, '..', 'fixtures', 'ping', 'seed-us-to-hongkong.txt'), '--json'))
        .stdout,
    );
    expect(json).toEqual({
      program: 'iputils',
      errors: [],
      targets: [
        expect.objectContaining({
          target: '192.168.0.219',
          transmitted: 6,
          received: 6,
          lossPct: 0,
          rttAvgMs: 146.823,
          ttl: 62,
          complete: true,
        }),
      ],
    });
    expect((await vpnbot(cwd, 'parse-ping', join(cwd, 'missing.txt'))).code).toBe(1);
  });

  it('bad input: a clear error and a non-zero exit, nothing applied', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vpnbot-cli-'));
    const r = await vpnbot(cwd, 'apply', '/nonexistent.yml', '--auto-approve');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot read /nonexistent.yml: ENOENT');
    expect((await vpnbot(cwd, 'apply')).stderr).toContain('usage: vpnbot apply');
    const env = await run(process.execPath, [BIN, 'status'], {
      cwd,
      env: { PATH: process.env.PATH, VPNBOT_PARALLELISM: 'lots' },
    }).catch((e) => e as { code: number; stderr: string });
    expect(env).toMatchObject({ code: 2, stderr: expect.stringContaining('VPNBOT_PARALLELISM') });
  });

  it('Ctrl-C cancels a run: it stops, says so, and records the run as cancelled', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vpnbot-cli-'));
    const child = spawn(process.execPath, [BIN, 'apply', 'seed', '--auto-approve'], {
      cwd,
      env: { PATH: process.env.PATH, HOME: cwd, VPNBOT_TIME_SCALE: '0.05' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    // Interrupt once some steps have finished and others have not: by what the run printed, not by the clock.
    const deadline = Date.now() + 30_000;
    while ((out.match(/^ {2}ok \[/gm)?.length ?? 0) < 3) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the apply never got going:\n${out}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(1);
    expect(out).toMatch(/Cancelled: \d+ succeeded, 0 failed, 0 skipped, [1-9]\d* cancelled\./);
    const status = await vpnbot(cwd, 'status', '--json');
    expect(JSON.parse(status.stdout.slice(status.stdout.indexOf('{'))).topologies[0].lastRun.status).toBe('cancelled');
  });
});
