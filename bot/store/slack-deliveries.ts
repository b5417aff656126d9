import type { Db } from '../../shared/db/open.ts';

/** Remembers which Slack deliveries (event_id, trigger_id) were handled, so retries have one effect. */
export class SlackDeliveryStore {
  private readonly insert;
  private readonly prune;

  constructor(db: Db) {
    this.insert = db.prepare('INSERT OR IGNORE INTO slack_deliveries (delivery_id, received_at) VALUES (?, ?)');
    this.prune = db.prepare('DELETE FROM slack_deliveries WHERE received_at < ?');
  }

  /** Records the delivery; true the first time it is seen, false for every retry after. */
  firstSeen(deliveryId: string, now: number): boolean {
    return this.insert.run(deliveryId, now).changes === 1;
  }

  /** Forgets deliveries older than `before` (Slack stops retrying after minutes). */
  forgetBefore(before: number): number {
    return this.prune.run(before).changes;
  }
}
