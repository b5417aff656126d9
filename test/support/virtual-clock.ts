import type { Clock } from '../../shared/clock.ts';

/** A clock whose sleeps return at once and move time forward: rate limits without waiting. */
export class VirtualClock implements Clock {
  constructor(private time = 1_700_000_000_000) {}

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    this.time += Math.max(0, ms);
    return Promise.resolve();
  }

  advance(ms: number): void {
    this.time += ms;
  }
}
