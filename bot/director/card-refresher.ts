import type { Clock } from '../../shared/clock.ts';
import type { SlackOutbox } from '../slack/outbox.ts';
import type { BotTask, DirectorStore } from '../store/directors.ts';
import type { MessageBody } from '../store/slack-messages.ts';
import type { RunnerStore } from '../store/runners.ts';
import { batchCard, taskCard } from './cards.ts';

/** Card edits per task at most this often; the last one always lands. */
const CARD_EVERY_MS = 3000;

export const cardKey = (taskId: string) => `task:${taskId}:card`;
export const batchKey = (batchId: string) => `batch:${batchId}:card`;

/** Keeps task and batch cards in step with the store, editing each task's card at most every few seconds. */
export class CardRefresher {
  private readonly lastEdit = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly options: {
      store: DirectorStore;
      runners: RunnerStore;
      outbox: SlackOutbox;
      clock: Clock;
      /** Blocks other rooms add to cards (the review section of merges). */
      extra?: { task: (task: BotTask) => MessageBody['blocks']; batch: (batchId: string, tasks: BotTask[]) => MessageBody['blocks'] };
    },
  ) {}

  /** Edits the task's card now, or once the last edit is CARD_EVERY_MS old: the newest state always shows. */
  task(taskId: string): void {
    // Frames still arriving while the bot stops must not arm a timer that fires after the database closed;
    // and a pending edit covers this one: a late timer must never be orphaned by an edit made meanwhile.
    if (this.closed || this.timers.has(taskId)) return;
    const wait = (this.lastEdit.get(taskId) ?? 0) + CARD_EVERY_MS - this.options.clock.now();
    if (wait > 0) {
      this.timers.set(
        taskId,
        setTimeout(() => this.edit(taskId), wait),
      );
      return;
    }
    this.edit(taskId);
  }

  batch(batchId: string): void {
    const { store, outbox } = this.options;
    const tasks = store.batchTasks(batchId);
    const first = tasks[0];
    if (!first) return;
    void outbox
      .show(batchKey(batchId), { channel: first.channel }, batchCard(store.batchTitle(batchId) ?? 'Batch', tasks, this.options.extra?.batch(batchId, tasks)))
      .catch(() => undefined);
  }

  /** Stops the timers (shutdown). */
  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private edit(taskId: string): void {
    const { store, runners, outbox, clock } = this.options;
    this.timers.delete(taskId);
    this.lastEdit.set(taskId, clock.now());
    const task = store.task(taskId);
    if (!task) return;
    const runner = runners.byId(task.runner_id);
    void outbox.show(cardKey(taskId), { channel: task.channel }, taskCard(task, clock.now(), runner, this.options.extra?.task(task))).catch(() => undefined);
  }
}
