// The issue list's parameters as Sentry reads them: the window (statsPeriod or start/end), the search query, the cursor.

/** A client error, answered as Sentry does: `{"detail": …}`. */
export class SentryApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
/** Sentry's issue stream looks at the last 14 days unless told otherwise. */
const DEFAULT_PERIOD = '14d';

/** The time window [from, to] of a request. */
export function windowOf(params: URLSearchParams, now: number): { from: number; to: number } {
  const start = params.get('start');
  const end = params.get('end');
  if (start || end) {
    const from = Date.parse(start ?? '');
    const to = Date.parse(end ?? '');
    if (!Number.isFinite(from) || !Number.isFinite(to)) throw new SentryApiError(400, 'start and end are both required');
    return { from, to };
  }
  const period = params.get('statsPeriod') || DEFAULT_PERIOD;
  const match = /^(\d+)([smhdw])$/.exec(period);
  const unit = match?.[2] ? UNITS[match[2]] : undefined;
  if (!match || unit === undefined) throw new SentryApiError(400, `Invalid statsPeriod: ${period}`);
  return { from: now - Number(match[1]) * unit, to: now };
}

/** What the emulator understands of the search query. */
export interface Search {
  status?: string;
  levels?: string[];
  text: string[];
  /** Conditions besides the default is:unresolved. */
  conditions: boolean;
}

const STATUSES = new Set(['unresolved', 'resolved', 'ignored', 'archived']);

export function parseSearch(query: string | null): Search {
  const search: Search = { text: [], conditions: false };
  for (const token of (query ?? 'is:unresolved').split(/\s+/).filter(Boolean)) {
    const [key, ...rest] = token.split(':');
    const value = rest.join(':');
    if (rest.length === 0) {
      search.text.push(token.toLowerCase());
      search.conditions = true;
    } else if (key === 'is' && STATUSES.has(value)) {
      search.status = value === 'archived' ? 'ignored' : value;
      if (value !== 'unresolved') search.conditions = true;
    } else if (key === 'level') {
      search.levels = value.replace(/^\[|\]$/g, '').split(',');
      search.conditions = true;
    } else {
      throw new SentryApiError(400, `Invalid search query: the emulator does not know "${token.slice(0, 60)}" (see emulators/sentry/SPEC.md)`);
    }
  }
  return search;
}

/** `value:offset:is_prev`; the emulator pages by offset. */
export function cursorOffset(cursor: string | null): number {
  if (!cursor) return 0;
  const match = /^\d+:(\d+):[01]$/.exec(cursor);
  if (!match) throw new SentryApiError(400, 'Invalid cursor parameter.');
  return Number(match[1]);
}

/** Both links, always, with `results` saying whether following one gives anything. */
export function linkHeader(url: URL, offset: number, limit: number, total: number): string {
  const at = (cursor: string) => {
    const next = new URL(url.toString());
    next.searchParams.set('cursor', cursor);
    return `<${next.toString()}>`;
  };
  const prev = `0:${Math.max(0, offset - limit)}:1`;
  const next = `0:${offset + limit}:0`;
  return [
    `${at(prev)}; rel="previous"; results="${offset > 0}"; cursor="${prev}"`,
    `${at(next)}; rel="next"; results="${offset + limit < total}"; cursor="${next}"`,
  ].join(', ');
}
