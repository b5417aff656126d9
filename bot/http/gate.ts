/**
 * Admits at most `limit` holders at a time and turns the rest away at once (no queue: a queue
 * of strangers' requests is the memory this exists to bound).
 */
export class Gate {
  private inside = 0;

  constructor(readonly limit: number) {}

  /** A release function (safe to call twice), or undefined when the gate is full. */
  enter(): (() => void) | undefined {
    if (this.inside >= this.limit) return undefined;
    this.inside += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inside -= 1;
    };
  }

  /** How many hold the gate now. */
  get active(): number {
    return this.inside;
  }
}
