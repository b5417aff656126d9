import type { Clock } from '../../shared/clock.ts';
import type { TaskEvent } from './task-events.ts';

/** Batches a task's events into few SQLite transactions: at most `maxBatch` events or `maxDelayMs` apart. */
export class EventRecorder {
  private pending: { at: number; event: TaskEvent }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (batch: { at: number; event: TaskEvent }[]) => void,
    private readonly clock: Clock,
    private readonly maxBatch = 500,
    private readonly maxDelayMs = 50,
  ) {}

  add(event: TaskEvent): void {
    this.pending.push({ at: this.clock.now(), event });
    if (this.pending.length >= this.maxBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.maxDelayMs);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.write(batch);
  }
}
