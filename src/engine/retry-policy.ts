import { setMaxListeners } from 'node:events';

/**
 * Retries with exponential backoff and full jitter, and polling with growing intervals. Delays and
 * the clock are injected: tests pass a fast pace, production the real one.
 */
export interface Pacing {
  /** Resolves after `ms`, or rejects when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  now(): number;
  random(): number;
  /** Multiplies every delay, poll interval and timeout (1 for a real cloud; the time scale for the sandbox). */
  readonly pace: number;
}

export function realPacing(pace = 1): Pacing {
  return {
    pace,
    now: Date.now,
    random: Math.random,
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        // Many steps sleep on one run's signal at once: that is expected, not a listener leak.
        if (signal) setMaxListeners(0, signal);
        const t = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
        const onAbort = () => {
          clearTimeout(t);
          reject(signal!.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  };
}

/** Full-jitter backoff: uniform in [0, min(cap, base * 2^attempt)], never below 1 ms. */
export function backoffDelay(attempt: number, pacing: Pacing, baseMs = 1_000, capMs = 30_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt) * pacing.pace;
  return Math.max(1, pacing.random() * ceiling);
}

/** What a retry loop reports before each new attempt. */
export interface RetryNotice {
  readonly attempt: number;
  readonly delayMs: number;
  readonly code: string;
  readonly message: string;
}

export interface RetryOptions<T> {
  readonly maxAttempts: number;
  readonly signal?: AbortSignal;
  /** Also retry `dependency` errors (deletes waiting for dependents to drain) until this deadline (ms). */
  readonly drainUntil?: number;
  readonly onRetry?: (n: RetryNotice) => void;
  /** No retry starts after this time (pacing's clock): the last error goes up instead. */
  readonly giveUpAt?: number;
  /** After an ambiguous failure (the call may have been applied), look before trying again. */
  readonly beforeRetry?: () => Promise<T | undefined>;
}

/**
 * Runs a cloud call, retrying errors classified as retryable (throttling, 5xx, one-change-at-a-time
 * conflicts) with backoff. Errors that are not cloud errors, or not retryable, go straight up.
 */
export async function retryCloudCall<T>(op: () => Promise<T>, pacing: Pacing, options: RetryOptions<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (e) {
      const err = e as { category?: string; cloudCode?: string; message?: string; ambiguous?: boolean };
      const draining =
        err.category === 'dependency' && options.drainUntil !== undefined && pacing.now() < options.drainUntil;
      if (!(err.category === 'retryable' && attempt < options.maxAttempts) && !draining) throw e;
      const delayMs = backoffDelay(Math.min(attempt, 8), pacing);
      if (options.giveUpAt !== undefined && pacing.now() + delayMs > options.giveUpAt) throw e;
      options.onRetry?.({ attempt, delayMs, code: err.cloudCode ?? 'unknown', message: err.message ?? '' });
      await pacing.sleep(delayMs, options.signal);
      if (err.ambiguous && options.beforeRetry) {
        const found = await options.beforeRetry();
        if (found !== undefined) return found;
      }
    }
  }
}
