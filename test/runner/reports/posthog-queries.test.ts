import { PostHog } from 'posthog-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startPostHogEmulator, type PostHogEmulator } from '../../../emulators/posthog/index.ts';
import { systemClock } from '../../../shared/clock.ts';
import { createLogger } from '../../../shared/log.ts';
import { createRedactor } from '../../../shared/redact.ts';
import { DirectorCapture } from '../../../runner/reports/capture.ts';
import { PostHogQueries, PostHogQueryError } from '../../../runner/reports/posthog-api.ts';
import { buildReport } from '../../../runner/reports/report.ts';
import type { TaskRecord } from '../../../runner/tasks/store.ts';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

describe('the runner’s PostHog queries', () => {
  let emu: PostHogEmulator;
  let key: string;
  beforeEach(async () => {
    emu = await startPostHogEmulator();
    key = emu.addPersonalKey();
  });
  afterEach(() => emu.close());

  const client = (options: { apiKey?: string; queryTimeoutMs?: number } = {}) =>
    new PostHogQueries({ host: emu.url, projectId: emu.projectId, apiKey: options.apiKey ?? key, fetch, clock: systemClock, pollMs: 10, ...options });

  it('polls a query PostHog answers asynchronously until it completes', async () => {
    emu.insert({ event: 'e', distinctId: 'a', ts: Date.now() - 1000, properties: {} });
    emu.answerAsync = true;
    emu.asyncPolls = 3;
    expect(await client().rows("SELECT count() FROM events WHERE event = 'e'", 'count')).toEqual([[1]]);
  });

  it('gives up on a query that does not complete in time, naming the limit', async () => {
    emu.answerAsync = true;
    emu.asyncPolls = 1_000_000;
    const failed = await client({ queryTimeoutMs: 300 })
      .rows('SELECT count() FROM events', 'count')
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(PostHogQueryError);
    expect(failed).toMatchObject({ kind: 'timeout', message: 'the PostHog query took longer than 0.3 s' });
  });

  it('names the key variable and the query:read scope when PostHog refuses the key', async () => {
    const unscoped = emu.addPersonalKey(['insight:read']);
    const failed = await client({ apiKey: unscoped })
      .rows('SELECT count() FROM events', 'count')
      .catch((e: unknown) => e);
    expect(failed).toMatchObject({ kind: 'auth' });
    expect(String(failed)).toContain('POSTHOG_PERSONAL_API_KEY');
    expect(String(failed)).toContain("API key missing required scope 'query:read'");
    expect(String(failed)).not.toContain(unscoped);
  });

  it('a report without PostHog configured says which variables to set', async () => {
    const asOf = Date.now();
    const result = await buildReport({ type: 'report.request', requestId: 'r1', asOf, weeks: 8, features: [{ name: 'X', events: ['x'] }] }, undefined);
    expect(result.error).toContain('POSTHOG_HOST, POSTHOG_PROJECT_ID and POSTHOG_PERSONAL_API_KEY');
    expect(result.weekStarts).toHaveLength(8);
    expect((result.weekStarts[7] ?? 0) + WEEK_MS).toBe(asOf);
  });

  it('captures Director’s own events with posthog-node: ids, agents and durations, no task text; flushed at the end', async () => {
    const lines: string[] = [];
    const capture = new DirectorCapture({
      client: new PostHog(emu.projectToken, { host: emu.url, flushAt: 100, flushInterval: 60_000 }),
      runner: 'laptop',
      now: () => 1_000_000 + 90_000,
      log: createLogger({ level: 'warn', redact: createRedactor([]), sink: { write: (l) => lines.push(l) }, name: 'test' }),
    });
    const task = (state: TaskRecord['state'], pr: string | null) => ({ id: 'tabc', project: 'demo', agent: 'codex', state, pr_url: pr, created_at: 1_000_000 });
    capture.taskChanged(task('running', null));
    capture.taskChanged(task('running', null));
    capture.taskChanged(task('awaiting_review', 'https://github.com/acme/demo/pull/1'));
    capture.prMerged('tabc', 1_000_000);
    expect(emu.eventCount).toBe(0);
    await capture.flush();
    const events = emu.events().map((e) => ({ event: e.event, distinctId: e.distinctId, props: e.properties }));
    expect(events.map((e) => e.event)).toEqual(['director_task_started', 'director_pr_opened', 'director_pr_merged']);
    expect(events[1]).toMatchObject({ distinctId: 'director-runner:laptop', props: { task_id: 'tabc', agent: 'codex', project: 'demo', duration_ms: 90_000 } });
    expect(JSON.stringify(events)).not.toContain('github.com');
    expect(lines).toEqual([]);
  });
});
