/**
 * What a task's event log holds: the agent's normalized events plus the runner's own steps
 * (verification, publishing). Milestones are derived from this log.
 */
import { z } from 'zod';
import { agentEventSchema } from '../agents/events.ts';
import { findingSchema } from '../review/findings.ts';

/** The project's tests ran in the worktree. */
export const verificationEvent = z.object({
  type: z.literal('verification'),
  ok: z.boolean(),
  command: z.string(),
  durationMs: z.number(),
  passed: z.number().optional(),
  failed: z.number().optional(),
  skipped: z.number().optional(),
  /** Names of failing tests, where the output told them. */
  failing: z.array(z.string()),
  timedOut: z.boolean(),
  /** The end of the output. */
  output: z.string(),
});

/** The branch was pushed and the draft pull request opened or updated. */
export const publishedEvent = z.object({
  type: z.literal('published'),
  prNumber: z.number(),
  prUrl: z.string(),
  headSha: z.string(),
  /** False the first time, true when an existing PR got a new head. */
  updated: z.boolean(),
});

/** A person's follow-up, as they wrote it (from the task's thread); kept verbatim in the summary. */
export const instructionEvent = z.object({ type: z.literal('instruction'), author: z.string(), text: z.string() });

/** The runner started the verification command. */
export const verificationStartedEvent = z.object({ type: z.literal('verification_started'), command: z.string().optional() });

/** A fresh agent session was started from the task's summary. */
export const restartedEvent = z.object({
  type: z.literal('restarted'),
  /** A person asked, the agent's context ran out, or its session died. */
  reason: z.enum(['requested', 'context_exhausted', 'session_died']),
});

/** The push was blocked: the secret scan found these on added lines (each excerpt already redacted). */
export const pushBlockedEvent = z.object({
  type: z.literal('push_blocked'),
  findings: z.array(z.object({ file: z.string(), line: z.number(), excerpt: z.string() })),
  /** True when the agent gets a fix-up turn; false when the task fails. */
  fixup: z.boolean(),
});

/** The reviewer gate's result before publishing: what was fixed, what is noted in the PR body, or that it could not review. */
export const reviewedEvent = z.object({
  type: z.literal('reviewed'),
  reviewer: z.string(),
  /** Blocking (P0/P1) findings the task's agent got fix-up turns for. */
  fixed: z.number().int().min(0),
  /** Findings left for people (P2/P3, and blocking ones still there when the bound was reached). */
  noted: z.array(findingSchema),
  /** Set when the reviewer could not review (a malformed answer twice, a failed run). */
  problem: z.string().optional(),
});

/** PR feedback (review comments, a failing check) became a follow-up turn for the agent. */
export const feedbackRoundEvent = z.object({
  type: z.literal('feedback_round'),
  /** Comments and checks handed to the agent. */
  count: z.number().int().min(0),
  /** Who wrote them (logins), or the failing checks' names. */
  from: z.array(z.string()),
  round: z.number().int().min(1),
});

/** A feedback round was pushed: replies went to the review threads. */
export const feedbackAddressedEvent = z.object({
  type: z.literal('feedback_addressed'),
  count: z.number().int().min(0),
  from: z.array(z.string()),
  headSha: z.string(),
  /** Whether the checks the round was about are named in it (a failing check). */
  checks: z.array(z.string()),
});

export const taskEventSchema = z.union([
  agentEventSchema,
  verificationEvent,
  publishedEvent,
  instructionEvent,
  verificationStartedEvent,
  restartedEvent,
  pushBlockedEvent,
  reviewedEvent,
  feedbackRoundEvent,
  feedbackAddressedEvent,
]);
export type TaskEvent = z.infer<typeof taskEventSchema>;
export type VerificationEvent = z.infer<typeof verificationEvent>;
export type PublishedEvent = z.infer<typeof publishedEvent>;
export type ReviewedEvent = z.infer<typeof reviewedEvent>;
export type RestartReason = z.infer<typeof restartedEvent>['reason'];

/** What to do with each event type, none forgotten: a new event type without a handler fails to compile. */
export type TaskEventHandlers<C, R> = {
  [T in TaskEvent['type']]: (event: Extract<TaskEvent, { type: T }>, context: C) => R;
};

/** Calls the event's handler from a complete handler map. */
export function handleTaskEvent<C, R>(handlers: TaskEventHandlers<C, R>, event: TaskEvent, context: C): R {
  // The map is complete by its type; TypeScript cannot correlate a union's member with its handler.
  const handler = handlers[event.type] as (event: TaskEvent, context: C) => R;
  return handler(event, context);
}
