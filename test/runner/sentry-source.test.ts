import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSentryEmulator, type SentryEmulator } from '../../emulators/sentry/index.ts';
import { openDatabase } from '../../shared/db/open.ts';
import { createRedactor } from '../../shared/redact.ts';
import type { SentryQuery } from '../../shared/protocol.ts';
import { taskPrompt } from '../../runner/agents/prompt.ts';
import { pullRequestBody } from '../../runner/publish/body.ts';
import { SentryClient } from '../../runner/sentry/client.ts';
import { SentrySource } from '../../runner/sentry/source.ts';
import { runnerMigrations } from '../../runner/store/migrations.ts';
import { TaskStore } from '../../runner/tasks/store.ts';
import { quietLog } from '../support/link-harness.ts';
import { VirtualClock } from '../support/virtual-clock.ts';

const query = (over: Partial<SentryQuery> = {}): SentryQuery => ({ since: '24h', top: 10, busy: [], ...over });
const LEAK = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';

describe('the runner’s Sentry source against the Sentry emulator', () => {
  let sentry: SentryEmulator;
  let clock: VirtualClock;
  let store: TaskStore;
  let closeDb: () => void;

  beforeEach(async () => {
    clock = new VirtualClock(Date.parse('2026-03-02T09:00:00Z'));
    sentry = await startSentryEmulator({ org: 'acme', projects: ['web'], now: () => clock.now(), maxPerPage: 2 });
    const db = openDatabase({ file: ':memory:', migrations: runnerMigrations });
    store = new TaskStore(db);
    closeDb = () => db.close();
  });
  afterEach(async () => {
    closeDb();
    await sentry.close();
  });

  const source = (over: { token?: string; sentryProject?: string | null; fixedByPulls?: string[] } = {}) =>
    new SentrySource({
      client: new SentryClient({ url: sentry.url, org: 'acme', token: over.token ?? sentry.token, fetch, clock, log: quietLog }),
      projects: new Map([['demo', { repo: 'acme/demo', ...(over.sentryProject !== null && { sentryProject: over.sentryProject ?? 'web' }) }]]),
      store,
      ...(over.fixedByPulls && { fixedByOpenPulls: (repo: string) => Promise.resolve(new Set(repo === 'acme/demo' ? over.fixedByPulls : [])) }),
      redact: createRedactor([sentry.token]),
      url: sentry.url,
      org: 'acme',
    });

  it('follows cursors and keeps issues over the user threshold in the window, most users first, without busy or covered ones', async () => {
    const a = sentry.addIssue({ project: 'web', title: 'A', culprit: 'a.js', events: [{ count: 30, users: 25 }] });
    const b = sentry.addIssue({ project: 'web', title: 'B', culprit: 'b.js', events: [{ count: 40, users: 40 }] });
    sentry.addIssue({ project: 'web', title: 'Few users', culprit: 'c.js', events: [{ count: 50, users: 5 }] });
    const busy = sentry.addIssue({ project: 'web', title: 'Busy', culprit: 'd.js', events: [{ count: 30, users: 30 }] });
    const old = sentry.addIssue({ project: 'web', title: 'Old', culprit: 'e.js', events: [{ count: 90, users: 90, agoMs: 3 * 86_400_000 }] });
    const covered = sentry.addIssue({ project: 'web', title: 'Has a task', culprit: 'f.js', events: [{ count: 22, users: 22 }] });
    store.create(
      { id: 'tcov', project: 'demo', agent: 'codex', title: 'x', input: source().placeholder('demo', covered.id, covered.shortId, 'x') },
      clock.now(),
    );
    const found = await source().find('demo', query({ usersOver: 20, busy: [busy.id] }));
    expect(found.error).toBeUndefined();
    expect(found.issues.map((i) => i.id)).toEqual([b.id, a.id]);
    expect(found.covered).toBe(2);
    expect(found.issues[0]).toMatchObject({ shortId: b.shortId, users: 40, events: 40, url: `${sentry.url}/organizations/acme/issues/${b.id}/` });
    expect(found.issues.some((i) => i.id === old.id)).toBe(false);
    expect(sentry.requests.filter((r) => r.path.endsWith('/issues/')).length).toBe(3);
    expect((await source().find('demo', query({ eventsOver: 45 }))).issues.map((i) => i.title)).toEqual(['Few users']);
    expect((await source().find('demo', query({ usersOver: 20, top: 1 }))).issues.map((i) => i.title)).toEqual(['B']);
    const withPull = await source({ fixedByPulls: [b.shortId] }).find('demo', query({ usersOver: 20 }));
    expect(withPull.issues.map((i) => i.title)).toEqual(['Busy', 'A']);
    expect(withPull.covered).toBe(2);
  });

  it('says which variable or config key to fix: bad token, missing scope, unmapped project', async () => {
    sentry.addIssue({ project: 'web', title: 'A', culprit: 'a.js' });
    expect((await source({ token: 'sntryu_wrong_wrong_wrong_wrong' }).find('demo', query())).error).toMatch(/SENTRY_AUTH_TOKEN.*event:read and project:read/);
    const eventsOnly = sentry.addToken(['event:read']);
    expect((await source({ token: eventsOnly }).find('demo', query())).error).toMatch(/SENTRY_AUTH_TOKEN may not do this.*project:read/);
    expect((await source({ sentryProject: null }).find('demo', query())).error).toMatch(/set "sentryProject".*PROJECTS/);
    expect((await source({ sentryProject: 'nope' }).find('demo', query())).error).toMatch(/no project "nope".*sentryProject/);
  });

  it('waits as a 429 tells it, then goes on', async () => {
    sentry.addIssue({ project: 'web', title: 'A', culprit: 'a.js', events: [{ count: 3, users: 3 }] });
    sentry.throttle(2, 7);
    const before = clock.now();
    expect((await source().find('demo', query())).issues).toHaveLength(1);
    expect(clock.now() - before).toBe(14_000);
  });

  it('builds the prompt from the issue and its latest event, redacted and fenced; the PR body says Fixes <SHORT-ID>', async () => {
    const issue = sentry.addIssue({
      project: 'web',
      title: 'TypeError: cart is undefined',
      culprit: 'app/cart.js in total',
      events: [{ count: 30, users: 21 }],
      frames: [
        { filename: 'app/main.js', function: 'main', lineNo: 3 },
        { filename: 'app/cart.js', function: 'total', lineNo: 10, context: [[10, `fetch(url, { headers: { auth: "${LEAK}" } })`]] },
      ],
      // The second crumb's token straddles where a long message is cut: redacted first, so not even its start survives.
      breadcrumbs: [
        { category: 'http', message: `GET /api/cart?token=${LEAK} 500` },
        { category: 'log', message: `${'x'.repeat(290)} ${LEAK}` },
      ],
    });
    const input = await source().input(source().placeholder('demo', issue.id, issue.shortId, 'whatever the bot said'));
    const prompt = taskPrompt(input);
    expect(prompt).toContain('TypeError: cart is undefined');
    expect(prompt).toContain('Culprit: app/cart.js in total');
    expect(prompt).toContain('Events: 30, users: 21 (all time)');
    expect(prompt).toContain(`Link: ${sentry.url}/organizations/acme/issues/${issue.id}/`);
    expect(prompt).toMatch(
      /Stack trace of the latest event[^\n]*:\n```text\nTypeError: cart is undefined\n {2}at main \(app\/main.js:3:1\)\n {2}at total \(app\/cart.js:10:1\)/,
    );
    expect(prompt).toContain('[http] info: GET /api/cart?token=[REDACTED] 500');
    expect(prompt).not.toContain(LEAK);
    expect(prompt).not.toContain(LEAK.slice(0, 8));
    const body = pullRequestBody(input, 'Guarded the cart.', undefined, createRedactor());
    expect(body).toContain(`Fixes ${issue.shortId}`);
  });
});
