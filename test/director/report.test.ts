import { inflateSync } from 'node:zlib';
import { PostHog } from 'posthog-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostHogEmulator, type PostHogEmulator } from '../../emulators/posthog/index.ts';
import { countWeeks, syntheticUsage, type SyntheticEvent } from '../../emulators/posthog/synthetic.ts';
import { until } from '../../emulators/support/until.ts';
import { startWholeLoop, type WholeLoop } from '../../emulators/world.ts';
import { TaskStore } from '../../runner/tasks/store.ts';

/** Width, height and whether the pixels vary, read from the PNG's own chunks. */
function readPng(bytes: Buffer): { width: number; height: number; distinctBytes: number } {
  expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  const idat: Buffer[] = [];
  let width = 0;
  let height = 0;
  for (let at = 8; at < bytes.length;) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('ascii', at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)];
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  const pixels = inflateSync(Buffer.concat(idat));
  return { width, height, distinctBytes: new Set(pixels).size };
}

const CHECKOUT = [10, 12, 14, 16, 18, 20, 26, 20];
const SEARCH = [8, 9, 10, 11, 12, 13, 14, 18];

describe('weekly PostHog feature reports in the channel', () => {
  let loop: WholeLoop;
  let posthog: PostHogEmulator;
  let key: string;
  let events: SyntheticEvent[];
  let investigation = '';

  beforeAll(async () => {
    posthog = await startPostHogEmulator();
    key = posthog.addPersonalKey(['query:read']);
    loop = await startWholeLoop({
      issues: [],
      runnerConfig: {
        POSTHOG_HOST: posthog.url,
        POSTHOG_PROJECT_ID: String(posthog.projectId),
        POSTHOG_PERSONAL_API_KEY: key,
        POSTHOG_CAPTURE: '1',
        POSTHOG_PROJECT_API_KEY: posthog.projectToken,
      },
    });
    loop.model.script('Investigate the feature', { turns: [{ steps: [{ message: 'Looked into it.' }] }] });
    // The real posthog-node client fills the emulator: 8 weeks of three features.
    events = syntheticUsage(
      [
        { event: 'checkout_completed', weeklyUsers: CHECKOUT, eventsPerUser: 2, flag: 'checkout-v2' },
        { event: 'search_used', weeklyUsers: SEARCH, eventsPerUser: 1 },
      ],
      Date.now(),
    );
    const client = new PostHog(posthog.projectToken, { host: posthog.url, flushAt: 100, flushInterval: 0 });
    for (const e of events) client.capture(e);
    await client.shutdown();
    expect(posthog.eventCount).toBe(events.length);

    loop.startRunner();
    await until(() => loop.runner?.endpoint.connected, 20_000, 'runner connected');
    const alice = loop.slack.person('U0ALICE');
    await alice.slash(loop.channel, '/director', 'init acme/demo --runner laptop');
    for (const command of [
      'feature track "Checkout v2" event:checkout_completed flag:checkout-v2 goal:15 users/week',
      'feature track "Search" event:search_used goal:50',
      'feature track "Dark mode" event:dark_mode_toggled',
    ])
      expect(JSON.stringify((await alice.slash(loop.channel, '/director', command)).ack)).toContain('Tracking');
  }, 120_000);

  afterAll(async () => {
    await loop.close();
    await posthog.close();
  });

  const report = () => loop.slack.messages(loop.channel).find((m) => m.text?.startsWith('Feature report'));
  const reportText = () => JSON.stringify(report()?.blocks ?? []);
  const files = () => {
    const root = report();
    return root ? loop.slack.thread(loop.channel, root.ts).flatMap((m) => m.files ?? []) : [];
  };
  /** Runs `report now` and waits for its numbers and, when `chart`, for its chart in the thread. */
  const runReport = async (waitFor: (text: string) => boolean, chart = true) => {
    const charts = files().length;
    const ack = JSON.stringify((await loop.slack.person('U0ALICE').slash(loop.channel, '/director', 'report now')).ack);
    expect(ack).toContain('Asking runner');
    await until(() => !reportText().includes('asking runner') && waitFor(reportText()), 30_000, 'the report');
    if (chart) await until(() => files().length > charts, 20_000, 'the chart in the thread');
    // One message, edited in place on every run.
    expect(loop.slack.messages(loop.channel).filter((m) => m.text?.startsWith('Feature report'))).toHaveLength(1);
  };

  it('posts one message with the right numbers, a chart in its thread and buttons', async () => {
    await runReport((text) => text.includes('Movers'));
    const asOf = Date.now();
    const checkout = countWeeks(events, 'checkout_completed', asOf, 8);
    const search = countWeeks(events, 'search_used', asOf, 8);
    const text = reportText();
    const now = checkout[7] ?? { users: 0, events: 0 };
    const last = checkout[6] ?? { users: 0, events: 0 };
    const wow = Math.round(((now.users - last.users) / last.users) * 100);
    expect(text).toContain(`*Checkout v2* — *${now.users}* users, ${now.events} events (▼ ${Math.abs(wow)} % week over week) · goal 15/week: ✅ met`);
    expect(text).toContain(checkout.map((w) => w.users).join(' → '));
    const s = search[7] ?? { users: 0, events: 0 };
    expect(text).toContain(`*Search* — *${s.users}* users, ${s.events} events`);
    expect(text).toContain(`goal 50/week: ❌ missed (${Math.round((s.users / 50) * 100)} %)`);
    expect(text).toContain('*Dark mode* — *0* users, 0 events (no users last week)');
    // Variants: half the users on each, every one exposed this week.
    const exposedControl = Math.ceil(now.users / 2);
    expect(text).toContain(`control: ${exposedControl} exposed, ${exposedControl} users, ${exposedControl * 2} events`);
    expect(text).toContain(`Checkout v2 fell ${Math.abs(wow)} % week over week, the largest drop.`);
    expect(text).toContain('Dark mode had no events this week.');
    expect(text).toContain('*Director this week:*');
    expect(text).toContain('Investigate Checkout v2');
    expect(text).toContain('Investigate Search');
    expect(text).not.toContain('Investigate Dark mode');
    expect(text).toContain(`${posthog.url}/project/${posthog.projectId}/sql?open_query=`);

    await until(() => files().length > 0, 20_000, 'the chart in the thread');
    const file = loop.slack.file(files()[0]?.id ?? '');
    expect(file?.mimetype).toBe('image/png');
    const png = readPng(file?.bytes ?? Buffer.alloc(0));
    expect(png.width).toBeGreaterThan(800);
    expect(png.height).toBeGreaterThan(400);
    expect(file?.bytes?.length).toBeLessThan(200_000);
    expect(png.distinctBytes).toBeGreaterThan(20);
    // Only numbers and the chart left the runner: the key never reached the bot.
    expect(loop.bot.logs.join('\n')).not.toContain(key);
  });

  it('"Investigate" starts a task whose prompt holds the numbers, the query and the dates', async () => {
    const root = report();
    if (!root) throw new Error('no report');
    const actionId = /"action_id":"(report_investigate_\d+)","text":\{"type":"plain_text","text":"Investigate Checkout v2"/.exec(reportText())?.[1] ?? '';
    await loop.slack.person('U0BOB').click(loop.channel, root.ts, actionId);
    await until(() => loop.slack.ephemerals(loop.channel, 'U0BOB').some((e) => e.text?.includes('to investigate')), 20_000, 'the task started');
    const taskId = /Started task `([a-z0-9]+)`/.exec(
      loop.slack.ephemerals(loop.channel, 'U0BOB').find((e) => e.text?.includes('to investigate'))?.text ?? '',
    )?.[1];
    const db = loop.runner?.db;
    if (!db || !taskId) throw new Error('no runner or task');
    investigation = taskId;
    await until(() => new TaskStore(db).get(taskId), 20_000, 'the task on the runner');
    const input = new TaskStore(db).get(taskId)?.input;
    const prompt = input?.kind === 'request' ? input.text : '';
    const now = countWeeks(events, 'checkout_completed', Date.now(), 8)[7];
    expect(prompt).toContain('Investigate the feature "Checkout v2"');
    expect(prompt).toContain(`${now?.users} users, ${now?.events} events`);
    expect(prompt).toContain("SELECT intDiv(dateDiff('second', timestamp");
    expect(prompt).toMatch(/this week is \d{4}-\d{2}-\d{2} → \d{4}-\d{2}-\d{2}/);
  });

  it('waits as a 429 tells it and still reports', async () => {
    const throttled = posthog.throttled;
    posthog.throttle(2, 1);
    await runReport((text) => text.includes('Checkout v2* — *'));
    expect(posthog.throttled - throttled).toBe(2);
    expect(reportText()).not.toContain('No report');
  });

  it('reports the other features when one feature’s query fails', async () => {
    posthog.failQueries((q) => q.includes("'search_used'"), 500, 'Query failed: the cluster is busy.');
    await runReport((text) => text.includes('*Search* — no numbers'));
    const text = reportText();
    expect(text).toContain('*Search* — no numbers: PostHog answered HTTP 500 (PostHog said: \\"Query failed: the cluster is busy.\\")');
    expect(text).toMatch(/\*Checkout v2\* — \*\d+\* users/);
  });

  it('says in the thread when Slack refuses the chart upload, and keeps the numbers', async () => {
    loop.slack.failNext('files.getUploadURLExternal', { error: 'missing_scope' });
    const root = report();
    if (!root) throw new Error('no report');
    const notes = () => loop.slack.thread(loop.channel, root.ts).filter((m) => m.text?.startsWith('The chart could not be uploaded'));
    const before = notes().length;
    await runReport(() => true, false);
    await until(() => notes().length > before, 20_000, 'the note in the thread');
    expect(notes().at(-1)?.text).toContain('missing_scope');
    expect(notes().at(-1)?.text).toContain('files:write');
  });

  it('refuses configuration by a non-maintainer', async () => {
    const bob = loop.slack.person('U0BOB');
    for (const command of ['feature track "X" event:x', 'feature drop Search', 'report weekly mon 09:00', 'report now', 'report off'])
      expect(JSON.stringify((await bob.slash(loop.channel, '/director', command)).ack)).toContain('Only this channel’s maintainers');
    expect(JSON.stringify((await bob.slash(loop.channel, '/director', 'features')).ack)).toContain('Checkout v2');
  });

  it('says which key and scope when PostHog refuses the key, and shows nothing else', async () => {
    const chartsBefore = files().length;
    posthog.revokeKey(key);
    await runReport((text) => text.includes('No report'), false);
    const text = reportText();
    expect(text).toContain('PostHog refused the personal API key in POSTHOG_PERSONAL_API_KEY');
    expect(text).toContain('query:read');
    expect(text).not.toContain('Investigate');
    expect(text).not.toContain('users, ');
    expect(files()).toHaveLength(chartsBefore);
  });

  it('captures Director’s own task start with posthog-node (POSTHOG_CAPTURE=1), flushed when the runner stops, without the task’s text', async () => {
    const runner = loop.runner;
    if (!runner || !investigation) throw new Error('no runner or investigation');
    const store = new TaskStore(runner.db);
    await until(() => ['finished', 'failed', 'awaiting_review'].includes(store.get(investigation)?.state ?? ''), 60_000, 'the investigation done');
    await runner.stop();
    loop.runner = undefined;
    const own = posthog.events().filter((e) => e.event.startsWith('director_'));
    expect(own.find((e) => e.event === 'director_task_started')?.properties).toMatchObject({ task_id: investigation, agent: 'codex', project: 'demo' });
    expect(JSON.stringify(own)).not.toContain('Investigate');
    expect(JSON.stringify(own)).not.toContain(key);
  });
});
