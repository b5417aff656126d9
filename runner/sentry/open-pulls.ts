import type { Octokit } from '@octokit/rest';
import { repoParts } from '../github/issues.ts';

const FIXES = /\bfix(?:e[sd])?\s*:?\s+([A-Z0-9][A-Z0-9_-]*-[A-Z0-9]+)\b/gi;

/** Sentry short ids that the repository's open pull requests say they fix (`Fixes WEB-1A`). */
export async function sentryIdsFixedByOpenPulls(octokit: Octokit, repo: string): Promise<Set<string>> {
  const ids = new Set<string>();
  const pulls = await octokit.paginate(octokit.rest.pulls.list, { ...repoParts(repo), state: 'open', per_page: 100 });
  for (const pull of pulls) for (const match of `${pull.title}\n${pull.body ?? ''}`.matchAll(FIXES)) if (match[1]) ids.add(match[1].toUpperCase());
  return ids;
}
