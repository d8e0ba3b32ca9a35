/**
 * How many heavy requests (plans, measurements) one user may have in flight at once: more are
 * refused at once, in words, so that one person (or one stuck client repeating a command) cannot
 * fill the queue every other request waits in.
 */
export class PerUserLimit {
  private readonly inFlight = new Map<string, number>();

  constructor(readonly max: number) {}

  /** A slot for `user`, to release when done; undefined when they already hold `max`. */
  enter(user: string): (() => void) | undefined {
    const n = this.inFlight.get(user) ?? 0;
    if (n >= this.max) return undefined;
    this.inFlight.set(user, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(user) ?? 1) - 1;
      if (left > 0) this.inFlight.set(user, left);
      else this.inFlight.delete(user);
    };
  }
}

/** What a user is told who already has as many plans and measurements in flight as allowed. */
export const busyText = (limit: PerUserLimit) =>
  `You already have ${limit.max} plans or measurements being worked on: wait for them to finish, then ask again.`;
