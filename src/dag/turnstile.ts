/**
 * At most `n` holders at once; the others wait their turn in arrival order. The DAG walker's
 * parallelism slots and the Slack app's turns for heavy commands are both one of these.
 */
export class Turnstile {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(n: number) {
    this.free = Math.max(1, n);
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }

  /** Waits for a turn; the answer gives it back, once however often it is called (for a `finally`). */
  async turn(): Promise<() => void> {
    await this.acquire();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release();
    };
  }
}
