/**
 * The report frames of the wire protocol (see `protocol.ts`): the bot asks a runner for a PostHog
 * report, the runner answers with numbers and a chart. The runner's PostHog key never travels;
 * neither do raw events.
 */
import { z } from 'zod';
import { webUrlSchema } from './web-url.ts';

/** A PostHog event name as a feature names it. */
export const eventNameSchema = z.string().regex(/^[A-Za-z0-9_$][A-Za-z0-9_$.:/ -]{0,99}$/, 'an event name: letters, digits and _ $ . : / - or space');
/** A feature flag key. */
export const flagKeySchema = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/, 'a flag key: letters, digits and _ . -');

/** A feature a channel tracks: the events that mean it was used, optionally its flag and weekly goal. */
export const reportFeatureSchema = z.object({
  name: z.string().min(1).max(80),
  events: z.array(eventNameSchema).min(1).max(10),
  flag: flagKeySchema.optional(),
  /** Unique users per week the feature should reach. */
  goal: z.number().int().positive().optional(),
  /** Launch (ms since epoch): nothing before it is counted. */
  since: z.number().int().optional(),
});
export type ReportFeature = z.infer<typeof reportFeatureSchema>;

/** Bot → runner: compute a report of `weeks` weeks ending at `asOf`. */
export const reportRequestFrame = z.object({
  type: z.literal('report.request'),
  /** Pairs the answer with the question. */
  requestId: z.string().max(100),
  /** End of the last week (ms since epoch); week w is (asOf − (w+1)·7 d, asOf − w·7 d]. */
  asOf: z.number().int(),
  weeks: z.number().int().min(2).max(12),
  features: z.array(reportFeatureSchema).max(20),
});

/** One week's numbers. */
const weekNumbersSchema = z.object({ users: z.number().int().min(0), events: z.number().int().min(0) });

/** One feature's numbers, or why they are missing. */
export const featureNumbersSchema = z.object({
  name: z.string().max(80),
  /** Oldest week first; the last is this week. Absent when the feature's queries failed. */
  weeks: z.array(weekNumbersSchema).max(12).optional(),
  /** This week, per variant of the feature's flag. */
  variants: z
    .array(z.object({ variant: z.string().max(100), exposed: z.number().int().min(0), users: z.number().int().min(0), events: z.number().int().min(0) }))
    .max(20)
    .optional(),
  /** The HogQL of the weekly numbers, for "Investigate" and "Open in PostHog". */
  query: z.string().max(4000),
  /** Why this feature has no numbers (the others still do). */
  error: z.string().max(1000).optional(),
});
export type FeatureNumbers = z.infer<typeof featureNumbersSchema>;

/** Runner → bot: the report's numbers and chart, or why there is none. */
export const reportResultFrame = z.object({
  type: z.literal('report.result'),
  requestId: z.string().max(100),
  /** Start of each week (ms since epoch), oldest first. */
  weekStarts: z.array(z.number().int()).max(12),
  features: z.array(featureNumbersSchema).max(20),
  /** The chart, a PNG in base64 (at most ~300 KB of bytes). */
  chart: z.object({ png: z.string().max(400_000), width: z.number().int(), height: z.number().int() }).optional(),
  /** The PostHog project, for "Open in PostHog". */
  projectUrl: webUrlSchema.optional(),
  /** Set when no feature could be reported (no PostHog configured, the key refused…). */
  error: z.string().max(1000).optional(),
});
export type ReportRequest = z.infer<typeof reportRequestFrame>;
export type ReportResult = z.infer<typeof reportResultFrame>;
