// Per-key mutual exclusion for async check-then-act sequences (two creates racing for one head branch).

/** Runs tasks one at a time per key, in arrival order. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release = (): void => undefined;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      // Forget the key once nobody queued behind us, so the map doesn't grow forever.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
