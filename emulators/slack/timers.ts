// Every timer the emulator starts goes through here so close() can clear them all.

/** Owns the emulator's timeouts and intervals; after close() new timers are refused silently. */
export class Timers {
  private readonly timeouts = new Set<NodeJS.Timeout>();
  private readonly intervals = new Set<NodeJS.Timeout>();
  private closed = false;

  /** Runs fn once after ms; returns a handle for cancel(), or undefined after close(). */
  after(ms: number, fn: () => void): NodeJS.Timeout | undefined {
    if (this.closed) return undefined;
    const handle = setTimeout(
      () => {
        this.timeouts.delete(handle);
        fn();
      },
      Math.max(0, ms),
    );
    handle.unref();
    this.timeouts.add(handle);
    return handle;
  }

  /** Runs fn every ms until close(). */
  every(ms: number, fn: () => void): void {
    if (this.closed) return;
    const handle = setInterval(fn, Math.max(1, ms));
    handle.unref();
    this.intervals.add(handle);
  }

  cancel(handle: NodeJS.Timeout | undefined): void {
    if (handle === undefined) return;
    clearTimeout(handle);
    this.timeouts.delete(handle);
  }

  /** Resolves after ms (or at once after close()); for pacing inside the emulator. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.after(ms, resolve) === undefined) resolve();
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    for (const t of this.timeouts) clearTimeout(t);
    for (const t of this.intervals) clearInterval(t);
    this.timeouts.clear();
    this.intervals.clear();
  }
}
