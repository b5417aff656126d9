// The HogQL Director sends for a feature (emulators/posthog/SPEC.md lists the subset they use).
import type { ReportFeature } from '../../shared/report-frames.ts';

export const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/** A HogQL string literal. */
export function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A HogQL DateTime in UTC. */
export function dateTime(ms: number): string {
  return `toDateTime(${quote(new Date(ms).toISOString().slice(0, 19).replace('T', ' '))})`;
}

/** The report's window: week w is (asOf − (w+1)·7 d, asOf − w·7 d], counted from the feature's launch. */
export interface Window {
  asOf: number;
  weeks: number;
}

function range(feature: ReportFeature, window: Window, weeks = window.weeks): string {
  const from = Math.max(window.asOf - weeks * WEEK_MS, feature.since ?? Number.NEGATIVE_INFINITY);
  return `timestamp > ${dateTime(from)} AND timestamp <= ${dateTime(window.asOf)}`;
}

const eventsOf = (feature: ReportFeature) => `event IN (${feature.events.map(quote).join(', ')})`;

/** Unique users and events per week; week 0 is the latest. */
export function weeklyQuery(feature: ReportFeature, window: Window): string {
  return [
    `SELECT intDiv(dateDiff('second', timestamp, ${dateTime(window.asOf)}), 604800) AS week, count(DISTINCT person_id) AS users, count() AS events`,
    'FROM events',
    `WHERE ${eventsOf(feature)} AND ${range(feature, window)}`,
    'GROUP BY week ORDER BY week',
  ].join(' ');
}

/** This week's exposures per variant of the feature's flag (`$feature_flag_called`). */
export function exposureQuery(feature: ReportFeature & { flag: string }, window: Window): string {
  return [
    'SELECT properties.$feature_flag_response AS variant, count(DISTINCT person_id) AS exposed',
    'FROM events',
    `WHERE event = '$feature_flag_called' AND properties.$feature_flag = ${quote(feature.flag)} AND ${range(feature, window, 1)}`,
    'GROUP BY variant ORDER BY variant LIMIT 20',
  ].join(' ');
}

/** This week's usage per variant, from the `$feature/<flag>` property on the feature's events. */
export function variantUsageQuery(feature: ReportFeature & { flag: string }, window: Window): string {
  return [
    `SELECT properties[${quote(`$feature/${feature.flag}`)}] AS variant, count(DISTINCT person_id) AS users, count() AS events`,
    'FROM events',
    `WHERE ${eventsOf(feature)} AND ${range(feature, window, 1)}`,
    'GROUP BY variant ORDER BY variant LIMIT 20',
  ].join(' ');
}
