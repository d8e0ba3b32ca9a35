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
export function backoffDelay(attempt: number, p: Pacing, baseMs = 1_000, capMs = 30_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt) * p.pace;
  return Math.max(1, p.random() * ceiling);
}

/** How long a kind of resource takes, to poll it sensibly: first interval, longest interval, give up after. */
export interface WaitProfile {
  readonly firstPollMs: number;
  readonly maxPollMs: number;
  readonly timeoutMs: number;
}

export const MINUTE = 60_000;
