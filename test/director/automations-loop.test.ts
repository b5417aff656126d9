import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSentryEmulator, type SentryEmulator } from '../../emulators/sentry/index.ts';
import { until } from '../../emulators/support/until.ts';
import { startWholeLoop, type WholeLoop } from '../../emulators/world.ts';
import { ShiftedClock } from '../support/shifted-clock.ts';

const agent = (name: string) => ({ kind: 'command', command: new URL(`../fixtures/agents/${name}.sh`, import.meta.url).pathname, input: 'arg' });

describe('an automation in Slack: every day 09:00 fix sentry errors users>20', () => {
  let loop: WholeLoop;
  let sentry: SentryEmulator;
  const clock = new ShiftedClock();

  beforeEach(async () => {
    clock.set('2026-03-02T08:50:00Z'); // a Monday
    sentry = await startSentryEmulator({ org: 'acme', projects: ['web'], maxPerPage: 2, now: () => clock.now() });
    loop = await startWholeLoop({ issues: [], sentry, botClock: clock, agents: { edit: agent('edit'), sleepy: agent('sleepy') } });
  });

  afterEach(async () => {
    await loop.close();
    await sentry.close();
  });

  it('starts tasks for new issues over the threshold at 09:00, stays quiet when there is nothing new, skips while its tasks run, and pauses after three failures', async () => {
    const { slack, channel, github } = loop;
    const bot = loop.bot.bot;
    const issue = (title: string, users: number) => sentry.addIssue({ project: 'web', title, culprit: 'app/x.js', events: [{ count: users + 5, users }] });
    const a = issue('TypeError: alpha', 30);
    const b = issue('TypeError: beta', 25);
    const c = issue('TypeError: gamma', 50);
    const d = issue('TypeError: delta', 5);
    loop.startRunner();
    await until(() => loop.runner?.endpoint.connected, 20_000, 'runner connected');
    const alice = slack.person('U0ALICE');
    const say = async (who: string, text: string) => JSON.stringify((await slack.person(who).slash(channel, '/director', text)).ack);
    expect(await say('U0ALICE', 'init acme/demo --runner laptop --agent edit')).toContain('now directs');
    // gamma is already being fixed (a task that keeps running).
    await alice.slash(channel, '/director', 'fix sentry errors users>45 agent:sleepy');
    await until(() => slack.ephemerals(channel, 'U0ALICE').some((e) => e.text?.includes('Started 1 task(s)')), 30_000, 'gamma started');

    expect(await say('U0BOB', 'every day 09:00 fix sentry errors users>20')).toContain('Only this channel’s maintainers');
    const made = await say('U0ALICE', 'every day 09:00 fix sentry errors users>20');
    const id = /Automation `(s[0-9a-f]+)` made/.exec(made)?.[1] ?? '';
    expect(id).not.toBe('');
    const statusLine = () => slack.messages(channel).find((m) => m.text?.startsWith(`:repeat: Automation \`${id}\``))?.text ?? '';
    await until(() => statusLine().includes('not run yet'), 10_000, 'the status line');
    const listed = await say('U0ALICE', 'automations');
    expect(listed).toContain('2026-03-02 09:00 UTC');
    expect(listed).toContain('2026-03-04 09:00 UTC');

    clock.set('2026-03-02T08:59:59Z');
    expect(await bot.tickSchedules()).toBe(0);
    clock.set('2026-03-02T09:00:05Z');
    const listingsBefore = sentry.requests.filter((r) => r.path.endsWith('/issues/')).length;
    expect(await bot.tickSchedules()).toBe(1);
    expect(sentry.requests.filter((r) => r.path.endsWith('/issues/')).length - listingsBefore).toBe(2);
    const batch = () => slack.messages(channel).find((m) => m.text?.startsWith(`Automation ${id} (`));
    // The batch card counts its tasks by state ("1 running · 1 waiting"): two in all.
    const counted = (text: string) =>
      [...text.matchAll(/(\d+) (?:ready for review|finished|running|waiting|failed|stopped|interrupted)/g)].reduce((n, m) => n + Number(m[1]), 0);
    await until(() => counted(batch()?.text ?? '') === 2, 20_000, 'the automation’s batch card');
    const texts = () => slack.messages(channel).map((m) => m.text ?? '');
    await until(
      () => texts().some((t) => t.includes(`${b.shortId} TypeError: beta`)) && texts().some((t) => t.includes(`${a.shortId} TypeError: alpha`)),
      20_000,
      'both task cards',
    );
    const cards = texts();
    expect(cards.some((t) => t.includes(`${a.shortId} TypeError: alpha`))).toBe(true);
    expect(cards.some((t) => t.includes(`${b.shortId} TypeError: beta`))).toBe(true);
    expect(cards.filter((t) => t.includes(`${c.shortId} TypeError: gamma`))).toHaveLength(1);
    expect(cards.some((t) => t.includes(d.shortId))).toBe(false);
    await until(() => github.pulls('acme', 'demo').length === 2, 90_000, 'two draft PRs');
    await until(() => statusLine().includes('started tasks'), 10_000, 'the status line after the run');
    const ready = () => texts().filter((t) => /TypeError: (alpha|beta) — :large_green_circle: PR ready for review/.test(t)).length === 2;
    await until(ready, 30_000, 'both tasks awaiting review');

    // The next day: both issues have open PRs, gamma is still being fixed, delta is under the threshold.
    clock.set('2026-03-03T08:30:00Z');
    for (const issue of [a, b, c, d]) sentry.addEvents(issue.id, 30, issue === d ? 5 : 30);
    clock.set('2026-03-03T09:00:05Z');
    const posts = slack.messages(channel).length;
    expect(await bot.tickSchedules()).toBe(1);
    await until(() => statusLine().includes('nothing to do'), 10_000, 'the status line says nothing to do');
    expect(slack.messages(channel)).toHaveLength(posts);

    // A new issue, fixed by an agent that keeps running: the day after, the run is skipped.
    expect(await say('U0ALICE', 'init acme/demo --agent sleepy')).not.toContain('Only');
    clock.set('2026-03-04T08:50:00Z');
    const e = issue('TypeError: epsilon', 40);
    clock.set('2026-03-04T09:00:05Z');
    await bot.tickSchedules();
    await until(() => slack.messages(channel).some((m) => m.text?.includes(`${e.shortId} TypeError: epsilon`)), 20_000, 'epsilon started');
    clock.set('2026-03-05T09:00:05Z');
    await bot.tickSchedules();
    await until(() => statusLine().includes('skipped'), 10_000, 'a skipped run');
    expect(statusLine()).toContain('still active');

    // Three failed runs in a row (the runner is gone) pause it, and the channel is told once.
    expect(await say('U0ALICE', 'stop all')).toContain('Stopping');
    await until(
      () => !slack.messages(channel).some((m) => /TypeError: (gamma|epsilon)/.test(m.text ?? '') && !m.text?.includes('stopped')),
      30_000,
      'both stopped',
    );
    await loop.runner?.stop();
    loop.runner = undefined;
    await until(async () => (await say('U0ALICE', 'runners')).includes('offline'), 20_000, 'the bot sees the runner offline');
    for (const day of ['06', '07', '08']) {
      clock.set(`2026-03-${day}T09:00:05Z`);
      await bot.tickSchedules();
    }
    await until(
      () => slack.messages(channel).some((m) => m.text?.includes(`automation \`${id}\` failed 3 times in a row and is paused`)),
      10_000,
      'the pause notice',
    );
    expect(await say('U0ALICE', 'automations')).toContain('*paused*');
    clock.set('2026-03-09T09:00:05Z');
    expect(await bot.tickSchedules()).toBe(0);
  }, 180_000);
});
