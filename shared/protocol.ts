/**
 * The wire protocol between the bot and a runner (version 3: a task's verification is chosen by
 * name among the runner's own commands, never sent as shell text). Every WebSocket message is one
 * JSON frame from `linkFrameSchema`; application messages ride inside `data` frames: `BotToRunner`
 * one way, `RunnerToBot` the other. Both sides validate every frame on arrival.
 *
 * Compatibility within a version: a receiver ignores fields it does not know and renders a
 * milestone kind it does not know from its `text`, so bot and runners need not upgrade in
 * lockstep. Only a changed required shape (a new frame a peer must handle, a new state, a
 * renamed or retyped field) bumps `PROTOCOL_VERSION`.
 */
import { z } from 'zod';
import { knownMilestoneSchema, milestoneSchema } from './milestones.ts';
import { reportRequestFrame, reportResultFrame } from './report-frames.ts';
import { taskStateSchema } from './task-states.ts';
import { webUrlSchema } from './web-url.ts';

/** The protocol version this build speaks. Bump on any incompatible change (v4: close, merge, report and Sentry frames a runner must handle). */
export const PROTOCOL_VERSION = 4;

/** Largest frame either side accepts; a bigger one closes the socket with 1009. */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** A runner's name: what people type in `/director runners revoke <name>`. */
export const runnerNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'letters, digits, ".", "_" or "-", at most 63');

/** The name of one of a project's verification commands in the runner's config, which a channel may choose. */
export const verifyNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'a verify command name: 1 to 32 lowercase letters, digits, "_" or "-", starting with a letter or digit');

/** Tasks a runner may say it runs or will run at once: more than any machine does, so a wild number is refused. */
const taskCountSchema = z.number().int().min(0).max(1000);

// ---------------------------------------------------------------------------------------------
// Application frames: what the bot and the runner say to each other.

/** Runner → bot: what the runner is doing now (sent on connect and whenever it changes). */
export const runnerStatusFrame = z.object({
  type: z.literal('runner.status'),
  /** Tasks running now. */
  running: taskCountSchema,
  /** Tasks the runner will run at once. */
  capacity: taskCountSchema,
});

/** Either way: a test and diagnostics message; the receiver records it. */
export const noteFrame = z.object({
  type: z.literal('note'),
  /** Free text, already redacted by the runner. */
  text: z.string().max(10_000),
  /** Sender's counter, so a stream's order and gaps can be checked. */
  n: z.number().int().optional(),
});

/** What "fix top N" asks for. */
export const issueQuerySchema = z.object({
  limit: z.number().int().min(1).max(50),
  order: z.enum(['newest', 'comments', 'reactions']),
  label: z.string().max(100).optional(),
  /** Issue numbers that already have an active task in the channel. */
  busy: z.array(z.number().int()).max(1000),
});

/** Bot → runner: list open issues of a project (the runner holds the GitHub token). */
export const issuesFindFrame = z.object({
  type: z.literal('issues.find'),
  /** Pairs the answer with the question. */
  requestId: z.string(),
  project: z.string(),
  query: issueQuerySchema,
});

/** Runner → bot: the issues found, or why not. */
export const issuesFoundFrame = z.object({
  type: z.literal('issues.found'),
  requestId: z.string(),
  issues: z.array(z.object({ number: z.number().int(), title: z.string(), url: webUrlSchema })),
  /** Set when the listing failed (no such project, GitHub refused…). */
  error: z.string().optional(),
});

/** What "fix sentry errors" asks for: thresholds are within the window `since`. */
export const sentryQuerySchema = z.object({
  /** Only issues with more users than this in the window. */
  usersOver: z.number().int().min(0).optional(),
  /** Only issues with more events than this in the window. */
  eventsOver: z.number().int().min(0).optional(),
  /** The window, as Sentry's statsPeriod (`24h`, `7d`). */
  since: z.string().regex(/^[1-9]\d{0,3}[mhdw]$/),
  /** At most this many issues, most users (or events) first. */
  top: z.number().int().min(1).max(50),
  /** Only issues of this level. */
  level: z.enum(['fatal', 'error', 'warning', 'info', 'debug']).optional(),
  /** Sentry issue ids that already have an active task in the channel. */
  busy: z.array(z.string().max(32)).max(1000),
});
export type SentryQuery = z.infer<typeof sentryQuerySchema>;

/** Bot → runner: list Sentry issues worth a task (the runner holds the Sentry token). */
export const sentryFindFrame = z.object({
  type: z.literal('sentry.find'),
  /** Pairs the answer with the question. */
  requestId: z.string(),
  project: z.string(),
  query: sentryQuerySchema,
});

/** One Sentry issue the runner found; its text is Sentry's, redacted, untrusted. */
export const sentryIssueFoundSchema = z.object({
  /** Sentry's issue id (digits). */
  id: z.string().regex(/^\d{1,20}$/),
  /** e.g. WEB-1A: what the PR says it fixes. */
  shortId: z.string().max(64),
  title: z.string().max(500),
  url: webUrlSchema,
  level: z.string().max(16),
  /** Users and events within the window. */
  users: z.number().int().min(0),
  events: z.number().int().min(0),
});

/** Runner → bot: the Sentry issues found, or why not. */
export const sentryFoundFrame = z.object({
  type: z.literal('sentry.found'),
  requestId: z.string(),
  issues: z.array(sentryIssueFoundSchema).max(50),
  /** Issues over the thresholds left out because a task or an open PR of Director already covers them. */
  covered: z.number().int().min(0).default(0),
  /** Set when the listing failed (no Sentry token, unmapped project, Sentry refused…). */
  error: z.string().max(1000).optional(),
});

/** Bot → runner: start a task (the bot chose its id). */
export const taskStartFrame = z.object({
  type: z.literal('task.start'),
  taskId: z.string().regex(/^[a-z0-9]{4,32}$/),
  /** A project in the runner's PROJECTS; the runner refuses the task otherwise. */
  project: z.string().max(100),
  /** Agent name, one of the runner's AGENTS; the project's default when absent. */
  agent: z.string().max(64).optional(),
  title: z.string().max(500),
  /** The channel's choice among the project's verifyCommands (by name); the project's default when absent. */
  verify: verifyNameSchema.optional(),
  /** What the channel's project memory holds that is relevant to this task, already within its budget. */
  memory: z.string().max(8000).optional(),
  /** The channel's reviewer before the PR: an agent name or kind of the runner's, or `off`; the runner's default when absent. */
  review: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .optional(),
  /** What the runner does with feedback on the open PR: address it (auto), show it with a button (ask), or nothing (off); auto when absent. */
  feedback: z.enum(['auto', 'ask', 'off']).optional(),
  /** An issue (read by the runner) or a free-text request from Slack. */
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('issue'), number: z.number().int().positive() }),
    z.object({ kind: z.literal('request'), text: z.string().max(20_000), requestedBy: z.string() }),
    /** A Sentry issue (read by the runner with its own token). */
    z.object({ kind: z.literal('sentry'), issueId: z.string().regex(/^\d{1,20}$/), shortId: z.string().max(64) }),
  ]),
});

/** Bot → runner: a person's reply in the task's thread, for the agent. */
export const taskSteerFrame = z.object({
  type: z.literal('task.steer'),
  taskId: z.string(),
  /** The bot's id of this follow-up, echoed when the agent picks it up. */
  followUpId: z.string(),
  text: z.string().max(20_000),
  author: z.string(),
});

/** Bot → runner: run a failed, stopped or interrupted task again in its worktree (`/director retry`). */
export const taskRetryFrame = z.object({ type: z.literal('task.retry'), taskId: z.string() });

/** Bot → runner: remove a settled task's worktree and local branch (`/director close`); an older runner answers with an error frame. */
export const taskCloseFrame = z.object({ type: z.literal('task.close'), taskId: z.string() });

/** Bot → runner: stop a task (the Stop button, `/director stop`). */
export const taskStopFrame = z.object({ type: z.literal('task.stop'), taskId: z.string() });

/** Bot → runner: end the agent's session and start a fresh one seeded with the task's summary (`/director restart`). */
export const taskRestartFrame = z.object({ type: z.literal('task.restart'), taskId: z.string() });

/** Bot → runner: where does this task stand? (`status?` in its thread, `/director status <task>`). */
export const taskAskFrame = z.object({ type: z.literal('task.ask'), requestId: z.string(), taskId: z.string() });

/** Runner → bot: the task's summary, answering a task.ask. Already redacted. */
export const taskSummaryFrame = z.object({
  type: z.literal('task.summary'),
  requestId: z.string(),
  taskId: z.string(),
  summary: z.string().max(16_000),
  /** Set when there is no summary to give (unknown task). */
  error: z.string().max(1000).optional(),
});

/** Runner → bot: a task's state changed or it reached a milestone. Already redacted. */
const taskUpdate = <M extends z.ZodType>(milestone: M) =>
  z.object({
    type: z.literal('task.update'),
    taskId: z.string(),
    state: taskStateSchema,
    agent: z.string(),
    milestone: milestone.optional(),
    /** The task's draft PR. */
    prUrl: webUrlSchema.optional(),
    /** The issue's title as GitHub has it (the bot may only know the number). */
    title: z.string().max(500).optional(),
    /** When the task started running on the runner (ms since epoch). */
    startedAt: z.number().optional(),
    /** Tokens the task's agents used so far (codex's running totals counted once). */
    tokens: z.object({ input: z.number().int().min(0), output: z.number().int().min(0) }).optional(),
    /** When it finished: what changed, why, decisions and follow-ups, for the channel's project memory. */
    digest: z.string().max(2000).optional(),
  });
/** A task.update as this build sends it: only milestone kinds it knows. */
export const taskUpdateFrame = taskUpdate(knownMilestoneSchema);

/** Runner → bot: the agent took up a follow-up. */
export const followUpPickedFrame = z.object({ type: z.literal('task.followup'), taskId: z.string(), followUpId: z.string() });

// Release: merges approved in Slack, the PR's state for the card, and its diff.

const shaSchema = z.string().regex(/^[0-9a-f]{40}$/, 'a full 40-character commit sha');

/** How a PR is merged; the channel's choice (`init --merge`), else squash where the repository allows it. */
export const mergeMethodSchema = z.enum(['squash', 'merge', 'rebase']);
export type MergeMethod = z.infer<typeof mergeMethodSchema>;

/** Bot → runner: a merger clicked Approve & merge (or Merge all ready) for a task's PR, pinned to the head the card showed. */
export const mergeRequestFrame = z.object({
  type: z.literal('merge.request'),
  /** Pairs the answers (merge.result) with the click. */
  requestId: z.string().max(64),
  taskId: z.string(),
  /** The PR the card showed; the runner refuses a PR that is not this task's. */
  pr: z.number().int().positive(),
  /** The head the card showed: nothing is merged at another. */
  sha: shaSchema,
  method: mergeMethodSchema.optional(),
  /** Who clicked: named in the commit message. */
  approvedBy: z.object({ id: z.string().max(32), name: z.string().max(100) }),
});

/** Bot → runner: send the task's PR state (pr.state) for its card. */
export const prAskFrame = z.object({ type: z.literal('pr.ask'), taskId: z.string() });

/** Bot → runner: the task PR's diff, for View diff. */
export const diffAskFrame = z.object({ type: z.literal('diff.ask'), requestId: z.string().max(64), taskId: z.string() });

/** Runner → bot: a task's PR as the card shows it. */
export const prStateFrame = z.object({
  type: z.literal('pr.state'),
  taskId: z.string(),
  pr: z.number().int().positive(),
  headSha: shaSchema,
  draft: z.boolean(),
  merged: z.boolean(),
  /** False when it conflicts with its base (its agent is given a turn to resolve it); null while GitHub computes it. */
  mergeable: z.boolean().nullable().optional(),
  files: z.number().int().min(0),
  additions: z.number().int().min(0),
  deletions: z.number().int().min(0),
  /** Checks and statuses of the head: counts, and the names of failing and pending required ones. */
  checks: z.object({
    passed: z.number().int().min(0),
    pending: z.number().int().min(0),
    failed: z.number().int().min(0),
    failing: z.array(z.string().max(100)).max(20),
    waitingFor: z.array(z.string().max(100)).max(20),
  }),
  /** Approving reviews the base branch requires and those given (the PR's author excluded). */
  reviews: z.object({ required: z.number().int().min(0), approved: z.number().int().min(0) }),
  /** Set when GitHub could not be read. */
  error: z.string().max(1000).optional(),
});
export type PrState = z.infer<typeof prStateFrame>;

/** What became of a merge request; `waiting` comes first for "merge when green", then one of the others. */
export const mergeOutcomeSchema = z.enum(['merged', 'waiting', 'moved', 'refused', 'gave_up']);
export type MergeOutcome = z.infer<typeof mergeOutcomeSchema>;

/** Runner → bot: the outcome of a merge.request. */
export const mergeResultFrame = z.object({
  type: z.literal('merge.result'),
  requestId: z.string().max(64),
  taskId: z.string(),
  outcome: mergeOutcomeSchema,
  /** The sha the request was pinned to. */
  sha: shaSchema,
  /** The PR's head now (moved: the new one). */
  headSha: shaSchema.optional(),
  /** The merge commit on the base branch. */
  mergeSha: shaSchema.optional(),
  /** Why it waits, was refused or given up, for people. */
  reason: z.string().max(1000).optional(),
});

/** Runner → bot: the PR's diff, redacted, then cut to fit. */
export const diffFrame = z.object({
  type: z.literal('diff'),
  requestId: z.string().max(64),
  taskId: z.string(),
  diff: z.string().max(300_000),
  /** True when the diff was cut to fit. */
  cut: z.boolean(),
  error: z.string().max(1000).optional(),
});

/** Every frame the bot sends a runner. */
export const botToRunnerSchema = z.discriminatedUnion('type', [
  noteFrame,
  issuesFindFrame,
  sentryFindFrame,
  taskStartFrame,
  taskSteerFrame,
  taskStopFrame,
  taskRetryFrame,
  taskCloseFrame,
  taskRestartFrame,
  taskAskFrame,
  mergeRequestFrame,
  prAskFrame,
  diffAskFrame,
  reportRequestFrame,
]);
export type BotToRunner = z.infer<typeof botToRunnerSchema>;

/**
 * task.start as a runner reads it: shell text in v2's `verifyCommand` is kept, never to run it
 * but to refuse the task, where dropping the field would verify other than the channel asked.
 */
const taskStartReceived = taskStartFrame.extend({ verifyCommand: z.unknown().optional() });

/** Every frame the bot sends a runner, as the runner accepts them. */
export const botToRunnerReceivedSchema = z.discriminatedUnion('type', [
  noteFrame,
  issuesFindFrame,
  sentryFindFrame,
  taskStartReceived,
  taskSteerFrame,
  taskStopFrame,
  taskRetryFrame,
  taskCloseFrame,
  taskRestartFrame,
  taskAskFrame,
  mergeRequestFrame,
  prAskFrame,
  diffAskFrame,
  reportRequestFrame,
]);
export type BotToRunnerReceived = z.infer<typeof botToRunnerReceivedSchema>;
export type TaskStartReceived = Extract<BotToRunnerReceived, { type: 'task.start' }>;

/** Runner → bot frames other than task.update, which exists in two strictnesses. */
const runnerToBotFrames = [
  runnerStatusFrame,
  noteFrame,
  issuesFoundFrame,
  sentryFoundFrame,
  taskSummaryFrame,
  followUpPickedFrame,
  prStateFrame,
  mergeResultFrame,
  diffFrame,
  reportResultFrame,
] as const;

/** Every frame a runner sends the bot, as this build sends them. */
export const runnerToBotSchema = z.discriminatedUnion('type', [...runnerToBotFrames, taskUpdateFrame]);
export type RunnerToBot = z.infer<typeof runnerToBotSchema>;

/** Every frame a runner sends the bot, as the bot accepts them: milestones of a newer runner included. */
export const runnerToBotReceivedSchema = z.discriminatedUnion('type', [...runnerToBotFrames, taskUpdate(milestoneSchema)]);
export type RunnerToBotReceived = z.output<typeof runnerToBotReceivedSchema>;
export type TaskUpdateReceived = Extract<RunnerToBotReceived, { type: 'task.update' }>;
export type IssueQuery = z.infer<typeof issueQuerySchema>;
export type MergeRequest = z.infer<typeof mergeRequestFrame>;
export type MergeResult = z.infer<typeof mergeResultFrame>;
export type SentryIssueFound = z.infer<typeof sentryIssueFoundSchema>;

/** What one side does with each frame type it receives: one handler per type, none forgotten. */
export type FrameHandlers<F extends { type: string }, Args extends unknown[] = []> = {
  [T in F['type']]: (frame: Extract<F, { type: T }>, ...args: Args) => void;
};

/** Calls the frame's handler from a complete handler map. */
export function dispatchFrame<F extends { type: string }, Args extends unknown[]>(handlers: FrameHandlers<F, Args>, frame: F, ...args: Args): void {
  // The map is complete by its type; TypeScript cannot correlate a union's member with its handler.
  const handler = handlers[frame.type as F['type']] as (frame: F, ...args: Args) => void;
  handler(frame, ...args);
}

// ---------------------------------------------------------------------------------------------
// Link frames: the envelope that carries application frames with delivery guarantees.

/** A runner's last check of its setup: whether all passed, when, and what is broken (one sentence each). */
export const doctorSummarySchema = z.object({
  ok: z.boolean(),
  /** When it ran, ms since epoch. */
  at: z.number(),
  problems: z.array(z.string().max(500)).max(10),
});
export type DoctorSummary = z.infer<typeof doctorSummarySchema>;

/** Runner → bot, first frame after the upgrade. */
export const helloFrame = z.object({
  type: z.literal('hello'),
  /** Protocol version the runner speaks. */
  protocol: z.number().int().positive(),
  /** The runner's name, as paired. */
  runner: runnerNameSchema,
  /** Tasks it will run at once. */
  capacity: taskCountSchema,
  /** Agent drivers it can run (codex, claude, command names). */
  agents: z.array(z.string().max(64)).max(32),
  /** Director version of the runner, for diagnostics. */
  version: z.string().max(64),
  /** The project names in its PROJECTS, so `init` is checked before it binds. Absent from older runners. */
  projects: z.array(z.string().max(100)).max(200).optional(),
  /** How its agents run: `off` (AGENT_SANDBOX=off) is shown on every card of its tasks. Absent from older runners. */
  sandbox: z.enum(['bubblewrap', 'off']).optional(),
  /** Its last `director doctor` (or start-up) check, shown by /director runners and App Home. Absent from older runners. */
  doctor: doctorSummarySchema.optional(),
  /** Highest bot → runner seq the runner has handled; the bot replays everything after it. */
  received: z.number().int().min(0),
});

/** Bot → runner, answer to an accepted hello. */
export const welcomeFrame = z.object({
  type: z.literal('welcome'),
  /** Protocol version the bot speaks (equal to the runner's). */
  protocol: z.number().int().positive(),
  /** Highest runner → bot seq the bot has handled; the runner replays everything after it. */
  received: z.number().int().min(0),
  /** Heartbeat interval the bot uses, so the runner can match it. */
  heartbeatMs: z.number().int().positive(),
});

/** Either way, then the socket closes: the connection is refused and retrying will not help. */
export const refusedFrame = z.object({
  type: z.literal('refused'),
  /** Why: an incompatible protocol, or a revoked runner. */
  reason: z.enum(['protocol', 'revoked', 'name_mismatch']),
  /** What the person should do, e.g. "runner speaks v2, bot speaks v1: upgrade the runner". */
  message: z.string(),
});

/** Either way: one application frame with its sequence number in this direction. */
export const dataFrame = z.object({
  type: z.literal('data'),
  /** 1, 2, 3, … per direction, never reused; survives restarts. */
  seq: z.number().int().positive(),
  /** The application frame; validated separately, so a bad body is reported with its seq. */
  body: z.unknown(),
});

/** Either way: every data frame up to `seq` was handled (cumulative). */
export const ackFrame = z.object({
  type: z.literal('ack'),
  /** Highest seq handled. */
  seq: z.number().int().min(0),
});

/** Either way: the peer sent something it could not take; the socket stays open. */
export const errorFrame = z.object({
  type: z.literal('error'),
  /** What was wrong. */
  code: z.enum(['malformed_json', 'invalid_frame', 'unknown_type', 'invalid_body', 'unexpected']),
  /** A short human explanation naming the problem. */
  message: z.string(),
  /** The seq of the data frame concerned, when there was one. */
  seq: z.number().int().optional(),
});

export const linkFrameSchema = z.discriminatedUnion('type', [helloFrame, welcomeFrame, refusedFrame, dataFrame, ackFrame, errorFrame]);
export type LinkFrame = z.infer<typeof linkFrameSchema>;
export type HelloFrame = z.infer<typeof helloFrame>;
export type WelcomeFrame = z.infer<typeof welcomeFrame>;
export type RefusedFrame = z.infer<typeof refusedFrame>;
export type ErrorFrame = z.infer<typeof errorFrame>;
export const linkFrameTypes: ReadonlySet<string> = new Set(linkFrameSchema.options.map((o) => o.shape.type.value));

/** WebSocket close codes the link uses besides the standard ones. */
export const CloseCode = {
  /** Standard: a frame was larger than MAX_FRAME_BYTES. */
  tooBig: 1009,
  /** Standard: policy violation (too many bad frames). */
  policy: 1008,
  /** The runner's token was revoked: do not reconnect. */
  revoked: 4001,
  /** Protocol versions are incompatible: do not reconnect. */
  protocol: 4002,
  /** Another connection of the same runner replaced this one. */
  replaced: 4003,
} as const;

/** The message both sides show when versions differ. */
export function versionMismatch(runner: number, bot: number): string {
  const fix = runner > bot ? 'upgrade the bot' : 'upgrade the runner';
  return `runner speaks v${runner}, bot speaks v${bot}: ${fix}`;
}
