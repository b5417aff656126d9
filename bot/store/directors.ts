import { z } from 'zod';
import type { Db } from '../../shared/db/open.ts';
import { parseRow, parseRows } from '../../shared/db/rows.ts';
import { activeStates, botTaskStateSchema, type BotTaskState } from '../../shared/task-states.ts';

const taskRow = z.object({
  id: z.string(),
  channel: z.string(),
  runner_id: z.string(),
  issue_number: z.number().nullable(),
  title: z.string(),
  url: z.string().nullable(),
  agent: z.string().nullable(),
  state: botTaskStateSchema,
  starter: z.string(),
  batch_id: z.string().nullable(),
  pr_url: z.string().nullable(),
  milestone: z.string().nullable(),
  /** For a held task: the task.start frame to send when a slot frees up. */
  start_frame: z.string().nullable(),
  /** The Sentry issue id the task fixes. */
  sentry_issue: z.string().nullable(),
  started_at: z.number().nullable(),
  created_at: z.number(),
  /** The task's number in its channel: people type `t3` for it. */
  handle: z.number(),
  /** When the runner last said anything of the task (ms). */
  last_activity_at: z.number().nullable(),
  /** The agent's plan as the card shows it (JSON of `{text, done}[]`). */
  plan: z.string().nullable(),
  /** Tokens its agents used so far, as the runner counts them. */
  tokens_in: z.number().nullable(),
  tokens_out: z.number().nullable(),
});
/** The bot's record of a task: what its card shows. */
export type BotTask = z.output<typeof taskRow>;

/** A handle as people type it (`t3`, `T3`): its number; ids (`t` and ten hex digits) are not handles. */
export function taskHandleNumber(ref: string): number | undefined {
  const digits = /^t(\d{1,9})$/i.exec(ref.trim())?.[1];
  return digits === undefined ? undefined : Number(digits);
}

/** How a task is named to people. */
export const handleOf = (task: Pick<BotTask, 'handle'>) => `t${task.handle}`;

/** Active states of tasks that have left the bot's hold: queued on the link or on the runner, or running. */
const ON_RUNNER = activeStates.filter((s) => s !== 'held');

/** Tasks, batches and follow-ups of every channel's Director. */
export class DirectorStore {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      held: db.prepare("SELECT * FROM tasks WHERE channel = ? AND state = 'held' ORDER BY created_at, rowid"),
      running: db.prepare(`SELECT COUNT(*) AS n FROM tasks WHERE channel = ? AND state IN (${ON_RUNNER.map(() => '?').join(', ')})`),
      release: db.prepare("UPDATE tasks SET state = 'queued', start_frame = NULL, updated_at = ? WHERE id = ? AND state = 'held'"),
      addTask: db.prepare(
        `INSERT INTO tasks (id, channel, runner_id, issue_number, title, url, agent, state, starter, batch_id, start_frame, sentry_issue, created_at, updated_at, handle)
         VALUES (@id, @channel, @runner_id, @issue_number, @title, @url, @agent, @state, @starter, @batch_id, @start_frame, @sentry_issue, @now, @now,
           (SELECT COALESCE(MAX(handle), 0) + 1 FROM tasks WHERE channel = @channel))`,
      ),
      task: db.prepare('SELECT * FROM tasks WHERE id = ?'),
      byHandle: db.prepare('SELECT * FROM tasks WHERE channel = ? AND handle = ?'),
      tasks: db.prepare('SELECT * FROM tasks WHERE channel = ? ORDER BY created_at, rowid'),
      batchTasks: db.prepare('SELECT * FROM tasks WHERE batch_id = ? ORDER BY created_at, rowid'),
      activeIssues: db.prepare(
        `SELECT issue_number FROM tasks WHERE channel = ? AND issue_number IS NOT NULL AND state IN (${activeStates.map(() => '?').join(', ')})`,
      ),
      activeSentry: db.prepare(
        `SELECT sentry_issue FROM tasks WHERE channel = ? AND sentry_issue IS NOT NULL AND state IN (${activeStates.map(() => '?').join(', ')})`,
      ),
      update: db.prepare(
        `UPDATE tasks SET state = @state, title = COALESCE(@title, title), agent = COALESCE(@agent, agent), pr_url = COALESCE(@pr_url, pr_url),
         milestone = COALESCE(@milestone, milestone), plan = COALESCE(@plan, plan), started_at = COALESCE(started_at, @started_at),
         last_activity_at = COALESCE(@activity, last_activity_at), tokens_in = COALESCE(@tokens_in, tokens_in),
         tokens_out = COALESCE(@tokens_out, tokens_out), updated_at = @now WHERE id = @id`,
      ),
      addBatch: db.prepare('INSERT INTO batches (id, channel, title, created_by, created_at) VALUES (?, ?, ?, ?, ?)'),
      batchTitle: db.prepare('SELECT title FROM batches WHERE id = ?'),
      addFollowUp: db.prepare('INSERT INTO followups (id, task_id, channel, message_ts) VALUES (?, ?, ?, ?)'),
      followUp: db.prepare('SELECT id, task_id, channel, message_ts, picked FROM followups WHERE id = ?'),
      // Only the task's own runner picks up its follow-ups.
      pick: db.prepare('UPDATE followups SET picked = 1 WHERE id = ? AND picked = 0 AND task_id IN (SELECT id FROM tasks WHERE runner_id = ?)'),
    };
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  addTask(
    task: {
      id: string;
      channel: string;
      runner_id: string;
      issue_number: number | null;
      title: string;
      url: string | null;
      agent: string | null;
      state: BotTaskState;
      starter: string;
      batch_id: string | null;
      start_frame: string | null;
      sentry_issue?: string | null;
    },
    now: number,
  ): void {
    this.s.addTask.run({ ...task, sentry_issue: task.sentry_issue ?? null, now });
  }

  /** Tasks waiting for a free slot of the channel, oldest first. */
  heldTasks(channel: string): BotTask[] {
    return parseRows(taskRow, this.s.held.all(channel));
  }

  /** Tasks of the channel on the runner now (queued there or running). */
  runningCount(channel: string): number {
    return z.object({ n: z.number() }).parse(this.s.running.get(channel, ...ON_RUNNER)).n;
  }

  /** Moves a held task to the runner's queue; true if it was held. */
  release(id: string, now: number): boolean {
    return this.s.release.run(now, id).changes === 1;
  }

  task(id: string): BotTask | undefined {
    return parseRow(taskRow, this.s.task.get(id));
  }

  /** A task of the channel by what a person typed: its handle (`t3`) or its id (`t56aeb03442`). */
  taskByRef(channel: string, ref: string): BotTask | undefined {
    const handle = taskHandleNumber(ref);
    const task = handle === undefined ? this.task(ref) : parseRow(taskRow, this.s.byHandle.get(channel, handle));
    return task?.channel === channel ? task : undefined;
  }

  tasks(channel: string): BotTask[] {
    return parseRows(taskRow, this.s.tasks.all(channel));
  }

  batchTasks(batchId: string): BotTask[] {
    return parseRows(taskRow, this.s.batchTasks.all(batchId));
  }

  activeIssueNumbers(channel: string): number[] {
    return parseRows(z.object({ issue_number: z.number() }), this.s.activeIssues.all(channel, ...activeStates)).map((r) => r.issue_number);
  }

  /** Sentry issue ids with an active task in the channel. */
  activeSentryIssues(channel: string): string[] {
    return parseRows(z.object({ sentry_issue: z.string() }), this.s.activeSentry.all(channel, ...activeStates)).map((r) => r.sentry_issue);
  }

  updateTask(
    id: string,
    update: {
      state: BotTaskState;
      title?: string;
      agent?: string;
      pr_url?: string;
      milestone?: string;
      started_at?: number;
      /** The runner spoke of the task at this time. */
      activity?: number;
      /** JSON of the plan's steps. */
      plan?: string;
      tokens?: { input: number; output: number };
    },
    now: number,
  ): void {
    this.s.update.run({
      id,
      state: update.state,
      title: update.title ?? null,
      agent: update.agent ?? null,
      pr_url: update.pr_url ?? null,
      milestone: update.milestone ?? null,
      started_at: update.started_at ?? null,
      activity: update.activity ?? null,
      plan: update.plan ?? null,
      tokens_in: update.tokens?.input ?? null,
      tokens_out: update.tokens?.output ?? null,
      now,
    });
  }

  addBatch(id: string, channel: string, title: string, user: string, now: number): void {
    this.s.addBatch.run(id, channel, title, user, now);
  }

  batchTitle(id: string): string | undefined {
    return parseRow(z.object({ title: z.string() }), this.s.batchTitle.get(id))?.title;
  }

  addFollowUp(id: string, taskId: string, channel: string, messageTs: string): void {
    this.s.addFollowUp.run(id, taskId, channel, messageTs);
  }

  /** Marks a follow-up picked up by `runnerId`; returns it the first time only, and only to the task's runner. */
  pickFollowUp(id: string, runnerId: string): { task_id: string; channel: string; message_ts: string } | undefined {
    if (this.s.pick.run(id, runnerId).changes !== 1) return undefined;
    return parseRow(z.object({ task_id: z.string(), channel: z.string(), message_ts: z.string() }), this.s.followUp.get(id));
  }
}
