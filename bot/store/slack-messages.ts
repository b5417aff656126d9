import { z } from 'zod';
import type { Db } from '../../shared/db/open.ts';
import { parseRow, parseRows } from '../../shared/db/rows.ts';

/** What a message should show: Slack's text fallback plus optional Block Kit blocks. */
export const messageBodySchema = z.object({
  text: z.string(),
  blocks: z.array(z.looseObject({ type: z.string() })).optional(),
});
export type MessageBody = z.infer<typeof messageBodySchema>;

const rowSchema = z.object({
  key: z.string(),
  seq: z.number(),
  channel: z.string(),
  thread_key: z.string().nullable(),
  thread_ts: z.string().nullable(),
  body: z.string().transform((s) => messageBodySchema.parse(JSON.parse(s))),
  version: z.number(),
  ts: z.string().nullable(),
  shown_version: z.number(),
  attempt_version: z.number().nullable(),
  attempted_at: z.number().nullable(),
  failed: z.string().nullable(),
});

/** Where a message goes: a channel, optionally as a reply in a thread. */
export interface MessageTarget {
  channel: string;
  /** The thread's root: another outbox message (by key), or any Slack message (by ts). */
  thread?: { key: string } | { ts: string };
}

/** One message the outbox owns: the content wanted (`version`) and what Slack shows (`shown_version`). */
export type StoredMessage = z.output<typeof rowSchema>;

/**
 * Durable state of the Slack outbox. A row is created by the first `want` of a key and keeps the
 * message's Slack ts forever after, so the message is edited, never posted again.
 */
export class SlackMessageStore {
  private readonly statements;

  constructor(private readonly db: Db) {
    this.statements = {
      get: db.prepare('SELECT * FROM slack_messages WHERE key = ?'),
      nextSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM slack_messages'),
      insert: db.prepare(
        `INSERT INTO slack_messages (key, seq, channel, thread_key, thread_ts, body, version, updated_at)
         VALUES (@key, @seq, @channel, @thread_key, @thread_ts, @body, 1, @now)`,
      ),
      setBody: db.prepare('UPDATE slack_messages SET body = ?, version = version + 1, updated_at = ? WHERE key = ?'),
      nextUnposted: db.prepare('SELECT * FROM slack_messages WHERE channel = ? AND ts IS NULL AND failed IS NULL ORDER BY seq LIMIT 1'),
      pendingChannels: db.prepare('SELECT DISTINCT channel FROM slack_messages WHERE ts IS NULL AND failed IS NULL'),
      stale: db.prepare('SELECT key FROM slack_messages WHERE ts IS NOT NULL AND failed IS NULL AND shown_version < version'),
      attempt: db.prepare('UPDATE slack_messages SET attempt_version = ?, attempted_at = ? WHERE key = ?'),
      clearAttempt: db.prepare('UPDATE slack_messages SET attempt_version = NULL, attempted_at = NULL WHERE key = ?'),
      posted: db.prepare('UPDATE slack_messages SET ts = ?, shown_version = ?, attempt_version = NULL, attempted_at = NULL, updated_at = ? WHERE key = ?'),
      shown: db.prepare('UPDATE slack_messages SET shown_version = MAX(shown_version, ?), updated_at = ? WHERE key = ?'),
      fail: db.prepare('UPDATE slack_messages SET failed = ?, updated_at = ? WHERE key = ?'),
      keyForTs: db.prepare('SELECT key FROM slack_messages WHERE channel = ? AND ts = ?'),
    };
  }

  get(key: string): StoredMessage | undefined {
    return parseRow(rowSchema, this.statements.get.get(key));
  }

  /**
   * Records the content wanted for `key`. Returns the row; its version is unchanged when the
   * content is already what was wanted.
   */
  want(key: string, target: MessageTarget, body: MessageBody, now: number): StoredMessage {
    const json = JSON.stringify(body);
    return this.db.transaction(() => {
      const existing = this.get(key);
      if (!existing) {
        const { seq } = z.object({ seq: z.number() }).parse(this.statements.nextSeq.get());
        const thread = target.thread;
        this.statements.insert.run({
          key,
          seq,
          channel: target.channel,
          thread_key: thread && 'key' in thread ? thread.key : null,
          thread_ts: thread && 'ts' in thread ? thread.ts : null,
          body: json,
          now,
        });
      } else if (JSON.stringify(existing.body) !== json) {
        this.statements.setBody.run(json, now, key);
      }
      const row = this.get(key);
      if (!row) throw new Error(`slack_messages row ${key} vanished inside its transaction`);
      return row;
    })();
  }

  /** The oldest message of `channel` not yet posted: posts leave in the order they were asked for. */
  nextUnposted(channel: string): StoredMessage | undefined {
    return parseRow(rowSchema, this.statements.nextUnposted.get(channel));
  }

  /** Channels with messages still to post (to resume after a restart). */
  channelsWithPending(): string[] {
    return parseRows(z.object({ channel: z.string() }), this.statements.pendingChannels.all()).map((r) => r.channel);
  }

  /** Keys of posted messages whose wanted content is newer than what Slack shows. */
  staleKeys(): string[] {
    return parseRows(z.object({ key: z.string() }), this.statements.stale.all()).map((r) => r.key);
  }

  /** Marks that a post of `version` is about to be sent: if its answer is lost, Slack may have it. */
  markAttempt(key: string, version: number, now: number): void {
    this.statements.attempt.run(version, now, key);
  }

  /** Forgets an attempt that Slack certainly refused (nothing was posted). */
  clearAttempt(key: string): void {
    this.statements.clearAttempt.run(key);
  }

  markPosted(key: string, ts: string, shownVersion: number, now: number): void {
    this.statements.posted.run(ts, shownVersion, now, key);
  }

  markShown(key: string, version: number, now: number): void {
    this.statements.shown.run(version, now, key);
  }

  /** The key of the outbox message shown at `ts` (to find the task whose thread a reply is in). */
  keyForTs(channel: string, ts: string): string | undefined {
    return parseRow(z.object({ key: z.string() }), this.statements.keyForTs.get(channel, ts))?.key;
  }

  markFailed(key: string, reason: string, now: number): void {
    this.statements.fail.run(reason, now, key);
  }
}
