// A report request → the report.result frame: every feature's numbers (three at a time), then the chart.
import type { ReportRequest, ReportResult } from '../../shared/report-frames.ts';
import { renderChart } from './chart.ts';
import { featureNumbers, type RowSource } from './feature-numbers.ts';
import { PostHogQueryError } from './posthog-api.ts';
import { WEEK_MS } from './queries.ts';

/** PostHog answers three queries of a project at once; more wait in its queue. */
const CONCURRENT_FEATURES = 3;
/** A chart bigger than this is left out (Slack shows it, but the link frame has a limit). */
const MAX_PNG_BYTES = 280_000;

export interface ReportSource {
  rows: RowSource;
  projectUrl: string;
}

const NOT_CONFIGURED =
  'this runner has no PostHog: set POSTHOG_HOST, POSTHOG_PROJECT_ID and POSTHOG_PERSONAL_API_KEY (a personal API key with the query:read scope) on its machine';

/** Runs at most `limit` of `work` at once, keeping the order of results. */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** The answer to one report request; `source` is undefined when the runner has no PostHog configured. */
export async function buildReport(request: ReportRequest, source: ReportSource | undefined): Promise<ReportResult> {
  const weekStarts = Array.from({ length: request.weeks }, (_, i) => request.asOf - (request.weeks - i) * WEEK_MS);
  const empty = { type: 'report.result' as const, requestId: request.requestId, weekStarts, features: [] };
  if (!source) return { ...empty, error: NOT_CONFIGURED };
  const window = { asOf: request.asOf, weeks: request.weeks };
  try {
    const features = await pool(request.features, CONCURRENT_FEATURES, (feature) => featureNumbers(feature, window, source.rows));
    const charted = features.filter((f) => f.weeks !== undefined);
    // A chart that cannot be drawn leaves the numbers standing.
    const chart = charted.length > 0 ? await renderChart(weekStarts, charted).catch(() => undefined) : undefined;
    const fits = chart !== undefined && chart.png.length <= MAX_PNG_BYTES;
    return {
      ...empty,
      features,
      projectUrl: source.projectUrl,
      ...(fits && { chart: { png: chart.png.toString('base64'), width: chart.width, height: chart.height } }),
    };
  } catch (error) {
    if (error instanceof PostHogQueryError) return { ...empty, error: error.message };
    throw error;
  }
}
