/** The report commands (parsed in `bot/commands/parse-reports.ts`, answered by `bot/reports/reports.ts`). */
export type ReportCommand =
  /** `feature track "<name>" event:<e>[,<e2>] [flag:<key>] [goal:<n> users/week] [since:<YYYY-MM-DD>]`. */
  | { kind: 'feature-track'; name: string; events: string[]; flag?: string; goal?: number; since?: number }
  /** `feature drop <name>`. */
  | { kind: 'feature-drop'; name: string }
  /** `features`: the channel's tracked features. */
  | { kind: 'features' }
  /** `report now`. */
  | { kind: 'report-now' }
  /** `report weekly [mon 09:00] [tz:Europe/Berlin]`: a cron expression in a time zone. */
  | { kind: 'report-weekly'; cron: string; tz: string; label: string }
  /** `report off`. */
  | { kind: 'report-off' };

export type ReportCommandKind = ReportCommand['kind'];
