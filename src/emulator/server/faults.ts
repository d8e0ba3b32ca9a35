/** Fault injection: probabilities per signed call, faults forced on chosen calls, and a multiplier on every latency. */
export interface Faults {
  /** Probability of answering Throttling.User (400) without doing anything. */
  readonly throttle: number;
  /** Probability of answering ServiceUnavailable (503) without doing anything. */
  readonly serverError: number;
  /** Probability, for calls that change state, of doing the change and then answering InternalError (500), as the real service sometimes does. */
  readonly appliedThenError: number;
  /** Multiplies every state-transition latency. */
  readonly latencyMultiplier: number;
  /**
   * Real milliseconds every signed call waits before it is answered (not scaled by the time scale):
   * the round trip of a real API call, about 250 ms from far away.
   */
  readonly callLatencyMs: number;
}

/**
 * What a fault does. Answers: `throttle`, `serverError`, `appliedThenError` (an API error). The
 * network: `connectionReset` (the connection is cut before anything is done), `appliedThenReset`
 * (cut after the change was made: the client cannot know), `readTimeout` (nothing is done and no
 * answer comes; the client gives up at its read timeout).
 */
export type FaultKind =
  | 'throttle'
  | 'serverError'
  | 'appliedThenError'
  | 'connectionReset'
  | 'appliedThenReset'
  | 'readTimeout';

/** What each injected fault is counted as: the error code it answers with, or what the network did. */
export const FAULT_CODES: Readonly<Record<FaultKind, string>> = {
  throttle: 'Throttling.User',
  serverError: 'ServiceUnavailable',
  appliedThenError: 'InternalError',
  connectionReset: 'ECONNRESET',
  appliedThenReset: 'ECONNRESET (applied)',
  readTimeout: 'no answer',
};

export const FAULT_KINDS = Object.keys(FAULT_CODES) as FaultKind[];

/**
 * A fault the next matching call gets, whatever the dice say: tests force each kind of fault
 * deterministically instead of hoping a probability draws it.
 */
export type ForcedFault =
  | {
      readonly fault: FaultKind;
      /** Only calls of this action (any action when absent). */
      readonly action?: string;
    }
  /**
   * An API error of the test's choosing, answered before the call does anything: a busy code the
   * retry table must cover, with the words the cloud uses when the code alone does not say it.
   */
  | {
      readonly fault: 'error';
      readonly code: string;
      readonly message?: string;
      /** HTTP status; 400 when absent. */
      readonly status?: number;
      readonly action?: string;
    };

export const NO_FAULTS: Faults = {
  throttle: 0,
  serverError: 0,
  appliedThenError: 0,
  latencyMultiplier: 1,
  callLatencyMs: 0,
};

/** Faults that are amounts, not probabilities. */
const AMOUNTS: ReadonlySet<string> = new Set(['latencyMultiplier', 'callLatencyMs']);

export function checkFaults(input: unknown): Faults | string {
  if (input === null || typeof input !== 'object') return 'faults must be a JSON object';
  const out: Record<string, number> = { ...NO_FAULTS };
  for (const [k, v] of Object.entries(input)) {
    if (!(k in NO_FAULTS)) return `unknown fault "${k}" (known: ${Object.keys(NO_FAULTS).join(', ')})`;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!AMOUNTS.has(k) && v > 1))
      return `fault "${k}" must be a number${AMOUNTS.has(k) ? ' >= 0' : ' from 0 to 1'}`;
    out[k] = v;
  }
  return out as unknown as Faults;
}
