import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../shared/db/open.ts';
import { parseRow, parseRows } from '../../shared/db/rows.ts';
import { nextRun } from './when.ts';

/** What a schedule runs: a channel's weekly report, or one of its automations. */
export const scheduleKindSchema = z.enum(['report', 'automation']);
export type ScheduleKind = z.infer<typeof scheduleKindSchema>;

const scheduleRow = z
  .object({
    id: z.string(),
    kind: scheduleKindSchema,
    channel: z.string(),
    cron: z.string(),
    tz: z.string(),
    label: z.string(),
    paused: z.number(),
    next_at: z.number().nullable(),
    last_slot: z.number().nullable(),
    created_by: z.string(),
    created_at: z.number(),
  })
  .transform((r) => ({
    id: r.id,
    kind: r.kind,
    channel: r.channel,
    cron: r.cron,
    tz: r.tz,
    label: r.label,
    paused: r.paused === 1,
    /** The next slot to fire (ms since the epoch); null when paused or the schedule never runs again. */
    nextAt: r.next_at,
    /** The slot that fired last. */
    lastSlot: r.last_slot,
    createdBy: r.created_by,
    createdAt: r.created_at,
  }));
export type Schedule = z.output<typeof scheduleRow>;

export interface NewSchedule {
  kind: ScheduleKind;
  channel: string;
  cron: string;
  tz: string;
  label: string;
  createdBy: string;
}

/** Schedules in the bot's SQLite, and the slots each has fired: a slot fires once, whatever restarts. */
export class ScheduleStore {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      add: db.prepare(
        'INSERT INTO schedules (id, kind, channel, cron, tz, label, paused, next_at, last_slot, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, NULL, ?, ?)',
      ),
      get: db.prepare('SELECT * FROM schedules WHERE id = ?'),
      all: db.prepare('SELECT * FROM schedules ORDER BY created_at, id'),
      due: db.prepare('SELECT * FROM schedules WHERE paused = 0 AND next_at IS NOT NULL AND next_at <= ? ORDER BY next_at, id'),
      soonest: db.prepare('SELECT MIN(next_at) AS at FROM schedules WHERE paused = 0 AND next_at IS NOT NULL'),
      remove: db.prepare('DELETE FROM schedules WHERE id = ?'),
      removeFires: db.prepare('DELETE FROM schedule_fires WHERE schedule_id = ?'),
      setPaused: db.prepare('UPDATE schedules SET paused = ?, next_at = ? WHERE id = ?'),
      claim: db.prepare('INSERT OR IGNORE INTO schedule_fires (schedule_id, slot, fired_at) VALUES (?, ?, ?)'),
      advance: db.prepare('UPDATE schedules SET next_at = ?, last_slot = COALESCE(?, last_slot) WHERE id = ?'),
      pruneFires: db.prepare('DELETE FROM schedule_fires WHERE fired_at < ?'),
    };
  }

  /** Stores a schedule whose first slot is the first run after `now`. */
  add(input: NewSchedule, now: number): Schedule {
    const id = `s${randomBytes(4).toString('hex')}`;
    this.s.add.run(id, input.kind, input.channel, input.cron, input.tz, input.label, nextRun(input.cron, input.tz, now), input.createdBy, now);
    const schedule = this.get(id);
    if (!schedule) throw new Error(`schedule ${id} was not stored`);
    return schedule;
  }

  get(id: string): Schedule | undefined {
    return parseRow(scheduleRow, this.s.get.get(id));
  }

  list(filter: { channel?: string; kind?: ScheduleKind } = {}): Schedule[] {
    return parseRows(scheduleRow, this.s.all.all()).filter(
      (s) => (filter.channel === undefined || s.channel === filter.channel) && (filter.kind === undefined || s.kind === filter.kind),
    );
  }

  /** Schedules whose next slot is at or before `now`. */
  due(now: number): Schedule[] {
    return parseRows(scheduleRow, this.s.due.all(now));
  }

  /** The earliest slot any running schedule waits for, if any. */
  soonest(): number | null {
    return z.object({ at: z.number().nullable() }).parse(this.s.soonest.get()).at;
  }

  remove(id: string): boolean {
    return this.db.transaction(() => {
      this.s.removeFires.run(id);
      return this.s.remove.run(id).changes > 0;
    })();
  }

  /** Pauses (no slot waits) or resumes (the next slot after `now`: slots missed while paused do not fire). */
  setPaused(id: string, paused: boolean, now: number): Schedule | undefined {
    const schedule = this.get(id);
    if (!schedule) return undefined;
    this.s.setPaused.run(paused ? 1 : 0, paused ? null : nextRun(schedule.cron, schedule.tz, now), id);
    return this.get(id);
  }

  /**
   * Records that `slot` fired and moves the schedule on to its first slot after `now`, in one
   * transaction. False when the slot had fired already (the schedule is moved on all the same).
   */
  claim(schedule: Schedule, slot: number, now: number): boolean {
    return this.db.transaction(() => {
      const fresh = this.s.claim.run(schedule.id, slot, now).changes > 0;
      this.s.advance.run(nextRun(schedule.cron, schedule.tz, now), fresh ? slot : null, schedule.id);
      return fresh;
    })();
  }

  /** Forgets fired slots older than `before`: a slot that old can never be due again. */
  pruneFires(before: number): void {
    this.s.pruneFires.run(before);
  }
}
