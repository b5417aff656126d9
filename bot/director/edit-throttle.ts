import type { Clock } from '../../shared/clock.ts';

/**
 * At most one edit per key every `everyMs`, and the last request always lands: a request inside
 * the window arms one timer, and later requests ride on it (the edit reads the newest state when
 * it fires). A pending timer is never replaced, so none is orphaned; after `close` none fires.
 */
export class EditThrottle {
  private readonly lastEdit = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: { clock: Clock; everyMs: number }) {}

  /** Runs `edit` now, or once the key's last edit is `everyMs` old (with the newest `edit` asked for by then). */
  request(key: string, edit: () => void): void {
    if (this.closed) return;
    const pending = this.pendingEdits.get(key);
    if (pending) {
      this.pendingEdits.set(key, edit);
      return;
    }
    const wait = (this.lastEdit.get(key) ?? Number.NEGATIVE_INFINITY) + this.options.everyMs - this.options.clock.now();
    if (wait <= 0) return this.run(key, edit);
    this.pendingEdits.set(key, edit);
    this.timers.set(
      key,
      setTimeout(() => {
        const latest = this.pendingEdits.get(key);
        if (latest) this.run(key, latest);
      }, wait),
    );
  }

  /** No edit runs after this (shutdown: the database is about to close). */
  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.pendingEdits.clear();
  }

  private readonly pendingEdits = new Map<string, () => void>();

  private run(key: string, edit: () => void): void {
    this.timers.delete(key);
    this.pendingEdits.delete(key);
    if (this.closed) return;
    this.lastEdit.set(key, this.options.clock.now());
    edit();
  }
}
