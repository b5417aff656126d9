import { Octokit } from '@octokit/rest';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import { waitOutRateLimits } from './rate-limit.ts';

/** The runner's one Octokit: its token, its logger, and rate limits waited out. */
export function githubClient({ token, apiUrl }: { token?: string; apiUrl: string }, log: Logger, clock: Clock): Octokit {
  const child = log.child({ component: 'github' });
  const octokit = new Octokit({
    ...(token && { auth: token }),
    baseUrl: apiUrl,
    userAgent: 'director-runner',
    log: {
      debug: (message: string) => child.debug(message),
      info: (message: string) => child.debug(message),
      warn: (message: string) => child.warn(message),
      error: (message: string) => child.error(message),
    },
  });
  waitOutRateLimits(octokit, { clock, log: child });
  return octokit;
}
