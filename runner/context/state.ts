/**
 * What the runner remembers of a task's event log, however long it grows: the folded context. It
 * is updated one event at a time (never rebuilt from the log) and every part of it is bounded,
 * so its size and the cost of an update stay flat in the log's length.
 */
import { z } from 'zod';

/** Bounds of the folded state (the rendered summary has its own, smaller, byte budget). */
export const LIMITS = {
  /** Characters of human instructions kept verbatim; the oldest go first. */
  instructionChars: 16_000,
  /** Distinct paths remembered; further ones are only counted. */
  files: 400,
  /** Distinct paths counted exactly (the ones beyond `files` by a hash of their path); beyond, "more than". */
  countedFiles: 5000,
  /** Distinct failed commands, newest kept. */
  failedCommands: 20,
  /** Decisions kept whole, newest; older ones are folded into the history digests. */
  decisions: 16,
  /** Open questions. */
  questions: 5,
  /** Shortened decisions a merged history digest keeps (the newest). */
  foldedPerDigest: 6,
  /** History digests before the oldest two are merged into one shorter line. */
  digests: 12,
  /** Events in one history episode when no turn ends it sooner. */
  episodeEvents: 2000,
  /** Characters of one remembered statement (decision, question, conclusion line). */
  statement: 300,
  /** Characters of the agent's latest conclusion. */
  conclusion: 1500,
} as const;

const fileSchema = z.object({ kind: z.enum(['add', 'update', 'delete']), n: z.number().int() });

const failedCommandSchema = z.object({
  command: z.string(),
  exitCode: z.number().int().nullable(),
  /** The last line of its output, which usually names the failure. */
  lastLine: z.string(),
  times: z.number().int(),
  /** The same command later succeeded. */
  fixed: z.boolean(),
});

const verificationSchema = z.object({
  ok: z.boolean(),
  command: z.string(),
  passed: z.number().optional(),
  failed: z.number().optional(),
  failing: z.array(z.string()),
  timedOut: z.boolean(),
});

/** What one stretch of the log amounted to, while it is being counted. */
const episodeSchema = z.object({
  from: z.number().int(),
  commands: z.number().int(),
  failedCommands: z.number().int(),
  fileChanges: z.number().int(),
  messages: z.number().int(),
  /** The first line of the newest agent message of the stretch. */
  said: z.string(),
  /** Decisions pushed out of the kept list during this stretch, shortened. */
  folded: z.array(z.string()),
});

/** An older stretch of the log, folded into one line; merging two keeps their counts and newest shortened decisions, and drops the rest of their words. */
const digestSchema = episodeSchema.extend({ to: z.number().int() });

export const contextStateSchema = z.object({
  version: z.literal(1),
  /** Events folded in so far. */
  events: z.number().int(),
  turns: z.number().int(),
  restarts: z.number().int(),
  commands: z.number().int(),
  /** Human follow-ups verbatim, oldest first. */
  instructions: z.array(z.object({ author: z.string(), text: z.string() })),
  droppedInstructions: z.number().int(),
  files: z.record(z.string(), fileSchema),
  /** Distinct paths changed beyond those in `files`. */
  moreFiles: z.number().int(),
  /** Hashes of those paths, to count each once (with `files`, up to one past `countedFiles`). */
  otherPaths: z.array(z.number().int()).optional(),
  failedCommands: z.array(failedCommandSchema),
  verification: verificationSchema.optional(),
  verifications: z.number().int(),
  decisions: z.array(z.string()),
  questions: z.array(z.string()),
  plan: z.array(z.object({ text: z.string(), done: z.boolean() })).optional(),
  pr: z.object({ number: z.number().int(), url: z.string(), headSha: z.string() }).optional(),
  conclusion: z.string().optional(),
  lastError: z.string().optional(),
  episode: episodeSchema,
  digests: z.array(digestSchema),
});
export type ContextState = z.infer<typeof contextStateSchema>;
export type Episode = z.infer<typeof episodeSchema>;
export type Digest = z.infer<typeof digestSchema>;

export const newEpisode = (from: number): Episode => ({ from, commands: 0, failedCommands: 0, fileChanges: 0, messages: 0, said: '', folded: [] });

export function emptyContext(): ContextState {
  return {
    version: 1,
    events: 0,
    turns: 0,
    restarts: 0,
    commands: 0,
    instructions: [],
    droppedInstructions: 0,
    files: {},
    moreFiles: 0,
    failedCommands: [],
    verifications: 0,
    decisions: [],
    questions: [],
    episode: newEpisode(1),
    digests: [],
  };
}
