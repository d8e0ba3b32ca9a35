/**
 * `vpnbot doctor`, `vpnbot plan` and the console's `/vpn doctor`, through the built binary: in the
 * sandbox every check passes at one call each, in well under a second; against an emulator
 * endpoint whose account withholds a permission, the finding, its fix and exit 1.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server/start-emulator';
import { consoleEnv, runPiped } from '../helpers/console-process';

const dir = () => mkdtempSync(join(tmpdir(), 'vpnbot-doctor-'));

describe('vpnbot doctor', () => {
  it('in the sandbox: every check passes, at most one call each, in under a second; plan and the console show it too', async () => {
    const cwd = dir();
    const r = await runPiped(cwd, ['doctor', 'seed'], '');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Preflight of ikev1test [sandbox]:');
    const [, checks] = /preflight: (\d+) checks pass/.exec(r.stdout)!;
    const [, n, calls, ms] = /(\d+) checks, (\d+) cloud calls, (\d+) ms/.exec(r.stdout)!;
    expect(n).toBe(checks);
    expect(Number(calls)).toBeLessThanOrEqual(Number(n));
    expect(Number(ms)).toBeLessThan(1000);

    const json = JSON.parse((await runPiped(cwd, ['doctor', '--json'], '')).stdout);
    expect(json).toMatchObject({ sandbox: true, topology: null, findings: [], calls: 2 });

    const plan = await runPiped(cwd, ['plan', 'seed'], '');
    expect(plan.stdout).toContain(`preflight: ${checks} checks pass`);

    const local = await runPiped(cwd, ['local'], '/vpn doctor seed\n');
    expect(local.stdout).toContain('Preflight of ikev1test: [sandbox]');
    expect(local.stdout).toContain(`preflight: ${checks} checks pass`);
  });

  describe('against an emulator endpoint', () => {
    let emu: RunningEmulator;
    beforeAll(async () => {
      emu = await startEmulator({ timeScale: 0.001 });
    });
    afterAll(() => emu.close());
    const env = (cwd: string) =>
      consoleEnv(cwd, {
        VPNBOT_ALIBABA_ENDPOINT: emu.endpoint,
        ALIBABA_CLOUD_ACCESS_KEY_ID: emu.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: emu.accessKeySecret,
        VPNBOT_ENDPOINT_PACE: '0.001',
      });

    it('finds a withheld permission and exits 1; passes once it is granted', async () => {
      const cwd = dir();
      const control = (body: unknown) =>
        fetch(`${emu.endpoint}/__emulator/permissions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      await control({ withhold: ['RunInstances'] });
      const r = await runPiped(cwd, ['doctor', 'seed'], '', env(cwd));
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('FAIL permission: dry run of RunInstances');
      expect(r.stdout).toContain('BLOCKING [preflight.permission.denied] ecs:RunInstances');
      expect(r.stdout).toContain('fix: add `ecs:RunInstances`');
      await control({ grant: ['RunInstances'] });
      expect((await runPiped(cwd, ['doctor', 'seed'], '', env(cwd))).code).toBe(0);
    });

    it('a China-site account configured as international: the billing finding says which applies', async () => {
      const cwd = dir();
      await fetch(`${emu.endpoint}/__emulator/account`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ site: 'china' }),
      });
      const r = await runPiped(cwd, ['doctor'], '', env(cwd));
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('[preflight.billing.site-mismatch] VPNBOT_ACCOUNT_SITE=international');
      expect(r.stdout).toContain('fix: set VPNBOT_ACCOUNT_SITE=china (VPN gateways then go PREPAY, 1 month)');
      const fixed = await runPiped(cwd, ['doctor'], '', { ...env(cwd), VPNBOT_ACCOUNT_SITE: 'china' });
      expect(fixed.code).toBe(0);
      expect(fixed.stdout).toContain('account: China site, VPN gateways by monthly subscription');
    });
  });
});
