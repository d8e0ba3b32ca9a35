import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { runCli } from '../../commands/cli/run-cli';
import { EMULATOR_DEFAULT_KEY } from '../../commands/cli/emulator-command';
import { $Vpc, sdkClients } from '../helpers/alibaba-sdk';
import { captureIo } from '../helpers/cli-io';
import { buildWalkthrough, cloudPing, SITES } from '../helpers/walkthrough';

const BIN = join(__dirname, '..', '..', 'dist', 'commands', 'main.js');

describe('vpnbot emulator', () => {
  it('runs as a process: one line with the address, serves the SDK, stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'emulator', '--time-scale', '0.001'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
      const line = chunk.toString('utf8');
      expect(line).toMatch(/^emulator listening on http:\/\/127\.0\.0\.1:\d+\n$/);
      const endpoint = line.trim().split(' ').pop()!;
      const c = sdkClients({
        endpoint,
        accessKeyId: EMULATOR_DEFAULT_KEY.id,
        accessKeySecret: EMULATOR_DEFAULT_KEY.secret,
      });
      const r = await c.vpc.createVpc(new $Vpc.CreateVpcRequest({ regionId: 'us-west-1', cidrBlock: '10.0.0.0/8' }));
      expect(r.body!.vpcId).toMatch(/^vpc-/);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it("as a process, through the official SDK: today's CEN without its association leaves exactly the pairs over it unreachable", async () => {
    const child = spawn(process.execPath, [BIN, 'emulator', '--time-scale', '0.0005'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
      const c = sdkClients({
        endpoint: chunk.toString('utf8').trim().split(' ').pop()!,
        accessKeyId: EMULATOR_DEFAULT_KEY.id,
        accessKeySecret: EMULATOR_DEFAULT_KEY.secret,
      });
      const built = await buildWalkthrough(c, { without: 'association' });
      const failing: string[] = [];
      for (const from of ['hongkong', 'japan', 'us'] as const)
        for (const to of ['hongkong', 'japan', 'us'] as const) {
          if (from === to) continue;
          const r = await cloudPing(
            c,
            { region: SITES[from].region, instanceId: built.instance[from].id },
            built.instance[to].ip,
            2,
          );
          if (r.exitCode !== 0) failing.push(`${from}>${to}`);
        }
      expect(failing).toEqual(['hongkong>us', 'japan>us', 'us>hongkong', 'us>japan']);
    } finally {
      child.kill('SIGTERM');
    }
    await once(child, 'exit');
  });

  it('explains bad options', async () => {
    const io = captureIo();
    expect(await runCli(['emulator', '--time-scale', '5'], io)).toBe(2);
    expect(io.err()).toContain('--time-scale must be in (0, 1]');
    const io2 = captureIo();
    expect(await runCli(['emulator', '--access-key-id', 'x'], io2)).toBe(2);
    expect(io2.err()).toContain('give both');
    const io3 = captureIo();
    expect(await runCli(['emulator', '--ipsec-quota', '0'], io3)).toBe(2);
    expect(io3.err()).toContain('--ipsec-quota must be a whole number from 1 to 1000');
  });
});
