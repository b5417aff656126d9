import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import type { Schedule, ScheduleKind, ScheduleStore } from './store.ts';
import { latestRun } from './when.ts';

/** What runs when a schedule's slot comes; `slot` is the run time it stands for (ms since the epoch). */
export type ScheduleHandlers = { [K in ScheduleKind]: (schedule: Schedule, slot: number) => Promise<void> };

/** How often the scheduler looks for due slots; a slot fires within this long of its time. */
const TICK_MS = 15_000;
/** Fired slots are remembered this long (far beyond any tick or restart) and then forgotten. */
const KEEP_FIRES_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Fires due schedules: each slot once across restarts (claimed in SQLite before its handler runs),
 * several missed slots as one run for the latest of them, and never two ticks at once.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<number> | undefined;
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: { store: ScheduleStore; clock: Clock; handlers: ScheduleHandlers; log: Logger; tickMs?: number }) {}

  /** Fires what is due now (slots missed while the bot was down), then looks again every tick. */
  start(): void {
    const tick = () => void this.tick().catch((error: unknown) => this.options.log.error({ err: error }, 'the scheduler could not read its schedules'));
    tick();
    this.timer = setInterval(tick, this.options.tickMs ?? TICK_MS);
    this.timer.unref();
  }

  /** Stops ticking and waits for the handlers already running. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.ticking;
    await Promise.allSettled([...this.running]);
  }

  /** Fires every due schedule once; resolves with how many fired when their handlers have finished. */
  tick(): Promise<number> {
    // A tick that overlaps a slow one waits for it instead of reading the same due rows.
    this.ticking ??= this.fireDue().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  /** Runs a schedule's handler now, outside its slots (a person's "run now"). */
  async runNow(schedule: Schedule): Promise<void> {
    await this.run(schedule, this.options.clock.now());
  }

  private async fireDue(): Promise<number> {
    const { store, clock } = this.options;
    if (this.closed) return 0;
    const now = clock.now();
    const fired: Promise<void>[] = [];
    for (const schedule of store.due(now)) {
      // Missed slots collapse into one run, for the latest slot that has come.
      const slot = latestRun(schedule.cron, schedule.tz, now) ?? schedule.nextAt ?? now;
      if (store.claim(schedule, slot, now)) fired.push(this.run(schedule, slot));
    }
    store.pruneFires(now - KEEP_FIRES_MS);
    await Promise.all(fired);
    return fired.length;
  }

  private run(schedule: Schedule, slot: number): Promise<void> {
    const { handlers, log } = this.options;
    const running = handlers[schedule.kind](schedule, slot).catch((error: unknown) => {
      log.error({ err: error, schedule: schedule.id, kind: schedule.kind, slot: new Date(slot).toISOString() }, 'a scheduled run failed');
    });
    this.running.add(running);
    void running.finally(() => this.running.delete(running));
    return running;
  }
}
