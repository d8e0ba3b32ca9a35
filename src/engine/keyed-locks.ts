/**
 * One holder at a time per key (a VPN gateway, a VPC route table, a CEN instance): the cloud allows
 * one change at a time on each and answers Configuring/TaskConflict/Blocking otherwise. Several keys
 * are taken in sorted order, so two holders can never wait on each other.
 */
export class KeyedLocks {
  private readonly tails = new Map<string, Promise<void>>();

  /** Takes every key (in sorted order); the answer releases them all. */
  async acquire(keys: readonly string[]): Promise<() => void> {
    const releases: (() => void)[] = [];
    for (const key of [...new Set(keys)].sort()) releases.push(await this.acquireOne(key));
    return () => {
      for (const release of releases.reverse()) release();
    };
  }

  private async acquireOne(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}
