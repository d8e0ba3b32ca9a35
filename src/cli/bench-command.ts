import { benchEmulator } from '../bench/emulator-bench';
import type { CliCommand } from './io';

/**
 * `vpnbot bench`: speed figures, measured in one run on this machine. Targets live here, not in
 * timed tests: machines are shared and noisy, so compare ratios from the same run.
 */
export const benchCommand: CliCommand = async (_args, io) => {
  io.stdout('vpnbot bench (figures from this run, on this machine)\n\n');
  const e = await benchEmulator();
  io.stdout(
    `emulator: signed SDK calls served (DescribeVpcs, client and server in one process)\n` +
      `  sequential:      ${e.sequentialPerSecond.toFixed(0)} calls/s over ${e.calls} calls\n` +
      `  ${String(e.concurrency).padStart(2)} concurrent:   ${e.concurrentPerSecond.toFixed(0)} calls/s (${(e.concurrentPerSecond / e.sequentialPerSecond).toFixed(2)}x sequential)\n`,
  );
  return 0;
};
