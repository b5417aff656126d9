import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import type { AgentDriver } from '../agents/driver.ts';
import type { Redactor } from '../../shared/redact.ts';
import { redactDeep } from '../../shared/redact-stream.ts';
import type { ContextKeeper } from '../context/keeper.ts';
import type { TaskInput } from '../agents/prompt.ts';
import type { AgentRun } from '../process/spawn.ts';
import { taskBranch, type Worktrees } from '../worktrees.ts';
import type { EngineProject } from './project.ts';
import { newTaskId } from './ids.ts';
import type { TurnOutcome } from './outcome.ts';
import { recoverTasks } from './recovery.ts';
import { settledStates, type TaskState } from '../../shared/task-states.ts';
import type { NewTask, StateDetails, TaskRecord, TaskStore } from './store.ts';
import type { RestartReason, TaskEvent } from './task-events.ts';
import { runTurn } from './turn.ts';
import type { Sandbox } from '../sandbox/sandbox.ts';
import { verifyAndPublish, type Publish, type Verify } from './verify-and-publish.ts';
import type { Review } from '../review/reviewer.ts';

export interface TaskEngineOptions {
  store: TaskStore;
  /** The event log and each task's compacted summary. */
  context: ContextKeeper;
  /** The summary that seeds a fresh session (default: the deterministic one). */
  summarise?: (taskId: string) => Promise<string>;
  /** Fresh sessions started by themselves per task run (context exhausted, session died) before it fails (default 2). */
  autoRestarts?: number;
  worktrees: Worktrees;
  projects: ReadonlyMap<string, EngineProject>;
  drivers: ReadonlyMap<string, AgentDriver>;
  /** The agents' environment, already without runner secrets. */
  agentEnv: Record<string, string>;
  /** Around every agent process (the runner always passes one; see runner/sandbox/). */
  sandbox?: Sandbox;
  /** Redacts agents' output before it is cut, stored or sent. */
  redact: Redactor;
  clock: Clock;
  log: Logger;
  /** Tasks running at once; the rest wait in order. */
  capacity: number;
  /** Between SIGTERM and SIGKILL when stopping an agent. */
  graceMs?: number;
  /** Per-turn limit; a runaway agent is stopped like a cancel. */
  timeLimitMs?: number;
  newId?: () => string;
  /** Every state change and event, for milestones and the link. */
  onChange?: (task: TaskRecord, event?: TaskEvent) => void;
  /** Runs the project's tests in the task's worktree; undefined when the project has none. */
  verify?: Verify;
  /** Commits, pushes and opens or updates the draft PR; 'nothing' when there is no change to publish. */
  publish?: Publish;
  /** The reviewer gate between passing tests and the PR (runner/review/). */
  review?: Review;
  /** Turns the agent gets to fix failing tests before the task fails (default 2). */
  fixupTurns?: number;
  /** Completes a task's input before its first turn (the runner reads the issue from GitHub). */
  resolveInput?: (task: TaskRecord) => Promise<TaskInput>;
  /** Follow-ups handed to the agent, by the id their sender gave them. */
  onFollowUpsPicked?: (taskId: string, externalIds: string[]) => void;
}

interface ActiveTask {
  /** The agent process of the turn under way, if one is. */
  run?: AgentRun;
  cancelled: boolean;
  /** A restart was asked for between turns: the next turn records it. */
  restartRequested?: boolean;
  done: Promise<void>;
}

/**
 * Runs tasks: a worktree each, an agent turn at a time, follow-ups resumed into the same session,
 * at most `capacity` at once, and every state kept in SQLite so a restart can recover.
 */
export class TaskEngine {
  private readonly active = new Map<string, ActiveTask>();
  private stopped = false;

  constructor(private readonly options: TaskEngineOptions) {}

  /** After a crash: ends leftover agent processes and marks their tasks interrupted. */
  async recover(): Promise<TaskRecord[]> {
    const { graceMs = 10_000 } = this.options;
    const interrupted = await recoverTasks({ ...this.options, graceMs, transition: (id, state, details) => this.transition(id, state, details) });
    this.pump();
    return interrupted;
  }

  create(task: Omit<NewTask, 'id'> & { id?: string }): TaskRecord {
    const { store, clock, newId = newTaskId } = this.options;
    const record = store.create({ ...task, id: task.id ?? newId() }, clock.now());
    this.changed(record.id);
    this.pump();
    return record;
  }

  /** A person's follow-up: waits for the running turn, or restarts a settled task with it. */
  steer(taskId: string, text: string, author: string, externalId?: string): number {
    const { store, clock } = this.options;
    const id = store.addFollowUp(taskId, text, author, clock.now(), externalId);
    this.record(taskId, { type: 'instruction', author, text });
    if (!this.active.has(taskId) && settledStates.has(store.require(taskId).state)) this.requeue(taskId);
    return id;
  }

  /** PR feedback for the agent: the runner's own prompt (its untrusted parts fenced), run like a person's follow-up. */
  feedback(taskId: string, prompt: string, event: TaskEvent): void {
    const { store, clock } = this.options;
    store.addFollowUp(taskId, prompt, 'github', clock.now(), undefined, 'pr_feedback');
    this.record(taskId, event);
    if (!this.active.has(taskId) && settledStates.has(store.require(taskId).state)) this.requeue(taskId);
  }

  /** Records a step of the runner's own (the PR watcher's) in the task's log; its milestone reaches the thread. */
  note(taskId: string, event: TaskEvent): void {
    this.record(taskId, event);
  }

  /** Continues an interrupted (or finished) task: same worktree, same session where possible. */
  resume(taskId: string): void {
    if (!this.active.has(taskId)) this.requeue(taskId);
  }

  /**
   * Kill without sentiment, restart with a summary: the agent's session ends and a fresh one starts
   * in the same worktree, its first prompt seeded with the task's summary.
   */
  async restart(taskId: string): Promise<void> {
    const { store, clock } = this.options;
    store.clearSession(taskId, clock.now());
    const active = this.active.get(taskId);
    if (active?.run) {
      // The turn ends as a restart and the task goes on with a fresh session (see runTask).
      await active.run.cancel('restart');
      return;
    }
    if (active) {
      // Preparing, verifying or publishing: the next turn, if one comes, starts fresh and says so.
      active.restartRequested = true;
      return;
    }
    this.record(taskId, { type: 'restarted', reason: 'requested' });
    this.requeue(taskId);
  }

  async cancel(taskId: string): Promise<void> {
    const active = this.active.get(taskId);
    if (active) {
      active.cancelled = true;
      await active.run?.cancel('cancel');
      await active.done;
      return;
    }
    if (this.options.store.require(taskId).state === 'queued') this.transition(taskId, 'cancelled', { error: 'cancelled before it started' });
  }

  /** Removes a settled task's worktree and branch. */
  async close(taskId: string): Promise<void> {
    const { store, worktrees, projects } = this.options;
    const task = store.require(taskId);
    if (this.active.has(taskId) || !settledStates.has(task.state)) throw new Error(`task ${taskId} is ${task.state}: stop it first`);
    const project = projects.get(task.project);
    if (project && task.worktree && task.branch) await worktrees.remove(project, { path: task.worktree, branch: task.branch });
  }

  get running(): number {
    return this.active.size;
  }

  /** Resolves when nothing runs and nothing waits (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.all([...this.active.values()].map((a) => a.done));
  }

  /** Stops starting tasks and cancels running ones (they are marked cancelled). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.active.keys()].map((id) => this.cancel(id)));
  }

  /** For a runner shutting down: ends every agent and leaves its task interrupted, to resume later. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    await Promise.all(
      [...this.active.values()].map(async (active) => {
        await active.run?.cancel('shutdown');
        await active.done;
      }),
    );
  }

  private requeue(taskId: string): void {
    this.transition(taskId, 'queued');
    this.pump();
  }

  /** Sets the task's state (and its error or summary), tells the listeners, and returns the fresh record. */
  private transition(taskId: string, state: TaskState, details?: StateDetails): TaskRecord {
    this.options.store.setState(taskId, state, this.options.clock.now(), details);
    const record = this.options.store.require(taskId);
    this.changed(taskId, undefined, record);
    return record;
  }

  private changed(taskId: string, event?: TaskEvent, record?: TaskRecord): void {
    // A state change: the stored summary's header (state, error, PR) follows it.
    if (!event) this.options.context.refresh(taskId, this.options.clock.now());
    if (this.options.onChange) this.options.onChange(record ?? this.options.store.require(taskId), event);
  }

  private pump(): void {
    if (this.stopped) return;
    for (const task of this.options.store.inStates(['queued'])) {
      if (this.active.size >= this.options.capacity) return;
      if (this.active.has(task.id)) continue;
      const entry: ActiveTask = { cancelled: false, done: Promise.resolve() };
      this.active.set(task.id, entry);
      entry.done = this.runTask(task.id)
        .catch((error: unknown) => this.fail(task.id, error))
        .finally(() => {
          this.active.delete(task.id);
          this.pump();
        });
    }
  }

  private fail(taskId: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.options.log.error({ task: taskId, err: error }, 'task failed');
    // Errors of git, GitHub or a driver may quote a URL with a token; the record is kept and sent.
    this.transition(taskId, 'failed', { error: this.options.redact(message) });
  }

  private async runTask(taskId: string): Promise<void> {
    const { store, projects, drivers, worktrees, clock } = this.options;
    let task = store.require(taskId);
    const project = projects.get(task.project);
    const driver = drivers.get(task.agent);
    if (!project) throw new Error(`this runner has no project "${task.project}": add it to the runner's config`);
    if (!driver) throw new Error(`this runner has no agent "${task.agent}": configure it, or use one of ${[...drivers.keys()].join(', ')}`);
    if (!task.worktree) {
      this.transition(taskId, 'preparing');
      if (this.options.resolveInput) store.setInput(taskId, await this.options.resolveInput(task), clock.now());
      const worktree = await worktrees.prepare(project, taskId, taskBranch(taskId, task.title));
      store.setWorktree(taskId, worktree.branch, worktree.path, clock.now());
      task = store.require(taskId);
    }
    let autoRestarts = this.options.autoRestarts ?? 2;
    for (;;) {
      if (this.active.get(taskId)?.cancelled) {
        this.transition(taskId, 'cancelled', { error: 'cancelled' });
        return;
      }
      if (this.stopped) {
        this.transition(taskId, 'interrupted', { error: 'the runner shut down before this task could go on' });
        return;
      }
      let outcome = await this.runTurn(task, project, driver);
      if (outcome.state === 'finished') outcome = await this.verifyAndPublish(store.require(taskId), project, driver, outcome);
      if (outcome.restart) {
        // A Stop or a shutdown that came while the session was being restarted wins.
        const halt = this.halted(taskId);
        if (halt) outcome = { ...halt, restart: outcome.restart };
        else if (outcome.restart === 'requested' || autoRestarts-- > 0) {
          this.freshSession(taskId, outcome.restart);
          task = store.require(taskId);
          continue;
        }
      }
      // A session that cannot go on is not resumed: the next turn starts a fresh one from the summary.
      if (outcome.restart) store.clearSession(taskId, clock.now());
      task = this.transition(taskId, outcome.state, { ...(outcome.error && { error: outcome.error }), ...(outcome.summary && { summary: outcome.summary }) });
      const pending = store.pendingFollowUps(taskId).length > 0;
      const settledOk = outcome.state === 'finished' || outcome.state === 'awaiting_review';
      if (!pending || outcome.state === 'cancelled' || outcome.state === 'interrupted') return;
      // A follow-up that arrived during a failed turn gets its own turn.
      if (!settledOk) this.transition(taskId, 'running');
    }
  }

  /** The session gives way: the next turn starts a fresh one, seeded with the summary. */
  private freshSession(taskId: string, reason: RestartReason): void {
    const { store, clock, log } = this.options;
    log.info({ task: taskId, reason }, 'restarting the agent in a fresh session from the summary');
    store.clearSession(taskId, clock.now());
    // No state notification of its own: the restarted event below carries the record to the listeners.
    store.setState(taskId, 'running', clock.now());
    this.record(taskId, { type: 'restarted', reason });
  }

  /** The tests, the fix-up turns and the draft PR after a finished turn. */
  private verifyAndPublish(task: TaskRecord, project: EngineProject, driver: AgentDriver, turn: TurnOutcome): Promise<TurnOutcome> {
    const deps = {
      ...this.options,
      transition: (id: string, state: TaskState) => this.transition(id, state),
      record: (id: string, event: TaskEvent) => this.record(id, event),
      halted: (id: string) => this.halted(id),
      fixup: (current: TaskRecord, prompt: string) => this.runTurn(current, project, driver, prompt),
    };
    return verifyAndPublish(deps, task, project, turn);
  }

  /** Set when a person cancelled the task or the runner is shutting down: stop before the next step. */
  private halted(taskId: string): TurnOutcome | undefined {
    if (this.active.get(taskId)?.cancelled) return { state: 'cancelled', error: 'cancelled' };
    if (this.stopped) return { state: 'interrupted', error: 'the runner shut down while this task was running' };
    return undefined;
  }

  private record(taskId: string, event: TaskEvent): void {
    // A person's instruction or a verification's output may carry a secret; agents' events come redacted from spawnAgent.
    this.options.context.append(taskId, [{ at: this.options.clock.now(), event: redactDeep(event, this.options.redact) }]);
    this.changed(taskId, event);
  }

  /** One agent turn, with this engine's settings; the active entry holds its process so it can be stopped. */
  private runTurn(task: TaskRecord, project: EngineProject, driver: AgentDriver, fixup?: string): Promise<TurnOutcome> {
    const { context, summarise } = this.options;
    const active = this.active.get(task.id);
    if (active?.restartRequested) {
      delete active.restartRequested;
      this.record(task.id, { type: 'restarted', reason: 'requested' });
    }
    return runTurn(
      {
        ...this.options,
        summarise: summarise ?? ((id) => Promise.resolve(context.summary(id))),
        changed: (id, event, record) => this.changed(id, event, record),
        attach: (run) => {
          const entry = this.active.get(task.id);
          if (!entry) return () => undefined;
          entry.run = run;
          // Stopped or shut down while the prompt was being made (a model summary can take a while).
          if (entry.cancelled) void run.cancel('cancel');
          else if (this.stopped) void run.cancel('shutdown');
          return () => delete entry.run;
        },
      },
      task,
      project,
      driver,
      fixup,
    );
  }
}
