import type { Clock } from '../../shared/clock.ts';
import { botToRunnerSchema } from '../../shared/protocol.ts';
import type { RunnerHub } from '../runners/hub.ts';
import type { BindingStore, ChannelBinding } from '../store/bindings.ts';
import type { BotTask, DirectorStore } from '../store/directors.ts';
import type { CardRefresher } from './card-refresher.ts';

export interface HeldTasksOptions {
  store: DirectorStore;
  bindings: BindingStore;
  hub: RunnerHub;
  cards: CardRefresher;
  clock: Clock;
}

/**
 * A channel's queue on the bot: over the channel's concurrency a new task is held here with its
 * start frame, and starts on its runner when another task of the channel settles.
 */
export class HeldTasks {
  constructor(private readonly options: HeldTasksOptions) {}

  /** Whether a task started now must wait for a free slot of the channel. */
  full(binding: ChannelBinding): boolean {
    return binding.concurrency !== null && this.options.store.runningCount(binding.channel) >= binding.concurrency;
  }

  /** Starts held tasks of the channel while it has free slots. */
  release(channel: string): void {
    const { store, hub, clock, cards } = this.options;
    const binding = this.options.bindings.binding(channel);
    for (const task of store.heldTasks(channel)) {
      if (binding && this.full(binding)) return;
      const frame = botToRunnerSchema.safeParse(JSON.parse(task.start_frame ?? 'null'));
      if (!frame.success || !store.release(task.id, clock.now())) continue;
      hub.send(task.runner_id, frame.data);
      cards.task(task.id);
    }
  }

  /** A task no runner will stop (held here, or its runner revoked): stopping it ends it here. */
  cancel(task: BotTask, why = 'Stopped before it started'): void {
    const { store, clock, cards } = this.options;
    store.updateTask(task.id, { state: 'cancelled', milestone: why }, clock.now());
    cards.task(task.id);
    if (task.batch_id) cards.batch(task.batch_id);
  }
}
