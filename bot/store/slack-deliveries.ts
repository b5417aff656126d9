import type { Db } from '../../shared/db/open.ts';

/** Slack stops retrying a delivery after minutes; a day of ids is plenty. */
const KEEP_MS = 24 * 60 * 60 * 1000;
/** Forget old ids every this many new ones, so the table stays bounded while the bot runs. */
const PRUNE_EVERY = 500;

/** Remembers which Slack deliveries (event_id, trigger_id) were handled, so retries have one effect. */
export class SlackDeliveryStore {
  private readonly insert;
  private readonly prune;
  private added = 0;

  constructor(db: Db) {
    this.insert = db.prepare('INSERT OR IGNORE INTO slack_deliveries (delivery_id, received_at) VALUES (?, ?)');
    this.prune = db.prepare('DELETE FROM slack_deliveries WHERE received_at < ?');
  }

  /** Records the delivery; true the first time it is seen, false for every retry after. */
  firstSeen(deliveryId: string, now: number): boolean {
    const first = this.insert.run(deliveryId, now).changes === 1;
    if (first && ++this.added % PRUNE_EVERY === 0) this.forgetBefore(now - KEEP_MS);
    return first;
  }

  /** Forgets deliveries older than `before`. */
  forgetBefore(before: number): number {
    return this.prune.run(before).changes;
  }

  /** Forgets what is past keeping (at start). */
  forgetOld(now: number): number {
    return this.forgetBefore(now - KEEP_MS);
  }
}
