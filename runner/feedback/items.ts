/**
 * Feedback on a task's PR as the watcher keeps it: review comments, reviews, PR comments, and
 * failing checks, each with what the agent needs (file, line, diff hunk; annotations, log tail).
 * Parsed from GitHub's answers with schemas: only the fields used.
 */
import { z } from 'zod';

const user = z.looseObject({ login: z.string() }).nullable();

export const reviewCommentSchema = z.looseObject({
  id: z.number(),
  user,
  body: z.string(),
  path: z.string(),
  line: z.number().nullable().optional(),
  original_line: z.number().nullable().optional(),
  diff_hunk: z.string().default(''),
  in_reply_to_id: z.number().optional(),
  commit_id: z.string().optional(),
});
export const reviewSchema = z.looseObject({
  id: z.number(),
  user,
  body: z.string().nullable(),
  state: z.string(),
  commit_id: z.string().nullable().optional(),
});
export const issueCommentSchema = z.looseObject({ id: z.number(), user, body: z.string().default('') });
export const checkRunSchema = z.looseObject({
  id: z.number(),
  name: z.string(),
  head_sha: z.string(),
  status: z.string(),
  conclusion: z.string().nullable(),
  app: z.looseObject({ slug: z.string().optional() }).nullable().optional(),
});
export const checkRunsSchema = z.looseObject({ check_runs: z.array(checkRunSchema) });
export const combinedStatusSchema = z.looseObject({
  sha: z.string(),
  statuses: z.array(z.looseObject({ id: z.number(), context: z.string(), state: z.string(), description: z.string().nullable().optional() })),
});
export const pullSchema = z.looseObject({ state: z.string(), merged: z.boolean().optional(), head: z.looseObject({ sha: z.string() }) });
export const annotationSchema = z.looseObject({
  path: z.string(),
  start_line: z.number(),
  annotation_level: z.string().nullable().optional(),
  message: z.string().nullable(),
  title: z.string().nullable().optional(),
});
export const permissionSchema = z.looseObject({ permission: z.string(), role_name: z.string().optional() });

/** One piece of feedback, stored as seen. */
export const feedbackItemSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('review_comment'),
    id: z.string(),
    headSha: z.string().optional(),
    author: z.string(),
    body: z.string(),
    path: z.string(),
    line: z.number().nullable(),
    diffHunk: z.string(),
    /** The thread's first comment, which replies go to. */
    threadId: z.number(),
  }),
  z.object({ kind: z.literal('review'), id: z.string(), headSha: z.string().optional(), author: z.string(), body: z.string(), state: z.string() }),
  z.object({ kind: z.literal('issue_comment'), id: z.string(), headSha: z.string().optional(), author: z.string(), body: z.string() }),
  z.object({
    kind: z.literal('check'),
    /** check-run id, or status context. */
    id: z.string(),
    headSha: z.string(),
    author: z.string(),
    name: z.string(),
    conclusion: z.string(),
    annotations: z.array(z.object({ path: z.string(), line: z.number(), message: z.string() })),
    /** The end of its job log, redacted. */
    logTail: z.string(),
  }),
]);
export type FeedbackItem = z.infer<typeof feedbackItemSchema>;

/** Check conclusions and status states that mean "failing". */
export const FAILING = new Set(['failure', 'timed_out', 'action_required', 'cancelled', 'error']);
