import type { Clock } from '../../shared/clock.ts';
import { isActive } from '../../shared/task-states.ts';
import type { SlackOutbox } from '../slack/outbox.ts';
import type { BotTask, DirectorStore } from '../store/directors.ts';
import type { MessageBody } from '../store/slack-messages.ts';
import type { RunnerStore } from '../store/runners.ts';
import { batchCard, QUIET_MS, taskCard } from './cards.ts';
import { EditThrottle } from './edit-throttle.ts';

/** Card edits per card (task or batch) at most this often; the last one always lands. */
export const CARD_EVERY_MS = 3000;

export const cardKey = (taskId: string) => `task:${taskId}:card`;
export const batchKey = (batchId: string) => `batch:${batchId}:card`;

/**
 * Keeps task and batch cards in step with the store, each edited at most every few seconds (they
 * share the workspace's edit budget with reactions and ephemerals). A running task that has gone
 * quiet gets one more edit, so its card says "thinking" instead of looking hung.
 */
export class CardRefresher {
  private readonly throttle: EditThrottle;
  private readonly quiet = new Map<string, NodeJS.Timeout>();
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
  ) {
    this.throttle = new EditThrottle({ clock: options.clock, everyMs: CARD_EVERY_MS });
  }

  /** Edits the task's card now, or once its last edit is CARD_EVERY_MS old: the newest state always shows. */
  task(taskId: string): void {
    this.throttle.request(cardKey(taskId), () => this.editTask(taskId));
  }

  /** The same for a batch card. */
  batch(batchId: string): void {
    this.throttle.request(batchKey(batchId), () => this.editBatch(batchId));
  }

  /** Stops the timers (shutdown): nothing is edited after this. */
  close(): void {
    this.closed = true;
    this.throttle.close();
    for (const timer of this.quiet.values()) clearTimeout(timer);
    this.quiet.clear();
  }

  private editTask(taskId: string): void {
    const { store, runners, outbox, clock } = this.options;
    const task = store.task(taskId);
    if (!task) return;
    void outbox
      .show(cardKey(taskId), { channel: task.channel }, taskCard(task, clock.now(), runners.byId(task.runner_id), this.options.extra?.task(task)))
      .catch(() => undefined);
    // A card already showing "thinking" needs no other edit until the task speaks again.
    const quietNow = task.last_activity_at !== null && clock.now() - task.last_activity_at >= QUIET_MS;
    this.watchQuiet(taskId, isActive(task.state) && !quietNow);
  }

  private editBatch(batchId: string): void {
    const { store, outbox } = this.options;
    const tasks = store.batchTasks(batchId);
    const first = tasks[0];
    if (!first) return;
    void outbox
      .show(batchKey(batchId), { channel: first.channel }, batchCard(store.batchTitle(batchId) ?? 'Batch', tasks, this.options.extra?.batch(batchId, tasks)))
      .catch(() => undefined);
  }

  /** Re-renders an active task's card once it has been quiet for QUIET_MS (each edit re-arms it). */
  private watchQuiet(taskId: string, arm: boolean): void {
    clearTimeout(this.quiet.get(taskId));
    this.quiet.delete(taskId);
    if (!arm || this.closed) return;
    const timer = setTimeout(() => {
      this.quiet.delete(taskId);
      const task = this.options.store.task(taskId);
      const last = task?.last_activity_at ?? null;
      if (task?.state === 'running' && last !== null && this.options.clock.now() - last >= QUIET_MS) this.task(taskId);
    }, QUIET_MS + 1000);
    timer.unref();
    this.quiet.set(taskId, timer);
  }
}
