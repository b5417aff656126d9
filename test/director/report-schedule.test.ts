import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../shared/clock.ts';
import { startBotAgainst } from '../../emulators/support/bot-harness.ts';
import { until } from '../../emulators/support/until.ts';
import { startWholeLoop, type WholeLoop } from '../../emulators/world.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('the weekly report on its schedule', () => {
  let loop: WholeLoop;
  beforeEach(async () => {
    loop = await startWholeLoop({ issues: [] });
  });
  afterEach(() => loop.close());

  const reports = () => loop.slack.messages(loop.channel).filter((m) => m.text?.startsWith('Feature report'));
  /** Report runs the bot recorded (a re-run the same day edits the same message, so messages alone cannot tell). */
  const runs = () => {
    const db = new Database(join(loop.home, 'bot', 'bot.sqlite'), { readonly: true });
    try {
      return db.prepare('SELECT id FROM report_runs').all().length;
    } finally {
      db.close();
    }
  };

  it('fires once for the latest of the slots missed while the bot was down, across restarts, and says the runner is offline', async () => {
    const alice = loop.slack.person('U0ALICE');
    await alice.slash(loop.channel, '/director', 'init acme/demo --runner laptop');
    await alice.slash(loop.channel, '/director', 'feature track "Search" event:search_used goal:50');
    const set = JSON.stringify((await alice.slash(loop.channel, '/director', 'report weekly mon 09:00 tz:Europe/Berlin')).ack);
    expect(set).toContain('every Monday at 09:00 (Europe/Berlin)');
    expect(JSON.stringify((await alice.slash(loop.channel, '/director', 'features')).ack)).toContain('Weekly report: every Monday at 09:00 (Europe/Berlin)');
    expect(reports()).toHaveLength(0);

    // The bot is down while two and a bit weeks pass: two Monday slots are missed.
    await loop.bot.stop();
    const later = Date.now() + 15 * DAY_MS;
    const clock: Clock = { now: () => Date.now() + 15 * DAY_MS, sleep: (ms, signal) => systemClock.sleep(ms, signal) };
    const restart = async () => {
      loop.bot = await startBotAgainst(loop.slack, { mode: 'socket', home: join(loop.home, 'bot'), clock });
    };
    await restart();
    await until(() => reports().length === 1, 20_000, 'the scheduled report');
    const report = reports()[0];
    const date = /week to (\d{4}-\d{2}-\d{2})/.exec(report?.text ?? '')?.[1] ?? '';
    const slotDay = Date.parse(`${date}T00:00:00Z`);
    // The latest Monday (09:00 in Berlin is the same UTC date) within the week before "now".
    expect(new Date(slotDay).getUTCDay()).toBe(1);
    expect(later - slotDay).toBeLessThan(8 * DAY_MS);
    expect(later - slotDay).toBeGreaterThan(0);
    expect(report?.text).toContain('waiting for runner laptop, which is offline');

    // Restarted again within the same week: that slot does not fire a second time.
    await loop.bot.stop();
    await restart();
    await loop.bot.bot.outbox.idle();
    expect(reports()).toHaveLength(1);
    expect(runs()).toBe(1);

    expect(JSON.stringify((await alice.slash(loop.channel, '/director', 'report off')).ack)).toContain('The weekly report is off');
    expect(JSON.stringify((await alice.slash(loop.channel, '/director', 'features')).ack)).toContain('No weekly report');
  });
});
