// Automations' own rows, keyed by their schedule's id: the command, who made it, and the bookkeeping of its runs.
import { z } from 'zod';
import type { Db } from '../../shared/db/open.ts';
import { parseRow, parseRows } from '../../shared/db/rows.ts';

/** How a run ended. */
export const runOutcomeSchema = z.enum(['started', 'nothing', 'skipped', 'failed']);
export type AutomationOutcome = z.infer<typeof runOutcomeSchema>;

const automationRow = z.object({
  schedule_id: z.string(),
  channel: z.string(),
  team: z.string(),
  /** The command as typed after the schedule, e.g. `fix sentry errors users>20`. */
  command: z.string(),
  /** The maintainer who made it: runs are theirs. */
  created_by: z.string(),
  created_at: z.number(),
  last_run_at: z.number().nullable(),
  last_outcome: runOutcomeSchema.nullable(),
  last_detail: z.string().nullable(),
  /** The batch of the last run that started tasks. */
  last_batch: z.string().nullable(),
  /** Failed runs in a row. */
  failures: z.number(),
});
export type Automation = z.output<typeof automationRow>;

export class AutomationStore {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      add: db.prepare('INSERT INTO automations (schedule_id, channel, team, command, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      get: db.prepare('SELECT * FROM automations WHERE schedule_id = ?'),
      list: db.prepare('SELECT * FROM automations WHERE channel = ? ORDER BY created_at, schedule_id'),
      remove: db.prepare('DELETE FROM automations WHERE schedule_id = ?'),
      record: db.prepare(
        `UPDATE automations SET last_run_at = @at, last_outcome = @outcome, last_detail = @detail,
           last_batch = COALESCE(@batch, last_batch),
           failures = CASE @outcome WHEN 'failed' THEN failures + 1 WHEN 'skipped' THEN failures ELSE 0 END
         WHERE schedule_id = @id`,
      ),
      resetFailures: db.prepare('UPDATE automations SET failures = 0 WHERE schedule_id = ?'),
      addRun: db.prepare('INSERT INTO automation_runs (schedule_id, slot, at, outcome, detail) VALUES (?, ?, ?, ?, ?)'),
      runs: db.prepare('SELECT slot, at, outcome, detail FROM automation_runs WHERE schedule_id = ? ORDER BY id'),
    };
  }

  add(a: { scheduleId: string; channel: string; team: string; command: string; createdBy: string }, now: number): void {
    this.s.add.run(a.scheduleId, a.channel, a.team, a.command, a.createdBy, now);
  }

  get(scheduleId: string): Automation | undefined {
    return parseRow(automationRow, this.s.get.get(scheduleId));
  }

  list(channel: string): Automation[] {
    return parseRows(automationRow, this.s.list.all(channel));
  }

  remove(scheduleId: string): void {
    this.s.remove.run(scheduleId);
  }

  /** Records a run (its history row and the automation's last run) in one transaction; returns the automation after it. */
  record(scheduleId: string, run: { slot: number; at: number; outcome: AutomationOutcome; detail: string; batch?: string }): Automation | undefined {
    return this.db.transaction(() => {
      this.s.addRun.run(scheduleId, run.slot, run.at, run.outcome, run.detail);
      this.s.record.run({ id: scheduleId, at: run.at, outcome: run.outcome, detail: run.detail, batch: run.batch ?? null });
      return this.get(scheduleId);
    })();
  }

  resetFailures(scheduleId: string): void {
    this.s.resetFailures.run(scheduleId);
  }

  /** Every run of an automation, oldest first. */
  runs(scheduleId: string): { slot: number; at: number; outcome: AutomationOutcome; detail: string }[] {
    return parseRows(z.object({ slot: z.number(), at: z.number(), outcome: runOutcomeSchema, detail: z.string() }), this.s.runs.all(scheduleId));
  }
}
