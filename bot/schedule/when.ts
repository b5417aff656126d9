import { Cron } from 'croner';

/** A schedule as people say it, and the cron expression and time zone it runs by. */
export interface When {
  cron: string;
  tz: string;
  /** How the schedule reads back, e.g. "every weekday at 09:00 (Europe/Berlin)". */
  label: string;
}

export type WhenResult = { ok: true; when: When; rest: string } | { ok: false; error: string };

export const WHEN_EXAMPLES =
  '`weekday 09:00`, `day 08:30 tz:America/New_York`, `monday`, `6h`, `weekly mon 09:00`, or a cron expression in quotes such as `"0 9 * * 1-5"`';

const DAYS = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } as const satisfies Record<string, number>;
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const DEFAULT_TIME = { hour: 9, minute: 0 };
/** Hour and minute steps that divide the day or the hour evenly, so "every 5h" never means 0,5,10,15,20,0. */
const HOUR_STEPS = [1, 2, 3, 4, 6, 8, 12];
const MINUTE_STEPS = [5, 10, 15, 20, 30];

/** True when the runtime knows the IANA zone. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The next `n` run times of a schedule after `from` (ms since the epoch). */
export function nextRuns(cron: string, tz: string, from: number, n: number): number[] {
  return job(cron, tz)
    .nextRuns(n, new Date(from))
    .map((d) => d.getTime());
}

/** The run time after `from`, or null when the schedule never runs again. */
export function nextRun(cron: string, tz: string, from: number): number | null {
  return job(cron, tz).nextRun(new Date(from))?.getTime() ?? null;
}

/** The latest run time at or before `at`, or null when there was none. */
export function latestRun(cron: string, tz: string, at: number): number | null {
  // previousRuns looks strictly before its reference (to the second): one second on includes `at` itself.
  return (
    job(cron, tz)
      .previousRuns(1, new Date(at + 1000))[0]
      ?.getTime() ?? null
  );
}

/** A croner job that only computes times: without a callback croner arms no timer. */
function job(cron: string, tz: string): Cron {
  return new Cron(cron, { timezone: tz, mode: '5-part' });
}

/**
 * Reads a schedule from the front of `text` and returns what follows it (the command of an
 * automation). Accepts `weekday|weekdays|day|daily|hourly|weekly|<day name> [at] [HH:MM|9am]`,
 * `<n>h|<n>m`, a quoted cron expression, and `tz:<Zone>` anywhere among those words.
 */
export function parseWhen(text: string, defaultTz = 'UTC'): WhenResult {
  const words = tokens(text.trim());
  let tz = defaultTz;
  // A tz: word may sit anywhere among the schedule's words.
  const peek = (): string | undefined => {
    let word = words[0];
    while (word?.toLowerCase().startsWith('tz:')) {
      tz = word.slice(3);
      words.shift();
      word = words[0];
    }
    return word;
  };
  const take = (): string | undefined => {
    const word = peek();
    words.shift();
    return word;
  };

  const head = take();
  if (head === undefined) return { ok: false, error: `Say when: ${WHEN_EXAMPLES}.` };
  const word = head.toLowerCase();
  let cron: string;
  let label: string;

  const time = (): { hour: number; minute: number } | { error: string } => {
    if (peek()?.toLowerCase() === 'at') take();
    const next = peek();
    if (next === undefined || !/^\d{1,2}(:\d{2}|:\d{2}\s*[ap]m|[ap]m)$/i.test(next)) return DEFAULT_TIME;
    take();
    return clockTime(next) ?? { error: `\`${next}\` is not a time of day; say \`09:00\`, \`17:30\` or \`9am\`.` };
  };

  const quoted = /^["“”'](.*)["“”']$/.exec(head);
  if (quoted) {
    cron = (quoted[1] ?? '').trim();
    label = `on cron \`${cron}\``;
  } else if (word === 'weekday' || word === 'weekdays' || word === 'day' || word === 'daily' || word === 'weekly' || dayNumber(word) !== undefined) {
    let day = dayNumber(word);
    if (word === 'weekly') {
      day = dayNumber(peek()?.toLowerCase() ?? '') ?? 1;
      if (dayNumber(peek()?.toLowerCase() ?? '') !== undefined) take();
    }
    const t = time();
    if ('error' in t) return { ok: false, error: t.error };
    const at = `${pad(t.hour)}:${pad(t.minute)}`;
    const days = word === 'weekday' || word === 'weekdays' ? '1-5' : day === undefined ? '*' : String(day);
    cron = `${t.minute} ${t.hour} * * ${days}`;
    label = `every ${days === '1-5' ? 'weekday' : day === undefined ? 'day' : DAY_NAMES[day]} at ${at}`;
  } else if (word === 'hourly' || word === 'hour') {
    cron = '0 * * * *';
    label = 'every hour';
  } else {
    const step = /^(\d+)(h|m)$/.exec(word);
    if (!step) return { ok: false, error: `I can't read \`${head}\` as a schedule. Say ${WHEN_EXAMPLES}.` };
    const n = Number(step[1]);
    if (step[2] === 'h') {
      if (!HOUR_STEPS.includes(n))
        return {
          ok: false,
          error: `Every ${n}h does not divide the day evenly; use one of ${HOUR_STEPS.map((h) => `${h}h`).join(', ')}, or a cron expression.`,
        };
      cron = n === 1 ? '0 * * * *' : `0 */${n} * * *`;
      label = n === 1 ? 'every hour' : `every ${n} hours`;
    } else {
      if (!MINUTE_STEPS.includes(n)) return { ok: false, error: `Every ${n}m is not offered; use one of ${MINUTE_STEPS.map((m) => `${m}m`).join(', ')}.` };
      cron = `*/${n} * * * *`;
      label = `every ${n} minutes`;
    }
  }
  peek(); // a trailing tz: word belongs to the schedule
  if (!isTimeZone(tz)) return { ok: false, error: `\`${tz}\` is not a time zone I know; use an IANA name such as \`Europe/Berlin\` or \`America/New_York\`.` };
  try {
    job(cron, tz);
  } catch (error) {
    return {
      ok: false,
      error: `\`${cron}\` is not a cron expression I can run (${error instanceof Error ? error.message : String(error)}); it needs five fields: minute hour day month weekday.`,
    };
  }
  return { ok: true, when: { cron, tz, label: `${label} (${tz})` }, rest: words.join(' ') };
}

/** Splits on spaces, keeping a quoted cron expression as one word. */
function tokens(text: string): string[] {
  const quoted = /^(["“”'][^"“”']*["“”'])\s*(.*)$/s.exec(text);
  return quoted?.[1] === undefined ? split(text) : [quoted[1], ...split(quoted[2] ?? '')];
}

const split = (text: string) => text.split(/\s+/).filter((w) => w.length > 0);

function dayNumber(word: string): number | undefined {
  const key = word.slice(0, 3);
  if (!(key in DAYS)) return undefined;
  // "mon", "monday", "mondays" — not "month".
  const full = DAY_NAMES[DAYS[key as keyof typeof DAYS]].toLowerCase();
  return word === key || word === full || word === `${full}s` ? DAYS[key as keyof typeof DAYS] : undefined;
}

/** `09:00`, `9:30`, `9am`, `9:30pm` → hour and minute; undefined when the word is no time. */
function clockTime(word: string): { hour: number; minute: number } | undefined {
  const m = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$/i.exec(word);
  if (!m) return undefined;
  let hour = Number(m[1]);
  const minute = Number(m[2] ?? 0);
  const half = m[3]?.toLowerCase();
  if (half) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (half === 'pm' ? 12 : 0);
  }
  if (hour > 23 || minute > 59) return undefined;
  return { hour, minute };
}

const pad = (n: number) => String(n).padStart(2, '0');
