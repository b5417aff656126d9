import type { Clock } from '../../shared/clock.ts';

export interface RateGateOptions {
  /** Sustained calls per second. */
  perSecond: number;
  /** Calls allowed back to back after a quiet period. */
  burst: number;
  clock: Clock;
}

/**
 * A token bucket that callers wait on, plus a hard pause for when Slack answers 429.
 * Waiters are served in arrival order.
 */
export class RateGate {
  private tokens: number;
  private refilledAt: number;
  private pausedUntil = 0;
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly options: RateGateOptions & { signal?: AbortSignal }) {
    this.tokens = options.burst;
    this.refilledAt = options.clock.now();
  }

  /** Resolves when one call may be made, and takes its token. */
  take(): Promise<void> {
    const turn = this.tail.then(() => this.waitForToken());
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  /** Stops all calls until `ms` from now (Slack's Retry-After), and empties the bucket. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.options.clock.now() + ms);
    this.tokens = 0;
  }

  private async waitForToken(): Promise<void> {
    const { clock, perSecond, burst } = this.options;
    for (;;) {
      const now = clock.now();
      if (now < this.pausedUntil) {
        await clock.sleep(this.pausedUntil - now, this.options.signal);
        this.refilledAt = Math.max(this.refilledAt, this.pausedUntil);
        continue;
      }
      this.tokens = Math.min(burst, this.tokens + ((now - this.refilledAt) / 1000) * perSecond);
      this.refilledAt = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await clock.sleep(Math.ceil(((1 - this.tokens) / perSecond) * 1000), this.options.signal);
    }
  }
}
