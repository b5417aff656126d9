import type { Octokit } from '@octokit/rest';
import { z } from 'zod';
import { repoParts } from '../github/issues.ts';

const requestError = z.object({ status: z.number(), message: z.string() });

/** A pull request as a task knows it. */
export interface TaskPull {
  number: number;
  url: string;
  created: boolean;
}

/**
 * Opens the task's draft PR, or updates the one it already has: one task, one branch, one PR,
 * however often it is re-published after steering.
 */
export async function upsertDraftPull(
  octokit: Octokit,
  args: { repo: string; branch: string; base: string; title: string; body: string; existing?: number },
): Promise<TaskPull> {
  const parts = repoParts(args.repo);
  if (args.existing !== undefined) {
    const { data } = await octokit.rest.pulls.update({ ...parts, pull_number: args.existing, title: args.title, body: args.body });
    return { number: data.number, url: data.html_url, created: false };
  }
  try {
    const { data } = await octokit.rest.pulls.create({ ...parts, head: args.branch, base: args.base, title: args.title, body: args.body, draft: true });
    return { number: data.number, url: data.html_url, created: true };
  } catch (error) {
    const parsed = requestError.safeParse(error);
    if (!parsed.success || parsed.data.status !== 422 || !/already exists/i.test(parsed.data.message)) throw error;
    // Published before, but the answer was lost: find that PR and update it instead.
    const { data: open } = await octokit.rest.pulls.list({ ...parts, head: `${parts.owner}:${args.branch}`, base: args.base, state: 'open' });
    const found = open[0];
    if (!found) throw error;
    const { data } = await octokit.rest.pulls.update({ ...parts, pull_number: found.number, title: args.title, body: args.body });
    return { number: data.number, url: data.html_url, created: false };
  }
}
