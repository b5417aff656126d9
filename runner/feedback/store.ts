/**
 * The PR watcher's memory in the runner's SQLite: the ETag of every URL it polls, each piece of
 * feedback it has seen (by comment or check-run id and head SHA, so a restart never acts twice),
 * and the rounds it started per task.
 */
import { z } from 'zod';
import type { Db } from '../../shared/db/open.ts';
import { parseRow, parseRows } from '../../shared/db/rows.ts';
import { feedbackItemSchema, type FeedbackItem } from './items.ts';

/** pending: waits for a round; ignored: not from a collaborator or a configured bot, never shown; queued: in a round; held: shown to people instead (ask, or the round cap). */
export type ItemStatus = 'pending' | 'ignored' | 'queued' | 'held';

const itemRow = z.object({ payload: z.string().transform((s) => feedbackItemSchema.parse(JSON.parse(s))), round: z.number().nullable() });
const roundRow = z.object({ round: z.number(), state: z.enum(['running', 'done', 'capped']) });

export class FeedbackStore {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      etag: db.prepare('SELECT etag FROM pr_watch_etags WHERE task_id = ? AND url = ?'),
      setEtag: db.prepare('INSERT INTO pr_watch_etags (task_id, url, etag) VALUES (?, ?, ?) ON CONFLICT (task_id, url) DO UPDATE SET etag = excluded.etag'),
      insert: db.prepare(
        `INSERT INTO pr_feedback_items (task_id, kind, item_id, head_sha, status, author, payload, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      ),
      known: db.prepare('SELECT 1 AS one FROM pr_feedback_items WHERE task_id = ? AND kind = ? AND item_id = ? AND head_sha = ?'),
      withStatus: db.prepare('SELECT payload, round FROM pr_feedback_items WHERE task_id = ? AND status = ? ORDER BY seen_at, item_id'),
      inRound: db.prepare('SELECT payload, round FROM pr_feedback_items WHERE task_id = ? AND round = ? ORDER BY seen_at, item_id'),
      queue: db.prepare("UPDATE pr_feedback_items SET status = 'queued', round = ? WHERE task_id = ? AND status = 'pending'"),
      hold: db.prepare("UPDATE pr_feedback_items SET status = 'held' WHERE task_id = ? AND status = 'pending'"),
      rounds: db.prepare('SELECT round, state FROM pr_feedback_rounds WHERE task_id = ? ORDER BY round'),
      addRound: db.prepare('INSERT INTO pr_feedback_rounds (task_id, round, state, started_at) VALUES (?, ?, ?, ?)'),
      setRound: db.prepare('UPDATE pr_feedback_rounds SET state = ? WHERE task_id = ? AND round = ?'),
    };
  }

  etag(taskId: string, url: string): string | undefined {
    return parseRow(z.object({ etag: z.string() }), this.s.etag.get(taskId, url))?.etag;
  }

  setEtag(taskId: string, url: string, etag: string): void {
    this.s.setEtag.run(taskId, url, etag);
  }

  /** Records an item once (by kind, id and head SHA); true when it was new. */
  see(taskId: string, item: FeedbackItem, status: ItemStatus, now: number): boolean {
    return this.s.insert.run(taskId, item.kind, item.id, item.headSha ?? '', status, item.author, JSON.stringify(item), now).changes > 0;
  }

  /** Whether this item (kind, id, head SHA) was seen before, whatever became of it. */
  known(taskId: string, item: FeedbackItem): boolean {
    return this.s.known.get(taskId, item.kind, item.id, item.headSha ?? '') !== undefined;
  }

  items(taskId: string, status: ItemStatus): FeedbackItem[] {
    return parseRows(itemRow, this.s.withStatus.all(taskId, status)).map((r) => r.payload);
  }

  roundItems(taskId: string, round: number): FeedbackItem[] {
    return parseRows(itemRow, this.s.inRound.all(taskId, round)).map((r) => r.payload);
  }

  rounds(taskId: string): z.infer<typeof roundRow>[] {
    return parseRows(roundRow, this.s.rounds.all(taskId));
  }

  /** Starts round `round` with every pending item of the task. */
  startRound(taskId: string, round: number, now: number): void {
    this.s.addRound.run(taskId, round, 'running', now);
    this.s.queue.run(round, taskId);
  }

  endRound(taskId: string, round: number): void {
    this.s.setRound.run('done', taskId, round);
  }

  /** The round cap was reached: pending items are held for people, and that is remembered. */
  cap(taskId: string, round: number, now: number): void {
    this.s.addRound.run(taskId, round, 'capped', now);
    this.s.hold.run(taskId);
  }

  /** Pending items shown to people instead (ask). */
  hold(taskId: string): void {
    this.s.hold.run(taskId);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
