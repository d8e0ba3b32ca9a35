/**
 * Time inside the emulator. Resources do not run timers: each stores when its phases end, and its
 * status is read off the clock when described. So a scaled clock (tests) and a real one behave the
 * same, and nothing is left running when the server closes.
 */
export interface EmulatorClock {
  /** Milliseconds since the epoch, as the API reports times. */
  now(): number;
  /** Real latency (ms) -> emulated delay (ms): scaled by the time scale and the fault multiplier. */
  delay(realMs: number): number;
}

export function createClock(options: {
  timeScale: number;
  now?: () => number;
  latencyMultiplier?: () => number;
}): EmulatorClock {
  const now = options.now ?? Date.now;
  return {
    now,
    delay: (realMs) => realMs * options.timeScale * (options.latencyMultiplier?.() ?? 1),
  };
}

/** A lifecycle: statuses that each last until a moment, then a final status. */
export interface Phases {
  readonly steps: readonly { readonly status: string; readonly until: number }[];
  readonly final: string;
}

export function statusAt(phases: Phases, now: number): string {
  return phases.steps.find((s) => now < s.until)?.status ?? phases.final;
}

export function doneAt(phases: Phases): number {
  return phases.steps.length ? phases.steps[phases.steps.length - 1]!.until : 0;
}
