// GitHub's primary ("core") hourly limit, its headers, and injected exhaustion (primary or secondary).
import { ApiError } from './reply.ts';
import type { RateLimitExhaustion } from './types.ts';

const WINDOW_MS = 60 * 60 * 1000;
const DOCS_PRIMARY = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';
const DOCS_SECONDARY = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits';

/** Snapshot of the core bucket, as /rate_limit and the headers show it. */
export interface CoreLimit {
  limit: number;
  used: number;
  remaining: number;
  /** Epoch seconds. */
  reset: number;
}

interface Block {
  status: 403 | 429;
  untilMs: number;
  secondary: boolean;
}

/** Counts requests per hour window and refuses them while a block (natural or injected) lasts. */
export class RateLimiter {
  private windowStart: number;
  private used = 0;
  private block: Block | undefined;

  constructor(
    private readonly limit: number,
    private readonly now: () => number,
  ) {
    this.windowStart = now();
  }

  /** Makes every request fail until resetInSeconds from now. */
  exhaust(how: RateLimitExhaustion): void {
    this.block = { status: how.status, untilMs: this.now() + how.resetInSeconds * 1000, secondary: how.secondary ?? false };
  }

  /** Counts one request, or throws the rate-limit error; `who` words the primary message. */
  take(who: string): void {
    this.roll();
    const block = this.block;
    if (block) throw this.blockedError(block, who);
    if (this.used >= this.limit) throw this.blockedError({ status: 403, untilMs: this.windowEnd(), secondary: false }, who);
    this.used += 1;
  }

  /** Current numbers (after rolling the window), as the headers report them. */
  core(): CoreLimit {
    this.roll();
    const block = this.block;
    if (block && !block.secondary) {
      return { limit: this.limit, used: this.limit, remaining: 0, reset: Math.ceil(block.untilMs / 1000) };
    }
    return {
      limit: this.limit,
      used: this.used,
      remaining: Math.max(0, this.limit - this.used),
      reset: Math.ceil(this.windowEnd() / 1000),
    };
  }

  headers(): Record<string, string> {
    const core = this.core();
    return {
      'x-ratelimit-limit': String(core.limit),
      'x-ratelimit-remaining': String(core.remaining),
      'x-ratelimit-used': String(core.used),
      'x-ratelimit-reset': String(core.reset),
      'x-ratelimit-resource': 'core',
    };
  }

  private windowEnd(): number {
    return this.windowStart + WINDOW_MS;
  }

  /** Ends a block whose time has come, and starts a fresh window when the hour (or a primary block) is over. */
  private roll(): void {
    const now = this.now();
    if (this.block && now >= this.block.untilMs) {
      if (!this.block.secondary) {
        this.windowStart = now;
        this.used = 0;
      }
      this.block = undefined;
    }
    if (now >= this.windowEnd()) {
      this.windowStart = now;
      this.used = 0;
    }
  }

  private blockedError(block: Block, who: string): ApiError {
    if (block.secondary) {
      const retryAfter = Math.max(1, Math.ceil((block.untilMs - this.now()) / 1000));
      return new ApiError(
        block.status,
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        DOCS_SECONDARY,
        undefined,
        { 'retry-after': String(retryAfter) },
      );
    }
    return new ApiError(block.status, `API rate limit exceeded for ${who}.`, DOCS_PRIMARY);
  }
}
