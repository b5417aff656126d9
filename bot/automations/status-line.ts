// What an automation looks like in the channel: its status line (edited in place), its line in `automations`.
import { escapeMrkdwn } from '../../shared/text.ts';
import type { Schedule } from '../schedule/store.ts';
import { nextRuns } from '../schedule/when.ts';
import type { Automation, AutomationOutcome } from './store.ts';

/** The outbox key of an automation's status line: posted once, then edited. */
export const statusKey = (scheduleId: string) => `automation:${scheduleId}:status`;

/** A time in the reader's own zone, with a UTC fallback. */
export function when(ms: number): string {
  const fallback = `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${fallback}>`;
}

const OUTCOME = {
  started: 'started tasks',
  nothing: 'nothing to do',
  skipped: 'skipped',
  failed: 'failed',
} as const satisfies Record<AutomationOutcome, string>;

function lastRun(a: Automation): string {
  if (a.last_run_at === null || a.last_outcome === null) return 'not run yet';
  const detail = a.last_detail ? `: ${escapeMrkdwn(a.last_detail)}` : '';
  return `last run ${when(a.last_run_at)} — ${OUTCOME[a.last_outcome]}${detail}`;
}

function next(schedule: Schedule, now: number, n: number): string {
  if (schedule.paused) return '*paused*';
  const runs = nextRuns(schedule.cron, schedule.tz, now, n);
  return runs.length === 0 ? 'no further runs' : `next ${runs.map(when).join(', ')}`;
}

/** The automation's line in the channel, edited after every run. */
export function statusLine(a: Automation, schedule: Schedule, now: number): string {
  return `:repeat: Automation \`${a.schedule_id}\` — ${escapeMrkdwn(schedule.label)} — \`${escapeMrkdwn(a.command)}\` as <@${a.created_by}> — ${next(schedule, now, 1)} — ${lastRun(a)}`;
}

/** One automation in `/director automations`: the next three runs, the last run and its result. */
export function listLine(a: Automation, schedule: Schedule, now: number): string {
  return `• \`${a.schedule_id}\` ${escapeMrkdwn(schedule.label)}: \`${escapeMrkdwn(a.command)}\` (by <@${a.created_by}>)\n   ${next(schedule, now, 3)}\n   ${lastRun(a)}`;
}
