/**
 * The one vocabulary of task states. The runner's states travel in `task.update`; the bot adds
 * two of its own for tasks that have not reached a runner yet. Every table keyed by a state is
 * typed `satisfies Record<…>`, so a new state that is not classified fails to compile.
 */
import { z } from 'zod';

/** A task's state on the runner, and on the wire. */
export const taskStateSchema = z.enum([
  'queued',
  'preparing',
  'running',
  'verifying',
  'publishing',
  'awaiting_review',
  'finished',
  'failed',
  'cancelled',
  'interrupted',
]);
export type TaskState = z.infer<typeof taskStateSchema>;

/** States only the bot knows: the task has not reached its runner yet. */
export const botOnlyStateSchema = z.enum([
  /** Over the channel's concurrency: the bot keeps the start until a slot frees. */
  'held',
  /** The runner is offline: the start is queued on the link. */
  'waiting',
]);

/** A task's state as the bot keeps it. */
export const botTaskStateSchema = z.enum([...botOnlyStateSchema.options, ...taskStateSchema.options]);
export type BotTaskState = z.infer<typeof botTaskStateSchema>;

/**
 * Where each state stands: `active` while work is under way or waiting to start (a Stop button,
 * a busy issue, a concurrency slot), `settled` when no agent runs and none will start by itself.
 */
const PHASE = {
  held: 'active',
  waiting: 'active',
  queued: 'active',
  preparing: 'active',
  running: 'active',
  verifying: 'active',
  publishing: 'active',
  awaiting_review: 'settled',
  finished: 'settled',
  failed: 'settled',
  cancelled: 'settled',
  interrupted: 'settled',
} as const satisfies Record<BotTaskState, 'active' | 'settled'>;

/** Active: under way or waiting to start. */
export function isActive(state: BotTaskState): boolean {
  return PHASE[state] === 'active';
}

/** Active states, for SQL `IN (…)` lists. */
export const activeStates: readonly BotTaskState[] = botTaskStateSchema.options.filter(isActive);

/** Runner states in which no agent process runs and none will start by itself. */
export const settledStates: ReadonlySet<TaskState> = new Set(taskStateSchema.options.filter((state) => !isActive(state)));
