/**
 * `vpnbot emulator` as a child process, for benchmarks that measure the engine's process alone
 * (its memory, its CPU), as in production where the cloud is elsewhere.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { EmulatorEndpoint } from '../emulator/server/start-emulator';

/** Runs from the build (`npm run bench` builds first): `commands/main.js` beside `src/`. */
export async function startEmulatorProcess(options: {
  timeScale: number;
  ipsecQuota: number;
}): Promise<EmulatorEndpoint> {
  const main = join(__dirname, '..', '..', 'commands', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is not built: run npm run build`);
  const key = { id: `LTAI${randomBytes(8).toString('hex')}`, secret: randomBytes(24).toString('base64url') };
  const args = [
    'emulator',
    '--time-scale',
    String(options.timeScale),
    '--ipsec-quota',
    String(options.ipsecQuota),
    '--access-key-id',
    key.id,
    '--access-key-secret',
    key.secret,
  ];
  const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let out = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`vpnbot emulator did not start: ${out}`)), 30_000);
    const seen = (d: Buffer) => {
      out += d.toString();
      const m = /emulator listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(deadline);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', (code) => {
      clearTimeout(deadline);
      reject(new Error(`vpnbot emulator exited (${code}): ${out}`));
    });
  });
  return {
    endpoint,
    accessKeyId: key.id,
    accessKeySecret: key.secret,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
