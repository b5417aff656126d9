// One feature's numbers from its queries' rows, parsed (never cast); a failure fails only this feature.
import { z } from 'zod';
import type { FeatureNumbers, ReportFeature } from '../../shared/report-frames.ts';
import { PostHogQueryError } from './posthog-api.ts';
import { exposureQuery, variantUsageQuery, weeklyQuery, type Window } from './queries.ts';

/** What the numbers are read from: rows of a HogQL query. */
export type RowSource = (hogql: string, name: string) => Promise<unknown[][]>;

const count = z.coerce.number().int().min(0);
const weekRow = z.tuple([z.coerce.number().int(), count, count]);
const variantName = z.union([z.string(), z.number(), z.boolean()]).nullable();
const exposureRow = z.tuple([variantName, count]);
const usageRow = z.tuple([variantName, count, count]);

function parseRows<T>(schema: z.ZodType<T>, rows: unknown[][], what: string): T[] {
  return rows.map((row) => {
    const parsed = schema.safeParse(row);
    if (!parsed.success)
      throw new PostHogQueryError('failed', `PostHog's answer to the ${what} query has an unexpected row: ${JSON.stringify(row).slice(0, 100)}`);
    return parsed.data;
  });
}

/** The numbers of one feature. Throws only an `auth` PostHogQueryError (the whole report stops); other failures are in `error`. */
export async function featureNumbers(feature: ReportFeature, window: Window, rows: RowSource): Promise<FeatureNumbers> {
  const query = weeklyQuery(feature, window);
  try {
    const weeks = Array.from({ length: window.weeks }, () => ({ users: 0, events: 0 }));
    for (const [week, users, events] of parseRows(weekRow, await rows(query, `director weekly ${feature.name}`), 'weekly')) {
      const at = window.weeks - 1 - week;
      if (at >= 0 && at < window.weeks) weeks[at] = { users, events };
    }
    if (!feature.flag) return { name: feature.name, weeks, query };
    const flagged = { ...feature, flag: feature.flag };
    const exposures = parseRows(exposureRow, await rows(exposureQuery(flagged, window), `director exposures ${feature.name}`), 'exposure');
    const usage = parseRows(usageRow, await rows(variantUsageQuery(flagged, window), `director variants ${feature.name}`), 'variant');
    const variants = new Map<string, { variant: string; exposed: number; users: number; events: number }>();
    const entry = (name: string) => variants.get(name) ?? { variant: name, exposed: 0, users: 0, events: 0 };
    for (const [name, exposed] of exposures) if (name !== null) variants.set(String(name), { ...entry(String(name)), exposed });
    for (const [name, users, events] of usage) if (name !== null) variants.set(String(name), { ...entry(String(name)), users, events });
    return { name: feature.name, weeks, variants: [...variants.values()].slice(0, 20), query };
  } catch (error) {
    if (error instanceof PostHogQueryError && error.kind === 'auth') throw error;
    return { name: feature.name, query, error: error instanceof Error ? error.message.slice(0, 1000) : String(error).slice(0, 1000) };
  }
}
