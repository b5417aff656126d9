import { z } from 'zod';
import type { Db } from '../../shared/db/open.ts';
import { parseRow, parseRows } from '../../shared/db/rows.ts';
import { settledStates, taskStateSchema, type TaskState } from '../../shared/task-states.ts';
import { taskEventSchema, type TaskEvent } from './task-events.ts';
import type { TaskInput } from '../agents/prompt.ts';

const taskInputSchema: z.ZodType<TaskInput> = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('issue'),
    repo: z.string(),
    issue: z.object({
      number: z.number(),
      title: z.string(),
      body: z.string(),
      labels: z.array(z.string()),
      comments: z.array(z.object({ author: z.string(), body: z.string() })),
    }),
  }),
  z.object({ kind: z.literal('request'), text: z.string(), requestedBy: z.string() }),
  z.object({
    kind: z.literal('sentry'),
    repo: z.string(),
    issue: z.object({
      id: z.string(),
      shortId: z.string(),
      title: z.string(),
      culprit: z.string(),
      level: z.string(),
      events: z.string(),
      users: z.number(),
      firstSeen: z.string(),
      lastSeen: z.string(),
      permalink: z.string(),
      stack: z.string(),
      breadcrumbs: z.string(),
    }),
  }),
]);

const taskRow = z.object({
  id: z.string(),
  seq: z.number(),
  project: z.string(),
  agent: z.string(),
  title: z.string(),
  input: z.string().transform((s) => taskInputSchema.parse(JSON.parse(s))),
  state: taskStateSchema,
  branch: z.string().nullable(),
  worktree: z.string().nullable(),
  session_id: z.string().nullable(),
  run_id: z.string().nullable(),
  runs: z.number(),
  summary: z.string().nullable(),
  error: z.string().nullable(),
  pr_number: z.number().nullable(),
  pr_url: z.string().nullable(),
  /** The channel's choice among the project's verifyCommands, by name; null for the project's default. */
  verify: z.string().nullable(),
  /** What the channel's project memory says that is relevant to this task (from the bot). */
  memory: z.string().nullable(),
  /** The channel's `--review` choice (an agent name or kind, or off); null for the default reviewer. */
  review: z.string().nullable(),
  /** The channel's `--feedback` choice for the open PR (auto, ask, off); null for auto. */
  feedback: z.enum(['auto', 'ask', 'off']).nullable(),
  /** When the raw events of this (settled) task were removed by the retention policy. */
  events_pruned_at: z.number().nullable(),
  created_at: z.number(),
  updated_at: z.number(),
});
export type TaskRecord = z.output<typeof taskRow>;

const followUpRow = z.object({
  id: z.number(),
  task_id: z.string(),
  text: z.string(),
  author: z.string(),
  external_id: z.string().nullable(),
  /** null: a person's reply; `pr_feedback`: a prompt the runner made from PR feedback (its untrusted parts already fenced). */
  kind: z.enum(['pr_feedback']).nullable(),
});
export type FollowUp = z.output<typeof followUpRow>;

/** What a new task needs. */
export interface NewTask {
  id: string;
  project: string;
  agent: string;
  title: string;
  input: TaskInput;
  /** A name among the project's verifyCommands, already checked against them. */
  verify?: string;
  memory?: string;
  /** The channel's reviewer choice (see runner/review/drivers.ts). */
  review?: string;
  feedback?: 'auto' | 'ask' | 'off';
}

/** What a state change may also record: why it failed or stopped, and the agent's summary. */
export interface StateDetails {
  error?: string;
  summary?: string;
}

/** Tasks, their follow-ups and their event log in the runner's SQLite. */
export class TaskStore {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO tasks (id, seq, project, agent, title, input, state, verify, memory, review, feedback, created_at, updated_at)
         VALUES (@id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM tasks), @project, @agent, @title, @input, 'queued', @verify, @memory, @review, @feedback, @now, @now)`,
      ),
      get: db.prepare('SELECT * FROM tasks WHERE id = ?'),
      inStates: db.prepare('SELECT * FROM tasks WHERE state IN (SELECT value FROM json_each(?)) ORDER BY seq'),
      all: db.prepare('SELECT * FROM tasks ORDER BY seq'),
      setState: db.prepare('UPDATE tasks SET state = @state, error = @error, summary = COALESCE(@summary, summary), updated_at = @now WHERE id = @id'),
      setWorktree: db.prepare('UPDATE tasks SET branch = ?, worktree = ?, updated_at = ? WHERE id = ?'),
      clearWorktree: db.prepare('UPDATE tasks SET worktree = NULL, updated_at = ? WHERE id = ?'),
      setPull: db.prepare('UPDATE tasks SET pr_number = ?, pr_url = ?, updated_at = ? WHERE id = ?'),
      setSession: db.prepare('UPDATE tasks SET session_id = ?, updated_at = ? WHERE id = ?'),
      clearSession: db.prepare('UPDATE tasks SET session_id = NULL, updated_at = ? WHERE id = ?'),
      startRun: db.prepare('UPDATE tasks SET run_id = ?, runs = runs + 1, state = ?, error = NULL, events_pruned_at = NULL, updated_at = ? WHERE id = ?'),
      addFollowUp: db.prepare('INSERT INTO task_followups (task_id, text, author, created_at, external_id, kind) VALUES (?, ?, ?, ?, ?, ?)'),
      pendingFollowUps: db.prepare(
        'SELECT id, task_id, text, author, external_id, kind FROM task_followups WHERE task_id = ? AND picked_at IS NULL ORDER BY id',
      ),
      setInput: db.prepare('UPDATE tasks SET input = ?, updated_at = ? WHERE id = ?'),
      pickFollowUps: db.prepare('UPDATE task_followups SET picked_at = ? WHERE task_id = ? AND picked_at IS NULL AND id <= ?'),
      addEvent: db.prepare('INSERT INTO task_events (task_id, at, event) VALUES (?, ?, ?)'),
      events: db.prepare('SELECT event FROM task_events WHERE task_id = ? ORDER BY id'),
      prunable: db.prepare(`SELECT id FROM tasks WHERE state IN (SELECT value FROM json_each(?)) AND updated_at < ? AND events_pruned_at IS NULL`),
      deleteEvents: db.prepare('DELETE FROM task_events WHERE task_id = ?'),
      markPruned: db.prepare('UPDATE tasks SET events_pruned_at = ? WHERE id = ?'),
    };
  }

  create(task: NewTask, now: number): TaskRecord {
    const { verify, memory, review, feedback, ...rest } = task;
    this.s.insert.run({
      ...rest,
      input: JSON.stringify(task.input),
      verify: verify ?? null,
      memory: memory ?? null,
      review: review ?? null,
      feedback: feedback ?? null,
      now,
    });
    return this.require(task.id);
  }

  get(id: string): TaskRecord | undefined {
    return parseRow(taskRow, this.s.get.get(id));
  }

  require(id: string): TaskRecord {
    const task = this.get(id);
    if (!task) throw new Error(`no task ${id}`);
    return task;
  }

  inStates(states: readonly TaskState[]): TaskRecord[] {
    return parseRows(taskRow, this.s.inStates.all(JSON.stringify(states)));
  }

  all(): TaskRecord[] {
    return parseRows(taskRow, this.s.all.all());
  }

  setState(id: string, state: TaskState, now: number, details: StateDetails = {}): void {
    this.s.setState.run({ id, state, now, error: details.error ?? null, summary: details.summary ?? null });
  }

  setWorktree(id: string, branch: string, path: string, now: number): void {
    this.s.setWorktree.run(branch, path, now, id);
  }

  /** The task's worktree and local branch were removed (`runner close`); the branch name stays, for its pull request. */
  clearWorktree(id: string, now: number): void {
    this.s.clearWorktree.run(now, id);
  }

  setPull(id: string, number: number, url: string, now: number): void {
    this.s.setPull.run(number, url, now, id);
  }

  setSession(id: string, sessionId: string, now: number): void {
    this.s.setSession.run(sessionId, now, id);
  }

  /** Forgets the agent session: the next turn starts a fresh one (after its context ran out). */
  clearSession(id: string, now: number): void {
    this.s.clearSession.run(now, id);
  }

  /** Records a new agent process run; its id marks every process it starts. */
  startRun(id: string, runId: string, now: number): void {
    this.s.startRun.run(runId, 'running', now, id);
  }

  addFollowUp(taskId: string, text: string, author: string, now: number, externalId?: string, kind?: 'pr_feedback'): number {
    return Number(this.s.addFollowUp.run(taskId, text, author, now, externalId ?? null, kind ?? null).lastInsertRowid);
  }

  setInput(id: string, input: TaskInput, now: number): void {
    this.s.setInput.run(JSON.stringify(input), now, id);
  }

  pendingFollowUps(taskId: string): FollowUp[] {
    return parseRows(followUpRow, this.s.pendingFollowUps.all(taskId));
  }

  /** Marks follow-ups up to `upToId` as handed to the agent. */
  pickFollowUps(taskId: string, upToId: number, now: number): void {
    this.s.pickFollowUps.run(now, taskId, upToId);
  }

  /** Appends events in one transaction (the engine batches them). */
  appendEvents(taskId: string, events: readonly { at: number; event: TaskEvent }[]): void {
    this.db.transaction(() => {
      for (const { at, event } of events) this.s.addEvent.run(taskId, at, JSON.stringify(event));
    })();
  }

  /**
   * The retention policy: raw events of tasks settled before `before` are deleted (their folded
   * summary stays). Returns the tasks pruned. A task that runs again keeps logging afresh.
   */
  pruneEvents(before: number, now: number): string[] {
    return this.db.transaction(() => {
      const ids = parseRows(z.object({ id: z.string() }), this.s.prunable.all(JSON.stringify([...settledStates]), before)).map((r) => r.id);
      for (const id of ids) {
        this.s.deleteEvents.run(id);
        this.s.markPruned.run(now, id);
      }
      return ids;
    })();
  }

  events(taskId: string): TaskEvent[] {
    return parseRows(z.object({ event: z.string() }), this.s.events.all(taskId)).map((r) => taskEventSchema.parse(JSON.parse(r.event)));
  }
}
