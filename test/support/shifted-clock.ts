import { systemClock, type Clock } from '../../shared/clock.ts';

/** A clock set to any moment that then runs in real time: sleeps are real, so timeouts and rate limits behave. */
export class ShiftedClock implements Clock {
  private offset = 0;

  now(): number {
    return Date.now() + this.offset;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return systemClock.sleep(ms, signal);
  }

  /** From now on the clock reads `at`, then moves on in real time. */
  set(at: number | string): void {
    this.offset = (typeof at === 'string' ? Date.parse(at) : at) - Date.now();
  }
}
