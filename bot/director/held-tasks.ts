import type { Clock } from '../../shared/clock.ts';
import { botToRunnerSchema } from '../../shared/protocol.ts';
import type { RunnerHub } from '../runners/hub.ts';
import type { BotTask, ChannelBinding, DirectorStore } from '../store/directors.ts';
import type { CardRefresher } from './card-refresher.ts';

export interface HeldTasksOptions {
  store: DirectorStore;
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
    const binding = store.binding(channel);
    for (const task of store.heldTasks(channel)) {
      if (binding && this.full(binding)) return;
      const frame = botToRunnerSchema.safeParse(JSON.parse(task.start_frame ?? 'null'));
      if (!frame.success || !store.release(task.id, clock.now())) continue;
      hub.send(task.runner_id, frame.data);
      cards.task(task.id);
    }
  }

  /** A held task never reached its runner: stopping it ends it here. */
  cancel(task: BotTask): void {
    const { store, clock, cards } = this.options;
    store.updateTask(task.id, { state: 'cancelled', milestone: 'Stopped before it started' }, clock.now());
    cards.task(task.id);
    if (task.batch_id) cards.batch(task.batch_id);
  }
}
