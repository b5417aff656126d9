import { z } from 'zod';
import type { Db } from '../../shared/db/open.ts';
import { parseRow, parseRows } from '../../shared/db/rows.ts';

const entryRow = z.object({
  id: z.number(),
  channel: z.string(),
  /** Set for a finished task's digest; null for a fact someone asked to remember. */
  task_id: z.string().nullable(),
  text: z.string(),
  author: z.string().nullable(),
  created_at: z.number(),
});
export type MemoryEntry = z.output<typeof entryRow>;

/** Entries a channel keeps; the oldest task digests go first (remembered facts stay until forgotten). */
const MAX_ENTRIES = 200;
/** Facts a channel remembers; past it people forget some first (digests make room by themselves). */
export const MAX_FACTS = 100;
/** Characters of a remembered fact. */
export const MAX_FACT = 500;
/** Characters of project memory in a new task's prompt. */
export const PROMPT_BUDGET = 3000;

const STOP = new Set([
  'this',
  'that',
  'with',
  'from',
  'have',
  'when',
  'then',
  'than',
  'into',
  'should',
  'would',
  'could',
  'there',
  'their',
  'what',
  'which',
  'about',
  'issue',
  'task',
  'changed',
  'file',
  'files',
  'decided',
]);
const words = (text: string) => new Set((text.toLowerCase().match(/[a-z0-9_]{4,}/g) ?? []).filter((w) => !STOP.has(w)));

/**
 * A channel's project memory: digests of finished tasks (what changed, why, decisions,
 * follow-ups) and facts people asked it to remember. New tasks get the relevant part.
 */
export class ProjectMemory {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      list: db.prepare('SELECT * FROM channel_memory WHERE channel = ? ORDER BY id'),
      entry: db.prepare('SELECT * FROM channel_memory WHERE id = ? AND channel = ?'),
      add: db.prepare('INSERT INTO channel_memory (channel, task_id, text, author, created_at) VALUES (?, ?, ?, ?, ?)'),
      upsertDigest: db.prepare(
        `INSERT INTO channel_memory (channel, task_id, text, author, created_at) VALUES (?, ?, ?, NULL, ?)
         ON CONFLICT (task_id) DO UPDATE SET text = excluded.text`,
      ),
      remove: db.prepare('DELETE FROM channel_memory WHERE id = ?'),
      facts: db.prepare('SELECT COUNT(*) AS n FROM channel_memory WHERE channel = ? AND task_id IS NULL'),
      trim: db.prepare(
        `DELETE FROM channel_memory WHERE id IN (
           SELECT id FROM channel_memory WHERE channel = ? AND task_id IS NOT NULL ORDER BY id
           LIMIT MAX(0, (SELECT COUNT(*) FROM channel_memory WHERE channel = ?) - ?))`,
      ),
    };
  }

  /** Every entry of the channel, oldest first. People see each entry's id: it never changes. */
  list(channel: string): MemoryEntry[] {
    return parseRows(entryRow, this.s.list.all(channel));
  }

  /** Adds a fact; returns its id, or undefined when the channel already holds MAX_FACTS. */
  remember(channel: string, text: string, author: string, now: number): number | undefined {
    if (z.object({ n: z.number() }).parse(this.s.facts.get(channel)).n >= MAX_FACTS) return undefined;
    const id = Number(this.s.add.run(channel, null, text, author, now).lastInsertRowid);
    this.s.trim.run(channel, channel, MAX_ENTRIES);
    return id;
  }

  /** A finished task's digest; a task that finishes again replaces its earlier digest. */
  addDigest(channel: string, taskId: string, text: string, now: number): void {
    this.s.upsertDigest.run(channel, taskId, text, now);
    this.s.trim.run(channel, channel, MAX_ENTRIES);
  }

  /** The channel's entry with this id (as `/director memory` shows it). */
  entry(channel: string, id: number): MemoryEntry | undefined {
    return parseRow(entryRow, this.s.entry.get(id, channel));
  }

  remove(id: number): void {
    this.s.remove.run(id);
  }

  /**
   * What a new task should know, within `budget` characters: remembered facts first (newest
   * first), then task digests, those sharing the most words with the task first, newest first on ties.
   */
  relevant(channel: string, about: string, budget = PROMPT_BUDGET): string | undefined {
    const entries = this.list(channel);
    const topic = words(about);
    const score = (e: MemoryEntry) => [...words(e.text)].filter((w) => topic.has(w)).length;
    const facts = entries.filter((e) => e.task_id === null).reverse();
    const digests = entries
      .filter((e) => e.task_id !== null)
      .map((e) => ({ e, score: score(e) }))
      .sort((a, b) => b.score - a.score || b.e.id - a.e.id)
      .map((d) => d.e);
    const parts: string[] = [];
    let used = 0;
    for (const [label, list] of [
      ['Remembered', facts],
      ['From an earlier task', digests],
    ] as const) {
      for (const entry of list) {
        const text = `${label}: ${entry.text}`;
        if (used + text.length + 2 > budget) continue;
        parts.push(text);
        used += text.length + 2;
      }
    }
    return parts.length > 0 ? parts.join('\n\n') : undefined;
  }
}
