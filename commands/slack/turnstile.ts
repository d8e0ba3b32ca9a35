/** At most `n` holders at once; the others wait their turn in arrival order. */
export interface Turnstile {
  /** Resolves with the function that gives the turn back (call it once, in a `finally`). */
  acquire(): Promise<() => void>;
}

export function createTurnstile(n: number): Turnstile {
  let free = n;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  return {
    async acquire() {
      if (free > 0) free--;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      let released = false;
      return () => {
        if (!released) (released = true), release();
      };
    },
  };
}
