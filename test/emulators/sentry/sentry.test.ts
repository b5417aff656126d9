import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSentryEmulator, type SentryEmulator } from '../../../emulators/sentry/index.ts';

const HOUR = 3_600_000;

describe('the Sentry emulator', () => {
  let sentry: SentryEmulator;
  let now = Date.parse('2026-03-02T09:00:00Z');

  beforeEach(async () => {
    now = Date.parse('2026-03-02T09:00:00Z');
    sentry = await startSentryEmulator({ org: 'acme', projects: ['web', 'api'], now: () => now });
  });
  afterEach(() => sentry.close());

  const get = async (path: string, token = sentry.token) => {
    const res = await fetch(`${sentry.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, headers: res.headers, body: await res.json() };
  };
  const issuesPath = (extra = '') => `/api/0/organizations/acme/issues/?project=${sentry.projectId('web')}&statsPeriod=24h&query=is:unresolved${extra}`;

  it('lists issues seen in the window with Sentry’s field types: count a string, userCount a number, lifetime all time', async () => {
    const recent = sentry.addIssue({ project: 'web', title: 'TypeError: x is undefined', culprit: 'app/cart.js in total', events: [{ count: 5, users: 3 }] });
    sentry.addEvents(recent.id, 7, 7, 3 * 24 * HOUR);
    sentry.addIssue({ project: 'web', title: 'Old one', culprit: 'a.js', events: [{ count: 2, users: 2, agoMs: 3 * 24 * HOUR }] });
    sentry.addIssue({ project: 'api', title: 'Other project', culprit: 'b.js' });
    const { status, body } = await get(issuesPath());
    expect(status).toBe(200);
    expect(body).toMatchObject([
      {
        id: recent.id,
        shortId: 'WEB-1',
        count: '5',
        userCount: 3,
        level: 'error',
        permalink: `${sentry.url}/organizations/acme/issues/${recent.id}/`,
        metadata: { type: 'TypeError', value: 'x is undefined' },
        lifetime: { count: '12', userCount: 7 },
        filtered: null,
      },
    ]);
    expect((body as unknown[]).length).toBe(1);
    const week = await get(issuesPath().replace('24h', '7d'));
    expect((week.body as unknown[]).length).toBe(2);
  });

  it('pages with cursors: both links always present, results="false" on the last page', async () => {
    for (let i = 0; i < 5; i++) sentry.addIssue({ project: 'web', title: `Error ${i}`, culprit: 'x.js' });
    const first = await get(issuesPath('&limit=2'));
    expect((first.body as unknown[]).length).toBe(2);
    expect(first.headers.get('link')).toMatch(
      /rel="previous"; results="false"; cursor="0:0:1", <[^>]+cursor=0%3A2%3A0>; rel="next"; results="true"; cursor="0:2:0"/,
    );
    const last = await get(issuesPath('&limit=2&cursor=0:4:0'));
    expect((last.body as unknown[]).length).toBe(1);
    expect(last.headers.get('link')).toMatch(/rel="next"; results="false"/);
  });

  it('filters on level and sets `filtered` for a query with conditions; refuses search keys it does not know', async () => {
    sentry.addIssue({ project: 'web', title: 'Warn', culprit: 'w.js', level: 'warning' });
    sentry.addIssue({ project: 'web', title: 'Boom', culprit: 'b.js', level: 'error', events: [{ count: 3, users: 2 }] });
    const { body } = await get(issuesPath('%20level:error'));
    expect(body).toMatchObject([{ title: 'Boom', filtered: { count: '3', userCount: 2 } }]);
    expect((body as unknown[]).length).toBe(1);
    expect((await get(issuesPath('%20assigned:me'))).status).toBe(400);
    expect((await get(`/api/0/organizations/acme/issues/?project=web`)).status).toBe(400);
  });

  it('gives the latest event with its stack trace and breadcrumbs', async () => {
    const issue = sentry.addIssue({
      project: 'web',
      title: 'Error: boom',
      culprit: 'app/a.js in run',
      frames: [
        { filename: 'app/main.js', function: 'main', lineNo: 3 },
        { filename: 'app/a.js', function: 'run', lineNo: 10, context: [[10, 'throw new Error("boom")']] },
      ],
      breadcrumbs: [{ category: 'http', message: 'GET /api/cart 500' }],
    });
    const { status, body } = await get(`/api/0/organizations/acme/issues/${issue.id}/events/latest/`);
    expect(status).toBe(200);
    const entries = (body as { entries: { type: string; data: unknown }[] }).entries;
    expect(entries.map((e) => e.type)).toEqual(['exception', 'breadcrumbs']);
    expect(JSON.stringify(entries[0])).toContain('"function":"run","rawFunction":null,"lineNo":10');
    expect(JSON.stringify(entries[1])).toContain('GET /api/cart 500');
    expect((await get('/api/0/organizations/acme/issues/1/events/latest/')).status).toBe(404);
  });

  it('checks the bearer token and its scopes, and throttles with Retry-After', async () => {
    expect((await get(issuesPath(), 'nope')).body).toEqual({ detail: 'Invalid token' });
    const projectsOnly = sentry.addToken(['project:read']);
    expect((await get(issuesPath(), projectsOnly)).status).toBe(403);
    expect((await get('/api/0/organizations/acme/projects/', projectsOnly)).status).toBe(200);
    expect((await get('/api/0/organizations/other/projects/')).status).toBe(404);
    sentry.throttle(1, 3);
    const limited = await get(issuesPath());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect((await get(issuesPath())).status).toBe(200);
  });
});
