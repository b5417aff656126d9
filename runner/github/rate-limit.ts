import type { Octokit } from '@octokit/rest';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';

const limited = z.object({
  status: z.union([z.literal(403), z.literal(429)]),
  response: z.object({ headers: z.record(z.string(), z.unknown()) }),
});

/** How long GitHub asks us to wait, from retry-after or the reset time; undefined if this is no rate limit. */
export function rateLimitWaitMs(error: unknown, now: number): number | undefined {
  const parsed = limited.safeParse(error);
  if (!parsed.success) return undefined;
  const headers = parsed.data.response.headers;
  const retryAfter = Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return retryAfter * 1000;
  if (String(headers['x-ratelimit-remaining']) === '0') {
    const reset = Number(headers['x-ratelimit-reset']);
    return Number.isFinite(reset) ? Math.max(1000, reset * 1000 - now + 1000) : 60_000;
  }
  return undefined;
}

/**
 * Makes every request of `octokit` wait out GitHub's rate limits (primary: until the reset time;
 * secondary: retry-after) and try again, instead of failing or retrying in a tight loop.
 */
export function waitOutRateLimits(octokit: Octokit, { clock, log, maxWaits = 3 }: { clock: Clock; log: Logger; maxWaits?: number }): void {
  octokit.hook.wrap('request', async (request, options) => {
    for (let waits = 0; ; waits++) {
      try {
        return await request(options);
      } catch (error) {
        const waitMs = rateLimitWaitMs(error, clock.now());
        if (waitMs === undefined || waits >= maxWaits) throw error;
        log.warn({ url: options.url, waitMs }, 'GitHub rate limit reached; waiting for the reset');
        await clock.sleep(waitMs);
      }
    }
  });
}
