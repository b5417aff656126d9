// The bot's report records: tracked features, weekly settings, runs (with their numbers), and when PRs opened.
import { z } from 'zod';
import type { Db } from '../../shared/db/open.ts';
import { parseRow, parseRows } from '../../shared/db/rows.ts';
import { reportFeatureSchema, reportResultFrame, type ReportFeature, type ReportResult } from '../../shared/report-frames.ts';

const featureRow = z.object({
  name: z.string(),
  events: z.string(),
  flag: z.string().nullable(),
  goal: z.number().nullable(),
  since: z.number().nullable(),
});

const settingsRow = z.object({ channel: z.string(), schedule_id: z.string().nullable(), cron: z.string(), tz: z.string(), label: z.string() });
export type ReportSettings = z.output<typeof settingsRow>;

const runRow = z.object({
  id: z.string(),
  channel: z.string(),
  message_key: z.string(),
  as_of: z.number(),
  runner_id: z.string(),
  requested_by: z.string().nullable(),
  /** waiting (runner offline), asked, done, failed */
  state: z.enum(['waiting', 'asked', 'done', 'failed']),
  result: z.string().nullable(),
  created_at: z.number(),
});
export type ReportRun = z.output<typeof runRow>;

/** A report's result as kept: the numbers without the chart's bytes. */
const keptResult = reportResultFrame.omit({ chart: true });
export type KeptResult = z.output<typeof keptResult>;

const prRow = z.object({ task_id: z.string(), created_at: z.number(), opened_at: z.number(), merged_at: z.number().nullable() });

export class ReportStore {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      track: db.prepare(
        `INSERT INTO report_features (channel, name, events, flag, goal, since, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (channel, name) DO UPDATE SET events = excluded.events, flag = excluded.flag, goal = excluded.goal, since = excluded.since`,
      ),
      drop: db.prepare('DELETE FROM report_features WHERE channel = ? AND name = ?'),
      features: db.prepare('SELECT name, events, flag, goal, since FROM report_features WHERE channel = ? ORDER BY created_at, rowid'),
      setSettings: db.prepare(
        `INSERT INTO report_settings (channel, schedule_id, cron, tz, label, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (channel) DO UPDATE SET schedule_id = excluded.schedule_id, cron = excluded.cron, tz = excluded.tz, label = excluded.label`,
      ),
      settings: db.prepare('SELECT channel, schedule_id, cron, tz, label FROM report_settings WHERE channel = ?'),
      settingsBySchedule: db.prepare('SELECT channel, schedule_id, cron, tz, label FROM report_settings WHERE schedule_id = ?'),
      clearSettings: db.prepare('DELETE FROM report_settings WHERE channel = ?'),
      addRun: db.prepare(
        'INSERT INTO report_runs (id, channel, message_key, as_of, runner_id, requested_by, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      run: db.prepare('SELECT * FROM report_runs WHERE id = ?'),
      latestForMessage: db.prepare('SELECT id FROM report_runs WHERE message_key = ? ORDER BY created_at DESC, rowid DESC LIMIT 1'),
      waiting: db.prepare("SELECT * FROM report_runs WHERE runner_id = ? AND state = 'waiting' ORDER BY created_at"),
      finish: db.prepare('UPDATE report_runs SET state = ?, result = ? WHERE id = ?'),
      mark: db.prepare('UPDATE report_runs SET state = ? WHERE id = ?'),
      prOpened: db.prepare('INSERT OR IGNORE INTO report_prs (task_id, channel, created_at, opened_at) VALUES (?, ?, ?, ?)'),
      prMerged: db.prepare('UPDATE report_prs SET merged_at = COALESCE(merged_at, ?) WHERE task_id = ?'),
      prs: db.prepare('SELECT task_id, created_at, opened_at, merged_at FROM report_prs WHERE channel = ? AND (opened_at > ? OR merged_at > ?)'),
      tasksStarted: db.prepare('SELECT COUNT(*) AS n FROM tasks WHERE channel = ? AND created_at > ? AND created_at <= ?'),
    };
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  track(channel: string, feature: ReportFeature, user: string, now: number): void {
    this.s.track.run(channel, feature.name, JSON.stringify(feature.events), feature.flag ?? null, feature.goal ?? null, feature.since ?? null, user, now);
  }

  drop(channel: string, name: string): boolean {
    return this.s.drop.run(channel, name).changes > 0;
  }

  features(channel: string): ReportFeature[] {
    return parseRows(featureRow, this.s.features.all(channel)).map((row) =>
      reportFeatureSchema.parse({
        name: row.name,
        events: JSON.parse(row.events) as unknown,
        ...(row.flag !== null && { flag: row.flag }),
        ...(row.goal !== null && { goal: row.goal }),
        ...(row.since !== null && { since: row.since }),
      }),
    );
  }

  setSettings(channel: string, settings: Omit<ReportSettings, 'channel'>, user: string, now: number): void {
    this.s.setSettings.run(channel, settings.schedule_id, settings.cron, settings.tz, settings.label, user, now);
  }

  settings(channel: string): ReportSettings | undefined {
    return parseRow(settingsRow, this.s.settings.get(channel));
  }

  settingsBySchedule(scheduleId: string): ReportSettings | undefined {
    return parseRow(settingsRow, this.s.settingsBySchedule.get(scheduleId));
  }

  clearSettings(channel: string): void {
    this.s.clearSettings.run(channel);
  }

  addRun(run: Omit<ReportRun, 'result'>): void {
    this.s.addRun.run(run.id, run.channel, run.message_key, run.as_of, run.runner_id, run.requested_by, run.state, run.created_at);
  }

  run(id: string): ReportRun | undefined {
    return parseRow(runRow, this.s.run.get(id));
  }

  /** Whether `run` is the latest run shown in its message (an older answer arriving late must not overwrite a newer one). */
  isLatest(run: ReportRun): boolean {
    return z.object({ id: z.string() }).optional().parse(this.s.latestForMessage.get(run.message_key))?.id === run.id;
  }

  /** Runs waiting for this runner to come online. */
  waiting(runnerId: string): ReportRun[] {
    return parseRows(runRow, this.s.waiting.all(runnerId));
  }

  markAsked(id: string): void {
    this.s.mark.run('asked', id);
  }

  finish(id: string, result: ReportResult): void {
    const { chart: _chart, ...kept } = result;
    this.s.finish.run(result.error ? 'failed' : 'done', JSON.stringify(kept), id);
  }

  /** The numbers a run got, if it is done. */
  result(run: ReportRun): KeptResult | undefined {
    return run.result === null ? undefined : keptResult.parse(JSON.parse(run.result));
  }

  prOpened(taskId: string, channel: string, createdAt: number, now: number): void {
    this.s.prOpened.run(taskId, channel, createdAt, now);
  }

  prMerged(taskId: string, now: number): void {
    this.s.prMerged.run(now, taskId);
  }

  /** What Director did in a channel in the week (from, to]: tasks started, PRs opened and merged, median command → PR. */
  directorWeek(channel: string, from: number, to: number): { tasks: number; opened: number; merged: number; medianToPrMs: number | undefined } {
    const tasks = z.object({ n: z.number() }).parse(this.s.tasksStarted.get(channel, from, to)).n;
    const prs = parseRows(prRow, this.s.prs.all(channel, from, from)).filter((p) => p.opened_at <= to || (p.merged_at ?? Infinity) <= to);
    const opened = prs.filter((p) => p.opened_at > from && p.opened_at <= to);
    const merged = prs.filter((p) => p.merged_at !== null && p.merged_at > from && p.merged_at <= to).length;
    const waits = opened.map((p) => p.opened_at - p.created_at).sort((a, b) => a - b);
    const mid = Math.floor(waits.length / 2);
    const median = waits.length === 0 ? undefined : waits.length % 2 ? waits[mid] : ((waits[mid - 1] ?? 0) + (waits[mid] ?? 0)) / 2;
    return { tasks, opened: opened.length, merged, medianToPrMs: median };
  }
}
