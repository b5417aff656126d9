/**
 * The normalized agent event: what every driver (codex, claude, command) turns its output into.
 * Tasks, milestones and the event log work only with these, never with a vendor's raw lines.
 */
import { z } from 'zod';

/** The agent said something to the human (a progress note or its final summary). */
export const agentMessageEvent = z.object({ type: z.literal('agent_message'), text: z.string() });
/** A line a command agent printed: evidence for the log, never shown to people (it may be anything). */
export const outputEvent = z.object({ type: z.literal('output'), text: z.string() });
/** A summary of the agent's reasoning. */
export const reasoningEvent = z.object({ type: z.literal('reasoning'), text: z.string() });
/** The agent's plan or todo list, replacing any earlier one. */
export const planEvent = z.object({
  type: z.literal('plan'),
  /** Steps in order, with whether each is done. */
  steps: z.array(z.object({ text: z.string(), done: z.boolean() })),
});
/** A shell command began. */
export const commandStartedEvent = z.object({
  type: z.literal('command_started'),
  /** Stable within a session, to pair with command_finished. */
  id: z.string(),
  command: z.string(),
});
/** A shell command ended. */
export const commandFinishedEvent = z.object({
  type: z.literal('command_finished'),
  id: z.string(),
  command: z.string(),
  /** null when the agent could not tell (declined, killed). */
  exitCode: z.number().int().nullable(),
  /** The tail of its output, for evidence; never sent to Slack raw. */
  output: z.string(),
});
/** Files the agent added, changed or deleted. */
export const fileChangedEvent = z.object({
  type: z.literal('file_changed'),
  changes: z.array(z.object({ path: z.string(), kind: z.enum(['add', 'update', 'delete']) })),
});
/** The agent needs a person to answer before it can go on. */
export const questionEvent = z.object({ type: z.literal('question'), text: z.string() });
/** Tokens used: codex reports running totals for the whole thread (also across resumes); claude per run. */
export const usageEvent = z.object({
  type: z.literal('usage'),
  inputTokens: z.number().int().min(0),
  cachedInputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  /** Running totals of the session (codex), not this run's own (claude). */
  cumulative: z.boolean().optional(),
});
/** The session is known: its id resumes it later. */
export const sessionStartedEvent = z.object({ type: z.literal('session_started'), sessionId: z.string() });
/** The agent's turn ended normally; `summary` is its last message if it gave one. */
export const turnFinishedEvent = z.object({ type: z.literal('turn_finished'), summary: z.string().optional() });
/** Something failed; `fatal` when the turn cannot go on. */
export const errorEvent = z.object({
  type: z.literal('error'),
  message: z.string(),
  fatal: z.boolean(),
  /** The agent reported its context window as exhausted. */
  contextExhausted: z.boolean().optional(),
});

export const agentEventSchema = z.discriminatedUnion('type', [
  agentMessageEvent,
  outputEvent,
  reasoningEvent,
  planEvent,
  commandStartedEvent,
  commandFinishedEvent,
  fileChangedEvent,
  questionEvent,
  usageEvent,
  sessionStartedEvent,
  turnFinishedEvent,
  errorEvent,
]);
export type AgentEvent = z.infer<typeof agentEventSchema>;
