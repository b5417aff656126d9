import { PostHog } from 'posthog-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startPostHogEmulator, type PostHogEmulator } from '../../../emulators/posthog/index.ts';

const json = async (res: Response) => (await res.json()) as Record<string, unknown>;

describe('the PostHog emulator', () => {
  let emu: PostHogEmulator;
  let key: string;

  beforeEach(async () => {
    emu = await startPostHogEmulator();
    key = emu.addPersonalKey();
  });
  afterEach(() => emu.close());

  const ask = (body: unknown, auth = key, path = `/api/projects/${emu.projectId}/query/`) =>
    fetch(`${emu.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const hogql = (query: string, extra: Record<string, unknown> = {}) => ask({ query: { kind: 'HogQLQuery', query }, ...extra });

  it('stores what the real posthog-node sends to /batch/ (gzipped) and answers HogQL over it', async () => {
    const client = new PostHog(emu.projectToken, { host: emu.url, flushAt: 50, flushInterval: 0 });
    const at = Date.parse('2026-11-20T12:00:00Z');
    for (let i = 0; i < 6; i++)
      client.capture({ distinctId: `u${i % 3}`, event: 'checkout', properties: { plan: i % 2 ? 'pro' : 'free' }, timestamp: new Date(at + i * 60_000) });
    client.capture({ distinctId: 'u9', event: 'signup', timestamp: new Date(at) });
    await client.shutdown();
    expect(emu.eventCount).toBe(7);
    expect(emu.events()[0]?.properties.$lib).toBe('posthog-node');

    const res = await hogql(
      "SELECT properties.plan AS plan, count(DISTINCT person_id), count() FROM events WHERE event = 'checkout' AND timestamp >= toDateTime('2026-11-20 00:00:00') GROUP BY plan ORDER BY plan",
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { columns: string[]; results: unknown[][] };
    expect(body.columns).toEqual(['plan', 'count(DISTINCT person_id)', 'count()']);
    expect(body.results).toEqual([
      ['free', 3, 3],
      ['pro', 3, 3],
    ]);
  });

  it('buckets weeks with dateDiff and intDiv, and reads $feature/<key> in brackets', async () => {
    const end = Date.parse('2026-11-30T00:00:00Z');
    const day = 86_400_000;
    emu.insert({ event: 'e', distinctId: 'a', ts: end - 1 * day, properties: { '$feature/f': 'test' } });
    emu.insert({ event: 'e', distinctId: 'b', ts: end - 8 * day, properties: { '$feature/f': 'control' } });
    emu.insert({ event: 'e', distinctId: 'b', ts: end - 9 * day, properties: {} });
    const weeks = await hogql(
      "SELECT intDiv(dateDiff('second', timestamp, toDateTime('2026-11-30 00:00:00')), 604800) AS week, count(DISTINCT person_id), count() FROM events WHERE event IN ('e') GROUP BY week ORDER BY week",
    );
    expect(((await weeks.json()) as { results: unknown[] }).results).toEqual([
      [0, 1, 1],
      [1, 1, 2],
    ]);
    const variants = await hogql("SELECT properties['$feature/f'] AS v, count() FROM events WHERE event = 'e' GROUP BY v ORDER BY v");
    expect(((await variants.json()) as { results: unknown[] }).results).toEqual([
      ['control', 1],
      ['test', 1],
      [null, 1],
    ]);
  });

  it('answers what it does not support, and bad keys and scopes, in PostHog’s error shape', async () => {
    const join = await hogql('SELECT count() FROM persons');
    expect(join.status).toBe(400);
    expect(await json(join)).toMatchObject({ type: 'validation_error', detail: 'Unknown table "persons". This emulator has only "events".' });
    expect((await ask({ query: { kind: 'TrendsQuery', series: [] } })).status).toBe(400);
    expect((await hogql('SELECT foo(event) FROM events')).status).toBe(400);

    const wrong = await hogql('SELECT count() FROM events', {});
    expect(wrong.status).toBe(200);
    const bad = await ask({ query: { kind: 'HogQLQuery', query: 'SELECT 1 FROM events' } }, 'phx_nope');
    expect(bad.status).toBe(401);
    expect(await json(bad)).toMatchObject({ type: 'authentication_error', code: 'authentication_failed' });
    const unscoped = await ask({ query: { kind: 'HogQLQuery', query: 'SELECT count() FROM events' } }, emu.addPersonalKey(['insight:read']));
    expect(unscoped.status).toBe(403);
    expect(await json(unscoped)).toMatchObject({ detail: "API key missing required scope 'query:read'" });
  });

  it('throttles with Retry-After, and runs async queries to be polled', async () => {
    emu.throttle(1, 2);
    const throttled = await hogql('SELECT count() FROM events');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('2');
    emu.asyncPolls = 2;
    const started = await hogql('SELECT count() FROM events', { refresh: 'async' });
    expect(started.status).toBe(202);
    const { query_status } = (await started.json()) as { query_status: { id: string; complete: boolean } };
    expect(query_status.complete).toBe(false);
    const poll = async () =>
      (await (await fetch(`${emu.url}/api/projects/${emu.projectId}/query/${query_status.id}/`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
        query_status: { complete: boolean; results?: { results: unknown[][] } };
      };
    expect((await poll()).query_status.complete).toBe(false);
    expect((await poll()).query_status.complete).toBe(false);
    const done = await poll();
    expect(done.query_status).toMatchObject({ complete: true, results: { results: [[0]] } });
  });
});
