// Per-key token buckets: chat.postMessage's "about 1 per second per channel, short bursts".
import type { RateLimit } from './types.ts';

/** Outcome of asking for one token. */
export type TakeResult = { ok: true } | { ok: false; retryAfterSec: number };

interface Bucket {
  tokens: number;
  at: number;
}

/** One bucket per key (channel), refilled continuously at `perSecond` up to `burst`. */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private limit: RateLimit,
    private readonly now: () => number,
  ) {}

  /** Changes the limit; buckets restart full so the new limit applies from now on. */
  setLimit(limit: RateLimit): void {
    this.limit = limit;
    this.buckets.clear();
  }

  take(key: string): TakeResult {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    const elapsedSec = Math.max(0, now - bucket.at) / 1000;
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + elapsedSec * this.limit.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    // Retry-After is whole seconds and never 0 (Slack sends an integer ≥ 1).
    const wait = this.limit.perSecond > 0 ? (1 - bucket.tokens) / this.limit.perSecond : 60;
    return { ok: false, retryAfterSec: Math.max(1, Math.ceil(wait)) };
  }
}
