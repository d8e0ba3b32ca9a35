/**
 * A cloud read the person is waiting on: silent when it is quick; after a second, a line on stderr
 * saying what vpnbot waits for, then one per retry (a cloud that does not answer is never silence).
 */
import type { RetryNotice } from '../../src/engine/retry-policy';
import type { CliIo } from './cli-io';

export const SLOW_NOTICE_MS = 1_000;

export async function withSlowNotice<T>(
  io: Pick<CliIo, 'stderr'>,
  cloud: { readonly sandbox: boolean; readonly target: string },
  what: string,
  work: (onRetry: (n: RetryNotice) => void) => Promise<T>,
  afterMs = SLOW_NOTICE_MS,
): Promise<T> {
  // The sandbox answers in-process: no network to wait on (its first call may load the SDKs).
  if (cloud.sandbox) return work(() => undefined);
  let said = false;
  const say = () => {
    if (said) return;
    said = true;
    io.stderr(`${what} ${cloud.target}...\n`);
  };
  const timer = setTimeout(say, afterMs);
  try {
    return await work((n) => {
      say();
      io.stderr(`  ${n.message}; retry ${n.attempt} in ${(n.delayMs / 1000).toFixed(1)} s\n`);
    });
  } finally {
    clearTimeout(timer);
  }
}
