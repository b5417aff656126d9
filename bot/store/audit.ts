import { z } from 'zod';
import type { Db } from '../../shared/db/open.ts';
import { parseRows } from '../../shared/db/rows.ts';

/** What the audit log records: every change of a binding, a setting or a runner. */
export const auditActionSchema = z.enum([
  'bound',
  'binding_requested',
  'binding_approved',
  'binding_denied',
  'settings_changed',
  'runner_revoked',
  'runner_claimed',
  'merged',
]);
export type AuditAction = z.infer<typeof auditActionSchema>;

const auditRow = z.object({
  id: z.number(),
  at: z.number(),
  /** The channel concerned; null for a runner's own changes (its claim). */
  channel: z.string().nullable(),
  actor: z.string(),
  action: auditActionSchema,
  /** The one line the channel was told. */
  text: z.string(),
});
export type AuditEntry = z.output<typeof auditRow>;

/** Entries kept per channel; older ones are pruned as new ones come. */
const KEEP_PER_CHANNEL = 1000;

/** The bot's audit log: who changed which binding, setting or runner, and when. */
export class AuditStore {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      add: db.prepare('INSERT INTO audit (at, channel, actor, action, text) VALUES (?, ?, ?, ?, ?)'),
      recent: db.prepare('SELECT * FROM audit WHERE channel = ? ORDER BY id DESC LIMIT ?'),
      prune: db.prepare('DELETE FROM audit WHERE channel = ? AND id <= (SELECT id FROM audit WHERE channel = ? ORDER BY id DESC LIMIT 1 OFFSET ?)'),
    };
  }

  /** Records an entry; returns its id. */
  add(entry: Omit<AuditEntry, 'id'>): number {
    const id = Number(this.s.add.run(entry.at, entry.channel, entry.actor, entry.action, entry.text).lastInsertRowid);
    if (entry.channel !== null) this.s.prune.run(entry.channel, entry.channel, KEEP_PER_CHANNEL);
    return id;
  }

  /** The channel's newest entries, newest first. */
  recent(channel: string, limit = 20): AuditEntry[] {
    return parseRows(auditRow, this.s.recent.all(channel, limit));
  }
}
