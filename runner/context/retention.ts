import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import type { TaskStore } from '../tasks/store.ts';

const EVERY_MS = 6 * 60 * 60_000;

/** The retention policy for raw events of settled tasks: applied at start and every few hours. Returns the stop. */
export function pruneEventsPeriodically({ store, retentionMs, clock, log }: { store: TaskStore; retentionMs: number; clock: Clock; log: Logger }): () => void {
  if (retentionMs <= 0) return () => undefined;
  const prune = () => {
    try {
      const now = clock.now();
      const pruned = store.pruneEvents(now - retentionMs, now);
      if (pruned.length > 0) log.info({ tasks: pruned.length }, 'removed the raw events of finished tasks past the retention period (their summaries stay)');
    } catch (error) {
      log.error({ err: error }, 'pruning old task events failed');
    }
  };
  prune();
  const timer = setInterval(prune, EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
