import { z } from 'zod';
import type { Db } from '../../shared/db/open.ts';
import { parseRow } from '../../shared/db/rows.ts';
import { doctorReportSchema, type DoctorReport } from '../doctor/report.ts';

/** What `director runner start` last recorded about its link, for `director runner status`. */
export const linkStatusSchema = z.object({
  status: z.enum(['connecting', 'connected', 'waiting', 'stopped']),
  /** When this status began (ms since epoch). */
  since: z.number(),
  /** Why the link is waiting or stopped. */
  reason: z.string().optional(),
  /** The runner process that wrote it. */
  pid: z.number(),
  /** Stopped by the bot's refusal (revoked token, protocol), which restarting cannot fix. */
  fatal: z.boolean().optional(),
});
export type LinkStatus = z.infer<typeof linkStatusSchema>;

export class RunnerStateStore {
  private readonly get;
  private readonly put;

  constructor(db: Db) {
    this.get = db.prepare('SELECT value FROM runner_state WHERE key = ?');
    this.put = db.prepare('INSERT INTO runner_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  }

  linkStatus(): LinkStatus | undefined {
    const row = parseRow(z.object({ value: z.string() }), this.get.get('link'));
    return row ? linkStatusSchema.parse(JSON.parse(row.value)) : undefined;
  }

  /** The last `director doctor` (or `runner start` checks) result, told to the bot in the hello. */
  doctor(): DoctorReport | undefined {
    const row = parseRow(z.object({ value: z.string() }), this.get.get('doctor'));
    const parsed = row ? doctorReportSchema.safeParse(JSON.parse(row.value)) : undefined;
    return parsed?.success ? parsed.data : undefined;
  }

  setDoctor(report: DoctorReport): void {
    this.put.run('doctor', JSON.stringify(doctorReportSchema.parse(report)));
  }

  setLinkStatus(status: LinkStatus): void {
    this.put.run('link', JSON.stringify(linkStatusSchema.parse(status)));
  }
}
