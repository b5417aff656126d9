import { z } from 'zod';
import type { Db } from '../../shared/db/open.ts';
import { parseRow } from '../../shared/db/rows.ts';
import type { TaskRecord, TaskStore } from '../tasks/store.ts';
import type { TaskEvent } from '../tasks/task-events.ts';
import { taskDigest } from './digest.ts';
import { foldEvent } from './fold.ts';
import { goalOf, renderSummary, SUMMARY_BUDGET, type RenderOptions, type SummaryHeader } from './render.ts';
import { contextStateSchema, emptyContext, type ContextState } from './state.ts';

/** Folded states kept in memory, for the tasks that are logging now. */
const CACHED_TASKS = 64;

/** What the summary says about a task from its record. */
export function headerOf(task: TaskRecord): SummaryHeader {
  const title =
    task.input.kind === 'issue'
      ? `${task.title} (#${task.input.issue.number})`
      : task.input.kind === 'sentry'
        ? `${task.title} (${task.input.issue.shortId})`
        : task.title;
  return {
    title,
    goal: goalOf(task.input),
    state: task.state,
    ...(task.branch && { branch: task.branch }),
    ...(task.pr_number !== null && task.pr_url && { pr: { number: task.pr_number, url: task.pr_url } }),
    ...(task.error && { error: task.error }),
  };
}

/**
 * Every task's event log and its compacted context: events are appended and folded into the
 * task's bounded state in the same transaction, so the stored summary always matches the log
 * and no update ever re-reads it.
 */
export class ContextKeeper {
  private readonly cache = new Map<string, ContextState>();
  private readonly s;

  constructor(
    private readonly db: Db,
    private readonly tasks: TaskStore,
    private readonly budget = SUMMARY_BUDGET,
  ) {
    this.s = {
      load: db.prepare('SELECT state FROM task_context WHERE task_id = ?'),
      save: db.prepare(
        `INSERT INTO task_context (task_id, state, summary, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (task_id) DO UPDATE SET state = excluded.state, summary = excluded.summary, updated_at = excluded.updated_at`,
      ),
      summary: db.prepare('SELECT summary FROM task_context WHERE task_id = ?'),
      refresh: db.prepare('UPDATE task_context SET summary = ?, updated_at = ? WHERE task_id = ?'),
    };
  }

  /** Appends events to the task's log and folds them into its context, in one transaction. */
  append(taskId: string, events: readonly { at: number; event: TaskEvent }[]): void {
    if (events.length === 0) return;
    try {
      this.db.transaction(() => {
        this.tasks.appendEvents(taskId, events);
        const state = this.load(taskId);
        for (const { event } of events) foldEvent(state, event);
        const last = events[events.length - 1]?.at ?? 0;
        this.s.save.run(taskId, JSON.stringify(state), renderSummary(state, headerOf(this.tasks.require(taskId)), { budget: this.budget }), last);
      })();
    } catch (error) {
      // The transaction rolled back: the cached state has folded events the log does not hold.
      this.cache.delete(taskId);
      throw error;
    }
  }

  /** Stores the summary again after a change of the task's record (its state, error, PR); the folded state is unchanged. */
  refresh(taskId: string, now: number): void {
    this.s.refresh.run(this.summary(taskId), now, taskId);
  }

  /** The task's summary as of now (its record's state, branch and PR included). */
  summary(taskId: string, options: RenderOptions = {}): string {
    return renderSummary(this.load(taskId), headerOf(this.tasks.require(taskId)), { budget: this.budget, ...options });
  }

  /** The summary stored with the last append (what a restarted runner finds). */
  storedSummary(taskId: string): string | undefined {
    return parseRow(z.object({ summary: z.string() }), this.s.summary.get(taskId))?.summary;
  }

  /** What the finished task leaves for the channel's project memory. */
  digest(taskId: string): string {
    return taskDigest(this.tasks.require(taskId), this.load(taskId));
  }

  /** A copy of the folded context. */
  state(taskId: string): ContextState {
    return structuredClone(this.load(taskId));
  }

  /** The context folded again from the whole stored log (for checks; the keeper never needs it). */
  fromScratch(taskId: string): ContextState {
    const state = emptyContext();
    for (const event of this.tasks.events(taskId)) foldEvent(state, event);
    return state;
  }

  private load(taskId: string): ContextState {
    let state = this.cache.get(taskId);
    if (state) {
      // Most recently used last.
      this.cache.delete(taskId);
    } else {
      const row = parseRow(z.object({ state: z.string() }), this.s.load.get(taskId));
      state = row ? contextStateSchema.parse(JSON.parse(row.state)) : emptyContext();
    }
    this.cache.set(taskId, state);
    if (this.cache.size > CACHED_TASKS) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return state;
  }
}
