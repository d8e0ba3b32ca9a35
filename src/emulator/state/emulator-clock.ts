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

export function createClock(options: { timeScale: number; now?: () => number; latencyMultiplier?: () => number }): EmulatorClock {
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

export function statusAt(p: Phases, now: number): string {
  return p.steps.find((s) => now < s.until)?.status ?? p.final;
}

export function doneAt(p: Phases): number {
  return p.steps.length ? p.steps[p.steps.length - 1]!.until : 0;
}
