// A PostHog report of 10 features × 8 weeks over 1,000,000 events in the emulator: the runner's time
// from request to chart bytes (without the emulator's query time, reported apart) and the PNG's size.
import { systemClock } from '../shared/clock.ts';
import type { ReportFeature } from '../shared/report-frames.ts';
import { startPostHogEmulator } from '../emulators/posthog/index.ts';
import { PostHogQueries } from '../runner/reports/posthog-api.ts';
import { buildReport } from '../runner/reports/report.ts';
import type { BenchRow } from './table.ts';

const EVENTS = 1_000_000;
const FEATURES = 10;
const WEEKS = 8;
const USERS = 20_000;
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

export async function benchPostHogReport(): Promise<BenchRow[]> {
  const emu = await startPostHogEmulator();
  try {
    const asOf = Date.now();
    const features: ReportFeature[] = Array.from({ length: FEATURES }, (_, f) => ({
      name: `Feature ${f + 1}`,
      events: [`feature_${f + 1}_used`],
      ...(f % 3 === 0 && { flag: `flag-${f + 1}` }),
      goal: 5000,
    }));
    // Shared property objects: a million events stay within a few hundred MB.
    const variants = features.map((f) => (f.flag ? [{ [`$feature/${f.flag}`]: 'control' }, { [`$feature/${f.flag}`]: 'test' }] : [{}]));
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    let inserted = 0;
    for (let i = 0; inserted < EVENTS; i++) {
      const f = i % FEATURES;
      const feature = features[f];
      if (!feature) continue;
      const user = Math.floor(random() * USERS);
      const ts = asOf - Math.floor(random() * WEEKS * WEEK_MS);
      const flag = feature.flag;
      if (flag && random() < 0.1) {
        emu.insert({
          event: '$feature_flag_called',
          distinctId: `u${user}`,
          ts,
          properties: { $feature_flag: flag, $feature_flag_response: user % 2 ? 'test' : 'control' },
        });
        inserted++;
        continue;
      }
      emu.insert({ event: feature.events[0] ?? '', distinctId: `u${user}`, ts, properties: variants[f]?.[user % 2] ?? {} });
      inserted++;
    }
    const queries = new PostHogQueries({ host: emu.url, projectId: emu.projectId, apiKey: emu.addPersonalKey(), fetch, clock: systemClock });
    const source = { rows: (hogql: string, name: string) => queries.rows(hogql, name), projectUrl: queries.projectUrl };
    const request = { type: 'report.request' as const, requestId: 'bench', asOf, weeks: WEEKS, features };
    // One warm-up (module loading, the font), then the measured run.
    await buildReport({ ...request, features: features.slice(0, 1) }, source);
    const queryBefore = emu.queryMs;
    const countBefore = emu.queries().length;
    const started = performance.now();
    const result = await buildReport(request, source);
    const total = performance.now() - started;
    const queryMs = emu.queryMs - queryBefore;
    const runnerMs = total - queryMs;
    const png = Buffer.from(result.chart?.png ?? '', 'base64').length;
    const failed = result.features.filter((f) => f.error).length + (result.error ? 1 : 0);
    for (const f of result.features) if (f.error) console.error(`${f.name}: ${f.error}`);
    if (result.error) console.error(result.error);
    return [
      {
        benchmark: 'posthog report',
        measure: `runner: request → chart bytes (10 features × 8 weeks, ${emu.eventCount.toLocaleString('en-US')} events)`,
        value: `${runnerMs.toFixed(0)} ms`,
        goal: '≤ 1000 ms',
        verdict: runnerMs <= 1000 && failed === 0 ? 'ok' : 'MISSED',
      },
      {
        benchmark: 'posthog report',
        measure: `emulator query time (${emu.queries().length - countBefore} queries, apart)`,
        value: `${queryMs.toFixed(0)} ms`,
        goal: '',
        verdict: '',
      },
      {
        benchmark: 'posthog report',
        measure: 'chart PNG size',
        value: `${(png / 1024).toFixed(0)} KB`,
        goal: '≤ 200 KB',
        verdict: png > 0 && png <= 200 * 1024 ? 'ok' : 'MISSED',
      },
    ];
  } finally {
    await emu.close();
  }
}
