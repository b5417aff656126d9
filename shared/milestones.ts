/**
 * Milestones: typed records of something that happened to a task, derived on the runner by
 * explicit rules and carried by `task.update`. The bot renders `text` (and `detail` when it
 * posts); the typed fields let it and tests reason about what happened without parsing text.
 */
import { z } from 'zod';
import { webUrlSchema } from './web-url.ts';

/** What every milestone carries: the line the card shows and, when posted, the thread's text. */
const milestoneBase = {
  /** One line for the card. */
  text: z.string().max(3000),
  /** Longer text for a thread post (plan bullets, failing tests, summary). */
  detail: z.string().max(6000).optional(),
  /** Worth a thread post, not only a card update. */
  post: z.boolean(),
};

/** Every milestone kind this build knows. */
export const knownMilestoneSchema = z.discriminatedUnion('kind', [
  /** Progress for the card only (a command ran, the agent said something). */
  z.object({ kind: z.literal('progress'), ...milestoneBase }),
  /** The plan was made or its steps changed. */
  z.object({ kind: z.literal('plan'), steps: z.array(z.object({ text: z.string().max(300), done: z.boolean() })).max(50), ...milestoneBase }),
  /** The agent asks a person. */
  z.object({ kind: z.literal('question'), question: z.string().max(3000), ...milestoneBase }),
  /** The project's tests started. */
  z.object({ kind: z.literal('verification_started'), command: z.string().max(500).optional(), ...milestoneBase }),
  /** The project's tests ended. */
  z.object({
    kind: z.literal('verification'),
    outcome: z.enum(['passed', 'failed', 'timed_out']),
    command: z.string().max(500),
    passed: z.number().int().optional(),
    failed: z.number().int().optional(),
    failing: z.array(z.string().max(300)).max(50),
    ...milestoneBase,
  }),
  /** The agent changed files. */
  z.object({ kind: z.literal('files_changed'), count: z.number().int().min(0), paths: z.array(z.string().max(500)).max(20), ...milestoneBase }),
  /** The draft PR was opened or updated. */
  z.object({ kind: z.literal('pr'), number: z.number().int(), url: webUrlSchema, updated: z.boolean(), ...milestoneBase }),
  /** The agent got a fresh session seeded with the task's summary. */
  z.object({ kind: z.literal('restarted'), reason: z.enum(['requested', 'context_exhausted', 'session_died']), ...milestoneBase }),
  /** The reviewer gate before publishing: blocking findings fixed, others noted in the PR body, or it could not review. */
  z.object({
    kind: z.literal('review'),
    outcome: z.enum(['reviewed', 'could_not_review']),
    fixed: z.number().int().min(0),
    noted: z.number().int().min(0),
    ...milestoneBase,
  }),
  /** Feedback on the open PR (review comments, a failing check) is being addressed, or was pushed. */
  z.object({
    kind: z.literal('feedback'),
    phase: z.enum(['addressing', 'addressed']),
    count: z.number().int().min(0),
    ...milestoneBase,
  }),
  z.object({ kind: z.literal('finished'), ...milestoneBase }),
  z.object({
    kind: z.literal('failed'),
    reason: z.string().max(6000),
    /** The runner's own configuration is why (it refused the task): its owner is told, the thread gets one line. */
    misconfigured: z.boolean().optional(),
    ...milestoneBase,
  }),
  z.object({ kind: z.literal('interrupted'), ...milestoneBase }),
  z.object({ kind: z.literal('cancelled'), ...milestoneBase }),
]);
export type KnownMilestone = z.infer<typeof knownMilestoneSchema>;

const knownKinds: ReadonlySet<string> = new Set(knownMilestoneSchema.options.map((option) => option.shape.kind.value));

/**
 * A kind from a newer runner: kept as `other` with its text, so an older bot still applies the
 * update that carries it and renders the milestone from `text` (a known kind with a wrong shape
 * is still refused).
 */
const newerMilestoneSchema = z
  .object({ kind: z.string().refine((kind) => !knownKinds.has(kind), 'a known milestone kind with an invalid shape'), ...milestoneBase })
  .transform(({ kind, ...rest }) => ({ ...rest, kind: 'other' as const, newerKind: kind.slice(0, 64) }));

/** A milestone as received: a known kind, or one from a newer runner. */
export const milestoneSchema = z.union([knownMilestoneSchema, newerMilestoneSchema]);
export type Milestone = z.output<typeof milestoneSchema>;
