/**
 * The PR feedback loop: while a task's PR is open the runner polls it (conditional requests,
 * every 60 s by default, longer when GitHub asks), keeps what is new in SQLite so a restart never
 * acts twice, drops what nobody trusted wrote, and turns the rest into one follow-up round for the
 * task's agent — one round at a time, after any person's reply, at most `maxRounds` per PR. When
 * the round's work is pushed, each addressed review thread gets "Addressed in <sha7>".
 */
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import { settledStates } from '../../shared/task-states.ts';
import { rateLimitWaitMs } from '../github/rate-limit.ts';
import type { TaskRecord, TaskStore } from '../tasks/store.ts';
import type { TaskEvent } from '../tasks/task-events.ts';
import type { FeedbackItem } from './items.ts';
import { feedbackPrompt } from './prompt.ts';
import type { PrFeedbackSource } from './source.ts';
import type { FeedbackStore } from './store.ts';
import type { Trust } from './trust.ts';

/** What the watcher needs from the task engine. */
export interface FeedbackEngine {
  /** Queues the round's prompt as a follow-up (the agent resumes when the task is settled). */
  feedback(taskId: string, prompt: string, event: TaskEvent): void;
  /** Records a step of the watcher's in the task's log (its milestone reaches the thread). */
  note(taskId: string, event: TaskEvent): void;
}

export interface FeedbackWatcherOptions {
  tasks: TaskStore;
  store: FeedbackStore;
  source: PrFeedbackSource;
  trust: Trust;
  engine: FeedbackEngine;
  /** Replies on a review thread (the runner's GitHub client). */
  reply: (repo: string, prNumber: number, threadId: number, body: string) => Promise<void>;
  /** owner/name of a task's project. */
  repoOf: (task: TaskRecord) => string | undefined;
  clock: Clock;
  log: Logger;
  /** Between polls of all PRs (default 60 s). */
  intervalMs?: number;
  /** Automatic rounds per PR before the thread asks the starter (default 3). */
  maxRounds?: number;
}

export class FeedbackWatcher {
  /** PRs seen closed or merged: no longer polled (until a restart, when one 304-cheap look tells again). */
  private readonly closed = new Set<string>();

  constructor(private readonly options: FeedbackWatcherOptions) {}

  /** Polls until the signal aborts; a rate limit stretches the wait to GitHub's reset. */
  async run(signal: AbortSignal): Promise<void> {
    const { clock, log, intervalMs = 60_000 } = this.options;
    while (!signal.aborted) {
      let waitMs = intervalMs;
      try {
        await this.pollOnce();
      } catch (error) {
        const limited = rateLimitWaitMs(error, clock.now());
        if (limited !== undefined) waitMs = Math.max(intervalMs, limited);
        log.warn({ err: error, waitMs }, 'polling PR feedback failed; trying again later');
      }
      await clock.sleep(waitMs, signal).catch(() => undefined);
    }
  }

  /** One look at every watched PR. A rate limit stops the pass (and is thrown to `run`). */
  async pollOnce(): Promise<void> {
    for (const task of this.watched()) {
      const repo = this.options.repoOf(task);
      if (!repo || task.pr_number === null) continue;
      try {
        await this.pollTask(task, repo, task.pr_number);
      } catch (error) {
        if (rateLimitWaitMs(error, this.options.clock.now()) !== undefined) throw error;
        this.options.log.warn({ err: error, task: task.id }, 'polling one PR failed');
      }
    }
  }

  /** The engine's changes: a round's push gets its replies and its thread line; a round that ended otherwise is closed. */
  onChange(task: TaskRecord, event?: TaskEvent): void {
    const running = this.options.store.rounds(task.id).find((r) => r.state === 'running');
    if (!running) return;
    if (event?.type === 'published') {
      void this.addressed(task, running.round, event.headSha).catch((error: unknown) =>
        this.options.log.warn({ err: error, task: task.id }, 'replying on review threads failed'),
      );
      return;
    }
    // Failed, stopped, or finished with nothing to push: the round is over without replies.
    if (!event && ['failed', 'cancelled', 'interrupted', 'finished'].includes(task.state)) this.options.store.endRound(task.id, running.round);
  }

  private watched(): TaskRecord[] {
    return this.options.tasks.all().filter((t) => t.pr_number !== null && t.feedback !== 'off' && t.state !== 'cancelled' && !this.closed.has(t.id));
  }

  private async pollTask(task: TaskRecord, repo: string, prNumber: number): Promise<void> {
    const { store, source, trust, clock } = this.options;
    const polled = await source.poll({ taskId: task.id, repo, prNumber });
    if (!polled.open) this.closed.add(task.id);
    const self = await trust.login();
    // Decide every new item first (GitHub calls), then record them with the ETags in one transaction.
    const decided: { item: FeedbackItem; status: 'pending' | 'ignored' }[] = [];
    for (const item of polled.items) {
      if (store.known(task.id, item)) continue;
      if (item.kind === 'check') {
        const details = item.id.startsWith('status:')
          ? { annotations: [], logTail: item.logTail }
          : await source.details(repo, Number(item.id), item.author === 'github-actions');
        decided.push({ item: { ...item, ...details }, status: 'pending' });
        continue;
      }
      const counts = item.author !== self && (await trust.trusted(repo, item.author));
      decided.push({ item, status: counts ? 'pending' : 'ignored' });
    }
    store.transaction(() => {
      for (const { item, status } of decided) store.see(task.id, item, status, clock.now());
      for (const [url, etag] of polled.etags) store.setEtag(task.id, url, etag);
    });
    if (polled.open) this.maybeStartRound(task.id, prNumber);
  }

  /** A round starts only when the task is settled, no person's reply waits, and no round runs. */
  private maybeStartRound(taskId: string, prNumber: number): void {
    const { store, tasks, engine, clock, maxRounds = 3 } = this.options;
    const task = tasks.require(taskId);
    const pending = store.items(taskId, 'pending');
    if (pending.length === 0 || !settledStates.has(task.state) || tasks.pendingFollowUps(taskId).length > 0) return;
    const rounds = store.rounds(taskId);
    if (rounds.some((r) => r.state === 'running')) return;
    const from = [...new Set(pending.map((i) => (i.kind === 'check' ? i.name : i.author)))];
    const next = rounds.length + 1;
    if (task.feedback === 'ask' || rounds.filter((r) => r.state !== 'capped').length >= maxRounds) {
      const capped = task.feedback !== 'ask';
      store.transaction(() => (capped ? store.cap(taskId, next, clock.now()) : store.hold(taskId)));
      const why = capped ? `Director already made ${maxRounds} automatic round(s) on it` : 'this channel asks before addressing review feedback';
      engine.note(taskId, {
        type: 'question',
        text: `PR #${prNumber} has ${pending.length} new piece(s) of feedback from ${from.map((f) => `@${f}`).join(', ')}, but ${why}. Reply in this thread to have the agent address them (quote what to do)?`,
      });
      return;
    }
    store.transaction(() => store.startRound(taskId, next, clock.now()));
    engine.feedback(taskId, feedbackPrompt(prNumber, pending), { type: 'feedback_round', count: pending.length, from, round: next });
  }

  private async addressed(task: TaskRecord, round: number, headSha: string): Promise<void> {
    const { store, engine, reply, repoOf } = this.options;
    store.endRound(task.id, round);
    const items = store.roundItems(task.id, round);
    const repo = repoOf(task);
    const threads = [...new Set(items.flatMap((i) => (i.kind === 'review_comment' ? [i.threadId] : [])))];
    if (repo && task.pr_number !== null) for (const thread of threads) await reply(repo, task.pr_number, thread, `Addressed in ${headSha.slice(0, 7)}`);
    const checks = items.flatMap((i) => (i.kind === 'check' ? [i.name] : []));
    const from = [...new Set(items.flatMap((i) => (i.kind === 'check' ? [] : [i.author])))];
    engine.note(task.id, { type: 'feedback_addressed', count: items.length, from, headSha, checks });
  }
}
