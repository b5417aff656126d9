import { z } from 'zod';
import type { Db } from '../db/open.ts';
import { parseRow, parseRows } from '../db/rows.ts';

/** Tables of the link, in both the bot's and the runner's database (a migration of each side). */
export const linkTablesSql = `
  CREATE TABLE link_peers (
    peer TEXT PRIMARY KEY,
    next_seq INTEGER NOT NULL DEFAULT 1,
    handled INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE link_outbox (
    peer TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (peer, seq)
  ) WITHOUT ROWID;
`;

const outboxRow = z.object({ seq: z.number(), body: z.string() });
export type OutboxRow = z.infer<typeof outboxRow>;

/**
 * Durable delivery state for one peer: frames sent but not yet acknowledged, the next seq to
 * use, and the highest seq received and handled. All of it lives in SQLite so it survives kill -9.
 */
export class LinkStore {
  private readonly statements;

  constructor(
    private readonly db: Db,
    readonly peer: string,
  ) {
    db.prepare('INSERT OR IGNORE INTO link_peers (peer) VALUES (?)').run(peer);
    this.statements = {
      nextSeq: db.prepare('UPDATE link_peers SET next_seq = next_seq + 1 WHERE peer = ? RETURNING next_seq - 1 AS seq'),
      insert: db.prepare('INSERT INTO link_outbox (peer, seq, body) VALUES (?, ?, ?)'),
      ack: db.prepare('DELETE FROM link_outbox WHERE peer = ? AND seq <= ?'),
      pending: db.prepare('SELECT seq, body FROM link_outbox WHERE peer = ? AND seq > ? ORDER BY seq LIMIT ?'),
      handled: db.prepare('SELECT handled FROM link_peers WHERE peer = ?'),
      setHandled: db.prepare('UPDATE link_peers SET handled = ? WHERE peer = ? AND handled < ?'),
      count: db.prepare('SELECT COUNT(*) AS n FROM link_outbox WHERE peer = ?'),
      lastAssigned: db.prepare('SELECT next_seq - 1 AS seq FROM link_peers WHERE peer = ?'),
    };
  }

  /** Stores a frame body for sending and returns its seq. Joins the caller's transaction if any. */
  enqueue(body: string): number {
    return this.db.transaction(() => {
      const { seq } = z.object({ seq: z.number() }).parse(this.statements.nextSeq.get(this.peer));
      this.statements.insert.run(this.peer, seq, body);
      return seq;
    })();
  }

  /** The peer has handled everything up to `seq`: forget it. */
  acknowledge(seq: number): void {
    this.statements.ack.run(this.peer, seq);
  }

  /** Unacknowledged frames after `afterSeq`, oldest first. */
  pending(afterSeq: number, limit: number): OutboxRow[] {
    return parseRows(outboxRow, this.statements.pending.all(this.peer, afterSeq, limit));
  }

  /** How many frames wait for an ack. */
  unacknowledged(): number {
    return z.object({ n: z.number() }).parse(this.statements.count.get(this.peer)).n;
  }

  /** The highest seq this side ever gave a frame (0 before the first). */
  lastAssigned(): number {
    return parseRow(z.object({ seq: z.number() }), this.statements.lastAssigned.get(this.peer))?.seq ?? 0;
  }

  /** Highest seq received from the peer and handled. */
  handled(): number {
    return parseRow(z.object({ handled: z.number() }), this.statements.handled.get(this.peer))?.handled ?? 0;
  }

  /** Records that `seq` was handled; call inside the handler's transaction. */
  markHandled(seq: number): void {
    this.statements.setHandled.run(seq, this.peer, seq);
  }

  /** Runs `work` in one SQLite transaction (nested calls join it). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }
}
