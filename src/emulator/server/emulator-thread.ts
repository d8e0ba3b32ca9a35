/**
 * The emulator on its own thread, so the bot's event loop never waits on the emulated cloud's work
 * (answering calls, running the data plane): the sandbox then behaves like the real cloud, which
 * also works elsewhere. Same process, same HTTP endpoint; the control API is reached over HTTP.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EmulatorEndpoint, EmulatorOptions } from './start-emulator';

/** The options a thread can take: plain data (no injected clock or randomness). */
export type ThreadEmulatorOptions = Pick<
  EmulatorOptions,
  | 'host'
  | 'port'
  | 'accessKeyId'
  | 'accessKeySecret'
  | 'timeScale'
  | 'ipsecConnectionQuota'
  | 'statePath'
  | 'tunnelModes'
>;

/** The compiled entry point; from TypeScript sources (tests), the build's copy of it. */
function entryPoint(): string {
  const beside = join(__dirname, 'emulator-thread-main.js');
  if (existsSync(beside)) return beside;
  const built = join(__dirname, '..', '..', 'dist', 'src', 'emulator', 'server', 'emulator-thread-main.js');
  if (existsSync(built)) return built;
  throw new Error(`the emulator thread's entry point is not built (${beside}); run npm run build`);
}

export function startEmulatorThread(options: ThreadEmulatorOptions): Promise<EmulatorEndpoint> {
  const worker = new Worker(entryPoint(), { workerData: options });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: { endpoint: string; accessKeyId: string; accessKeySecret: string }) => {
      worker.off('error', reject);
      // After start, a crash of the thread shows as the cloud refusing calls; say why once, on stderr.
      worker.on('error', (e: Error) => process.stderr.write(`sandbox emulator thread stopped: ${e.message}\n`));
      resolve({
        ...m,
        close: async () => {
          worker.postMessage('close');
          await exited;
        },
      });
    });
  });
}
