// Request bodies and query strings of the emulated endpoints (zod; types come from these).
import { z } from 'zod';

/** POST /repos/{o}/{r}/pulls. Required fields are checked by hand to answer with GitHub's missing_field errors. */
export const CreatePullBody = z.object({
  title: z.string().optional(),
  head: z.string().optional(),
  head_repo: z.string().optional(),
  base: z.string().optional(),
  body: z.string().nullable().optional(),
  maintainer_can_modify: z.boolean().optional(),
  draft: z.boolean().optional(),
  issue: z.number().int().optional(),
});

/** PATCH /repos/{o}/{r}/pulls/{n}. */
export const UpdatePullBody = z.object({
  title: z.string().optional(),
  body: z.string().nullable().optional(),
  state: z.enum(['open', 'closed']).optional(),
  base: z.string().optional(),
  maintainer_can_modify: z.boolean().optional(),
});

/** PUT /repos/{o}/{r}/pulls/{n}/merge. */
export const MergeBody = z.object({
  commit_title: z.string().optional(),
  commit_message: z.string().optional(),
  sha: z.string().optional(),
  merge_method: z.enum(['merge', 'squash', 'rebase']).optional(),
});

/** POST /repos/{o}/{r}/issues/{n}/comments. */
export const CreateCommentBody = z.object({ body: z.string() });

const direction = z.enum(['asc', 'desc']).optional();

/** GET /repos/{o}/{r}/issues. */
export const ListIssuesQuery = z.object({
  state: z.enum(['open', 'closed', 'all']).default('open'),
  labels: z.string().optional(),
  assignee: z.string().optional(),
  creator: z.string().optional(),
  milestone: z.string().optional(),
  sort: z.enum(['created', 'updated', 'comments']).default('created'),
  direction,
  since: z.string().optional(),
});

/** GET /repos/{o}/{r}/pulls. */
export const ListPullsQuery = z.object({
  state: z.enum(['open', 'closed', 'all']).default('open'),
  head: z.string().optional(),
  base: z.string().optional(),
  sort: z.enum(['created', 'updated', 'popularity', 'long-running']).default('created'),
  direction,
});

/** GET …/issues/{n}/comments. */
export const ListCommentsQuery = z.object({ since: z.string().optional() });

/** GET …/commits/{ref}/check-runs. */
export const ListCheckRunsQuery = z.object({
  check_name: z.string().optional(),
  status: z.enum(['queued', 'in_progress', 'completed']).optional(),
  filter: z.enum(['latest', 'all']).default('latest'),
});
