// `feature …`, `features` and `report …`: the PostHog report commands.
import { eventNameSchema, flagKeySchema } from '../../shared/report-frames.ts';
import type { ReportCommand } from '../reports/command.ts';
import { parseWhen } from '../schedule/when.ts';

type Parsed = ReportCommand | { kind: 'invalid'; problem: string };

const TRACK_USAGE =
  'usage: `feature track "<name>" event:<event>[,<event>] [flag:<flag key>] [goal:<n> users/week] [since:<YYYY-MM-DD>]`, e.g. `feature track "Checkout v2" event:checkout_completed flag:checkout-v2 goal:500`';
const WEEKLY_USAGE = 'usage: `report weekly [mon 09:00] [tz:Europe/Berlin]` (a day and a 24-hour time; default monday 09:00 UTC)';

/** A report command, or undefined when `word` starts none. */
export function parseReportCommand(word: string, input: string): Parsed | undefined {
  const rest = input.slice(word.length).trim();
  if (word === 'features') return rest === '' ? { kind: 'features' } : { kind: 'invalid', problem: '`features` takes nothing' };
  if (word === 'feature') {
    const sub = rest.split(' ')[0]?.toLowerCase();
    const args = rest.slice(sub?.length ?? 0).trim();
    if (sub === 'track') return parseTrack(args);
    if (sub === 'drop') {
      const name = unquote(args);
      return name ? { kind: 'feature-drop', name } : { kind: 'invalid', problem: 'usage: `feature drop <name>` (`features` lists them)' };
    }
    return { kind: 'invalid', problem: `${TRACK_USAGE}; or \`feature drop <name>\`` };
  }
  if (word === 'report') {
    const sub = rest.split(' ')[0]?.toLowerCase() ?? '';
    const args = rest.slice(sub.length).trim();
    if (sub === 'now' && args === '') return { kind: 'report-now' };
    if (sub === 'off' && args === '') return { kind: 'report-off' };
    if (sub === 'weekly') return parseWeekly(args);
    return { kind: 'invalid', problem: 'usage: `report now`, `report weekly [mon 09:00] [tz:Europe/Berlin]` or `report off`' };
  }
  return undefined;
}

function unquote(text: string): string {
  return text.replace(/^["“”']|["“”']$/g, '').trim();
}

function parseTrack(args: string): Parsed {
  const quoted = /^["“]([^"”]{1,80})["”]\s*(.*)$/.exec(args);
  const bare = /^([^\s:]{1,80})\s*(.*)$/.exec(args);
  const name = quoted?.[1]?.trim() ?? bare?.[1];
  const options = quoted?.[2] ?? bare?.[2] ?? '';
  if (!name) return { kind: 'invalid', problem: TRACK_USAGE };
  const option = (key: string) => new RegExp(`(?:^|\\s)${key}:(\\S+)`, 'i').exec(options)?.[1];
  const events = (option('event') ?? option('events'))?.split(',').filter((e) => e !== '') ?? [];
  if (events.length === 0) return { kind: 'invalid', problem: `a feature needs the event that means it was used. ${TRACK_USAGE}` };
  if (events.length > 10) return { kind: 'invalid', problem: 'a feature has at most 10 events' };
  const badEvent = events.find((e) => !eventNameSchema.safeParse(e).success);
  if (badEvent !== undefined) return { kind: 'invalid', problem: `\`${badEvent.slice(0, 100)}\` is not an event name (letters, digits and _ $ . : / -)` };
  const flag = option('flag');
  if (flag !== undefined && !flagKeySchema.safeParse(flag).success)
    return { kind: 'invalid', problem: '`flag:` takes a feature flag key (letters, digits and _ . -)' };
  const goalText = option('goal');
  const goal = goalText === undefined ? undefined : Number(goalText.replace(/users?(?:\/week)?$/i, ''));
  if (goal !== undefined && (!Number.isInteger(goal) || goal < 1 || goal > 1e9))
    return { kind: 'invalid', problem: '`goal:` takes a number of unique users per week, e.g. `goal:500`' };
  const sinceText = option('since');
  const since = sinceText === undefined ? undefined : Date.parse(`${sinceText}T00:00:00Z`);
  if (sinceText !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(sinceText) || Number.isNaN(since)))
    return { kind: 'invalid', problem: '`since:` takes a date, e.g. `since:2026-11-02`' };
  const known = /^(?:(?:event|events|flag|goal|since):\S+|users\/week|users|per|week)$/i;
  const unknown = options.split(' ').find((w) => w !== '' && !known.test(w));
  if (unknown !== undefined) return { kind: 'invalid', problem: `\`${unknown.slice(0, 40)}\` is not a feature option. ${TRACK_USAGE}` };
  return { kind: 'feature-track', name, events, ...(flag && { flag }), ...(goal !== undefined && { goal }), ...(since !== undefined && { since }) };
}

/** `[mon 09:00] [tz:Zone]` → a weekly cron in that zone (the scheduler's own reading of times and zones). */
function parseWeekly(args: string): Parsed {
  const read = parseWhen(`weekly ${args}`);
  if (!read.ok) return { kind: 'invalid', problem: read.error };
  if (read.rest !== '') return { kind: 'invalid', problem: `\`${read.rest.slice(0, 40)}\` is not part of a weekly time. ${WEEKLY_USAGE}` };
  return { kind: 'report-weekly', cron: read.when.cron, tz: read.when.tz, label: read.when.label };
}
