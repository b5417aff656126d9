import type { Octokit } from '@octokit/rest';
import { z } from 'zod';
import type { Redactor } from '../../shared/redact.ts';
import { repoParts } from '../github/issues.ts';

/** Characters of diff a frame carries (the frame allows 300,000). */
export const DIFF_CHARS = 250_000;

/** The PR's diff as GitHub renders it, redacted first, then cut at a line end to fit a frame. */
export async function pullDiff(octokit: Octokit, repo: string, pr: number, redact: Redactor, max = DIFF_CHARS): Promise<{ diff: string; cut: boolean }> {
  const { data } = await octokit.rest.pulls.get({ ...repoParts(repo), pull_number: pr, mediaType: { format: 'diff' } });
  const clean = redact(z.string().parse(data));
  if (clean.length <= max) return { diff: clean, cut: false };
  const end = clean.lastIndexOf('\n', max);
  return { diff: `${clean.slice(0, end > 0 ? end + 1 : max)}`, cut: true };
}
