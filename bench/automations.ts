// The scheduler with 1,000 automations across 200 channels: CPU per tick when nothing is due, and computing every next run.
import { join } from 'node:path';
import { AutomationStore } from '../bot/automations/store.ts';
import { Scheduler } from '../bot/schedule/scheduler.ts';
import { ScheduleStore } from '../bot/schedule/store.ts';
import { nextRun, nextRuns, parseWhen } from '../bot/schedule/when.ts';
import { botMigrations } from '../bot/store/migrations.ts';
import { tempHome } from '../emulators/support/temp-home.ts';
import { openDatabase } from '../shared/db/open.ts';
import { createLogger } from '../shared/log.ts';
import { createRedactor } from '../shared/redact.ts';
import type { BenchRow } from './table.ts';

const AUTOMATIONS = 1000;
const CHANNELS = 200;
const TICKS = 500;
const WHENS = ['day 09:00', 'weekday 08:30 tz:America/New_York', 'monday 10:00 tz:Europe/Berlin', '6h', '"15 3 * * 1-5"', 'day 17:45 tz:Asia/Tokyo'];

export async function benchAutomations(): Promise<BenchRow[]> {
  const home = tempHome('director-bench-automations-');
  const db = openDatabase({ file: join(home.dir, 'bot.sqlite'), migrations: botMigrations });
  try {
    const start = Date.parse('2026-03-02T09:00:30Z');
    let now = start;
    const clock = { now: () => now, sleep: () => Promise.resolve() };
    const schedules = new ScheduleStore(db);
    const automations = new AutomationStore(db);
    let fired = 0;
    for (let i = 0; i < AUTOMATIONS; i++) {
      const parsed = parseWhen(WHENS[i % WHENS.length] ?? 'day 09:00');
      if (!parsed.ok) throw new Error(parsed.error);
      const channel = `C${String(i % CHANNELS).padStart(6, '0')}`;
      const schedule = schedules.add({ kind: 'automation', channel, ...parsed.when, createdBy: 'U0BENCH' }, now);
      automations.add({ scheduleId: schedule.id, channel, team: 'T1', command: 'fix sentry errors users>20', createdBy: 'U0BENCH' }, now);
    }
    const log = createLogger({ level: 'silent', redact: createRedactor() });
    const scheduler = new Scheduler({
      store: schedules,
      clock,
      log,
      handlers: { automation: () => Promise.resolve(void fired++), report: () => Promise.resolve() },
    });

    // Nothing is due a second after they were made.
    now = start + 1000;
    await scheduler.tick(); // warm up the statements
    const cpu = process.cpuUsage();
    const wall = performance.now();
    for (let i = 0; i < TICKS; i++) await scheduler.tick();
    const idleWallMs = (performance.now() - wall) / TICKS;
    const used = process.cpuUsage(cpu);
    const idleCpuMs = (used.user + used.system) / 1000 / TICKS;
    if (fired !== 0) throw new Error(`${fired} fired while nothing was due`);

    const all = schedules.list();
    let started = performance.now();
    for (const s of all) nextRun(s.cron, s.tz, now);
    const nextAllMs = performance.now() - started;
    started = performance.now();
    for (const s of all) nextRuns(s.cron, s.tz, now, 3);
    const listAllMs = performance.now() - started;

    // A tick when every automation is due at once (a bot back after a day down): claims, next slots, handlers.
    now = start + 24 * 3_600_000;
    started = performance.now();
    const due = await scheduler.tick();
    const dueMs = performance.now() - started;
    await scheduler.close();

    const row = (measure: string, value: string, goal = '', verdict: BenchRow['verdict'] = '') => ({
      benchmark: 'scheduler (1,000 automations, 200 channels)',
      measure,
      value,
      goal,
      verdict,
    });
    return [
      row('CPU per tick, nothing due', `${idleCpuMs.toFixed(3)} ms (wall ${idleWallMs.toFixed(3)} ms)`, '< 5 ms', idleCpuMs < 5 ? 'ok' : 'MISSED'),
      row('next run of all 1,000', `${nextAllMs.toFixed(1)} ms`),
      row('next three runs of all 1,000 (the lists)', `${listAllMs.toFixed(1)} ms`),
      row(`one tick with all due (${due} fired)`, `${dueMs.toFixed(1)} ms`),
    ];
  } finally {
    db.close();
    home.remove();
  }
}
