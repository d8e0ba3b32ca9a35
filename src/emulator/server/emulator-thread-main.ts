/** Entry point of the emulator's thread (see emulator-thread.ts): start, report the endpoint, close on request. */
import { parentPort, workerData } from 'node:worker_threads';
import { startEmulator } from './start-emulator';
import type { ThreadEmulatorOptions } from './emulator-thread';

void (async () => {
  const emu = await startEmulator(workerData as ThreadEmulatorOptions);
  parentPort!.postMessage({
    endpoint: emu.endpoint,
    accessKeyId: emu.accessKeyId,
    accessKeySecret: emu.accessKeySecret,
  });
  parentPort!.once('message', () => {
    void emu.close().then(() => parentPort!.close());
  });
})();
