import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Scheduler, type ScheduleHandlers } from '../../bot/schedule/scheduler.ts';
import { ScheduleStore, type Schedule } from '../../bot/schedule/store.ts';
import { nextRuns, parseWhen } from '../../bot/schedule/when.ts';
import { botMigrations } from '../../bot/store/migrations.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';
import type { Clock } from '../../shared/clock.ts';
import { openDatabase, type Db } from '../../shared/db/open.ts';
import { createLogger } from '../../shared/log.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

function parsed(text: string) {
  const result = parseWhen(text);
  if (!result.ok) throw new Error(result.error);
  return result;
}

describe('schedules as people say them', () => {
  it('reads days, times, steps, zones and quoted cron expressions, and keeps the command that follows', () => {
    expect(parsed('weekday 09:00 fix top 3 issues label:bug')).toMatchObject({ when: { cron: '0 9 * * 1-5', tz: 'UTC' }, rest: 'fix top 3 issues label:bug' });
    expect(parsed('day at 08:30 tz:America/New_York fix sentry errors users>20')).toMatchObject({
      when: { cron: '30 8 * * *', tz: 'America/New_York', label: 'every day at 08:30 (America/New_York)' },
      rest: 'fix sentry errors users>20',
    });
    expect(parsed('monday do update the dependencies')).toMatchObject({ when: { cron: '0 9 * * 1' }, rest: 'do update the dependencies' });
    expect(parsed('tz:Europe/Berlin weekly fri 5pm')).toMatchObject({ when: { cron: '0 17 * * 5', tz: 'Europe/Berlin' }, rest: '' });
    expect(parsed('6h fix top 1 issue')).toMatchObject({ when: { cron: '0 */6 * * *', label: 'every 6 hours (UTC)' } });
    expect(parsed('"0 9 * * 1-5" do something')).toMatchObject({ when: { cron: '0 9 * * 1-5' }, rest: 'do something' });
    expect(parsed('“30 7 1 * *” do the monthly thing')).toMatchObject({ when: { cron: '30 7 1 * *' }, rest: 'do the monthly thing' });
    // "month…" is not Monday, and a command after "day" keeps its own words.
    expect(parseWhen('monthly do x')).toMatchObject({ ok: false });
  });

  it('refuses what it cannot run, saying what would work', () => {
    const error = (text: string) => {
      const result = parseWhen(text);
      return result.ok ? `accepted as ${result.when.cron}` : result.error;
    };
    expect(error('5h do x')).toMatch(/does not divide the day evenly; use one of 1h, 2h, 3h, 4h, 6h, 8h, 12h/);
    expect(error('day 25:00 do x')).toMatch(/`25:00` is not a time of day/);
    expect(error('day tz:Mars/Olympus do x')).toMatch(/`Mars\/Olympus` is not a time zone/);
    expect(error('"61 * * * *" do x')).toMatch(/not a cron expression I can run/);
    expect(error('whenever do x')).toMatch(/can't read `whenever` as a schedule/);
    expect(error('')).toMatch(/Say when/);
  });

  it('skips the weekend on weekdays, and keeps 09:00 local across a DST change', () => {
    const weekdays = nextRuns('0 9 * * 1-5', 'UTC', at('2026-11-27T10:00:00Z'), 2); // a Friday after nine
    expect(weekdays.map(iso)).toEqual(['2026-11-30T09:00:00.000Z', '2026-12-01T09:00:00.000Z']);
    // Berlin leaves CET for CEST on 2027-03-28: 09:00 local is 08:00Z before and 07:00Z after.
    const berlin = nextRuns('0 9 * * *', 'Europe/Berlin', at('2027-03-26T12:00:00Z'), 3);
    expect(berlin.map(iso)).toEqual(['2027-03-27T08:00:00.000Z', '2027-03-28T07:00:00.000Z', '2027-03-29T07:00:00.000Z']);
  });
});

describe('the scheduler', () => {
  let home: ReturnType<typeof tempHome>;
  let db: Db;
  let now: number;
  const clock: Clock = { now: () => now, sleep: () => Promise.resolve() };
  const log = createLogger({ level: 'silent', redact: (line) => line });
  const fired: { id: string; slot: string }[] = [];
  const handlers: ScheduleHandlers = {
    report: (schedule, slot) => {
      fired.push({ id: schedule.id, slot: iso(slot) });
      return Promise.resolve();
    },
    automation: (schedule, slot) => {
      fired.push({ id: schedule.id, slot: iso(slot) });
      return Promise.resolve();
    },
  };

  const open = () => {
    db = openDatabase({ file: join(home.dir, 'bot.sqlite'), migrations: botMigrations });
    const store = new ScheduleStore(db);
    return { store, scheduler: new Scheduler({ store, clock, handlers, log }) };
  };
  const daily = (store: ScheduleStore, createdAt: number): Schedule =>
    store.add({ kind: 'automation', channel: 'C1', cron: '0 9 * * *', tz: 'UTC', label: 'every day at 09:00 (UTC)', createdBy: 'U1' }, createdAt);

  beforeEach(() => {
    home = tempHome('director-schedule-');
    fired.length = 0;
  });
  afterEach(() => {
    db.close();
    home.remove();
  });

  it('fires a slot exactly once across a restart just before and just after its time', async () => {
    now = at('2026-12-01T08:00:00Z');
    let { store, scheduler } = open();
    const schedule = daily(store, now);
    now = at('2026-12-01T08:59:59Z');
    expect(await scheduler.tick()).toBe(0);
    await scheduler.close();
    db.close();

    // The bot restarts at 09:00:30: the 09:00 slot fires once, however often it ticks or restarts again.
    now = at('2026-12-01T09:00:30Z');
    ({ store, scheduler } = open());
    expect(await scheduler.tick()).toBe(1);
    expect(await scheduler.tick()).toBe(0);
    db.close();
    ({ store, scheduler } = open());
    expect(await scheduler.tick()).toBe(0);
    expect(fired).toEqual([{ id: schedule.id, slot: '2026-12-01T09:00:00.000Z' }]);
    expect(store.get(schedule.id)).toMatchObject({ nextAt: at('2026-12-02T09:00:00Z'), lastSlot: at('2026-12-01T09:00:00Z') });
  });

  it('collapses slots missed while the bot was down into one run for the latest', async () => {
    now = at('2026-12-01T08:00:00Z');
    const { store, scheduler } = open();
    const schedule = daily(store, now);
    now = at('2026-12-04T12:00:00Z');
    expect(await scheduler.tick()).toBe(1);
    expect(fired).toEqual([{ id: schedule.id, slot: '2026-12-04T09:00:00.000Z' }]);
  });

  it('a paused schedule does not fire, and resuming it does not fire the slots it missed', async () => {
    now = at('2026-12-01T08:00:00Z');
    const { store, scheduler } = open();
    const schedule = daily(store, now);
    store.setPaused(schedule.id, true, now);
    now = at('2026-12-02T10:00:00Z');
    expect(await scheduler.tick()).toBe(0);
    expect(store.setPaused(schedule.id, false, now)).toMatchObject({ paused: false, nextAt: at('2026-12-03T09:00:00Z') });
    expect(await scheduler.tick()).toBe(0);
    now = at('2026-12-03T09:00:05Z');
    expect(await scheduler.tick()).toBe(1);
    expect(fired.map((f) => f.slot)).toEqual(['2026-12-03T09:00:00.000Z']);
  });

  it('ticks that overlap fire once, and a failing run still uses up its slot', async () => {
    now = at('2026-12-01T08:00:00Z');
    const failing: ScheduleHandlers = {
      ...handlers,
      automation: async (schedule, slot) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        fired.push({ id: schedule.id, slot: iso(slot) });
        throw new Error('the runner is offline');
      },
    };
    db = openDatabase({ file: join(home.dir, 'bot.sqlite'), migrations: botMigrations });
    const store = new ScheduleStore(db);
    const scheduler = new Scheduler({ store, clock, handlers: failing, log });
    daily(store, now);
    now = at('2026-12-01T09:00:01Z');
    const counts = await Promise.all([scheduler.tick(), scheduler.tick()]);
    expect(counts).toEqual([1, 1]); // the second call joined the first tick
    expect(await scheduler.tick()).toBe(0);
    expect(fired).toHaveLength(1);
  });

  it('a removed schedule is gone with its fired slots', () => {
    now = at('2026-12-01T08:00:00Z');
    const { store } = open();
    const schedule = daily(store, now);
    expect(store.list({ channel: 'C1' }).map((s) => s.id)).toEqual([schedule.id]);
    expect(store.remove(schedule.id)).toBe(true);
    expect(store.list()).toEqual([]);
    expect(store.remove(schedule.id)).toBe(false);
  });
});
