import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../commands/cli/run-cli';
import { SEED_YAML } from '../../src/topology/seed';
import { captureIo } from '../helpers/cli-io';
import { SEED_STEPS } from '../helpers/topologies';

const run = promisify(execFile);
const BIN = join(__dirname, '..', '..', 'dist', 'commands', 'main.js');

describe('vpnbot plan (as a function)', () => {
  it('prints the plan of a YAML file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpnbot-'));
    writeFileSync(join(dir, 't.yml'), SEED_YAML);
    const io = captureIo();
    expect(await runCli(['plan', join(dir, 't.yml')], io)).toBe(0);
    expect(io.out()).toContain(`Plan: ${SEED_STEPS} to create, 0 to adopt, 0 to keep, 0 to delete.`);
  });

  it('--json prints {hash, summary, steps} with every step field', async () => {
    const io = captureIo({ stdin: SEED_YAML });
    expect(await runCli(['plan', '-', '--json'], io)).toBe(0);
    const json = JSON.parse(io.out());
    expect(Object.keys(json)).toEqual(['hash', 'summary', 'steps']);
    expect(json.summary).toEqual({ create: SEED_STEPS, adopt: 0, keep: 0, delete: 0 });
    expect(Object.keys(json.steps[0])).toEqual(
      expect.arrayContaining(['id', 'kind', 'site', 'region', 'action', 'dependsOn', 'params']),
    );
  });

  it('invalid input exits non-zero with the errors on stderr and nothing on stdout', async () => {
    const io = captureIo({
      stdin: 'name: t\nsites:\n  - {name: h, role: hub, region: tokyo, cidrs: [172.16.1.0/12]}\n',
    });
    expect(await runCli(['plan', '-'], io)).toBe(1);
    expect(io.out()).toBe('');
    expect(io.err()).toContain(
      'sites[0].cidrs[0]: "172.16.1.0/12" has host bits set (site "h") (did you mean 172.16.0.0/12?) [cidr.host-bits]',
    );
    expect(io.err()).toContain('did you mean ap-northeast-1?');
  });

  it('a missing file and bad usage are explained', async () => {
    const io = captureIo();
    expect(await runCli(['plan', '/nonexistent/t.yml'], io)).toBe(1);
    expect(io.err()).toContain('cannot read /nonexistent/t.yml: ENOENT');
    const io2 = captureIo();
    expect(await runCli(['plan'], io2)).toBe(2);
    expect(io2.err()).toContain('usage: vpnbot plan');
    const io3 = captureIo();
    expect(await runCli(['plna'], io3)).toBe(2);
    expect(io3.err()).toContain('unknown command "plna"');
  });

  it('the quota comes from VPNBOT_IPSEC_CONNECTION_QUOTA', async () => {
    const big =
      'name: w\nsites:\n  - {name: d, role: dc, region: cn-hongkong, cidrs: [192.168.0.0/16, 192.169.0.0/16, 192.170.0.0/16, 192.171.0.0/16]}\n  - {name: h, role: hub, region: ap-northeast-1, cidrs: [172.16.0.0/12]}\n  - {name: s, role: spoke, region: us-west-1, cidrs: [10.0.0.0/8]}\n  - {name: t, role: spoke, region: us-east-1, cidrs: [11.0.0.0/8]}\n';
    const refused = captureIo({ stdin: big });
    expect(await runCli(['plan', '-'], refused)).toBe(1);
    expect(refused.err()).toContain('[ipsec.quota]');
    const allowed = captureIo({ stdin: big, env: { VPNBOT_IPSEC_CONNECTION_QUOTA: '12' } });
    expect(await runCli(['plan', '-'], allowed)).toBe(0);
  });
});

describe('vpnbot plan (the built binary)', () => {
  // `npm test` builds first; a missing binary is a failure, not a skip.
  it('runs as a process: stdout for the plan, exit 1 and stderr for bad input', async () => {
    expect(existsSync(BIN)).toBe(true);
    const { stdout, stderr } = await run(process.execPath, [BIN, 'plan', 'seed', '--json', '--offline']);
    expect(stderr).toContain('offline plan: the cloud and the records were not consulted');
    expect(JSON.parse(stdout).summary.create).toBe(SEED_STEPS);
    await expect(run(process.execPath, [BIN, 'plan', '/nonexistent.yml', '--offline'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('ENOENT'),
    });
  });
});
