import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Automations } from '../../bot/automations/automations.ts';
import { AutomationStore } from '../../bot/automations/store.ts';
import type { BatchCommand, RunOutcome } from '../../bot/director/batch-runs.ts';
import type { CommandContext } from '../../bot/director/command.ts';
import { Scheduler } from '../../bot/schedule/scheduler.ts';
import { ScheduleStore } from '../../bot/schedule/store.ts';
import type { MessageBody } from '../../bot/store/slack-messages.ts';
import { BindingStore } from '../../bot/store/bindings.ts';
import { DirectorStore } from '../../bot/store/directors.ts';
import { botMigrations } from '../../bot/store/migrations.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';
import { until } from '../../emulators/support/until.ts';
import { openDatabase, type Db } from '../../shared/db/open.ts';
import { quietLog } from '../support/link-harness.ts';
import { VirtualClock } from '../support/virtual-clock.ts';

/** The bot's automation side over one SQLite file, built again on every "restart"; batches and Slack are small honest fakes. */
class Bot {
  readonly db: Db;
  readonly scheduler: Scheduler;
  readonly automations: Automations;
  readonly store: AutomationStore;

  constructor(file: string, clock: VirtualClock, runs: { command: BatchCommand; ctx: CommandContext; at: number }[], posts: MessageBody[]) {
    this.db = openDatabase({ file, migrations: botMigrations });
    const schedules = new ScheduleStore(this.db);
    this.store = new AutomationStore(this.db);
    const batches = {
      run: (command: BatchCommand, ctx: CommandContext): Promise<RunOutcome> => {
        runs.push({ command, ctx, at: clock.now() });
        return Promise.resolve({ kind: 'nothing', detail: 'No new Sentry issue matches.' });
      },
    };
    const outbox = { show: (_key: string, _target: unknown, body: MessageBody) => Promise.resolve(String(posts.push(body))) };
    const bindings = new BindingStore(this.db);
    this.automations = new Automations({ schedules, store: this.store, bindings, tasks: new DirectorStore(this.db), batches, outbox, clock, log: quietLog });
    this.scheduler = new Scheduler({
      store: schedules,
      clock,
      log: quietLog,
      handlers: { automation: (s, slot) => this.automations.fire(s, slot), report: () => Promise.resolve() },
    });
  }

  close(): void {
    this.db.close();
  }
}

const alice: CommandContext = { channel: 'C1', user: 'U0ALICE', team: 'T1', slashCommand: '/director' };

describe('automations on the scheduler, with a virtual clock', () => {
  let home: { dir: string; remove: () => void };
  let clock: VirtualClock;
  let runs: { command: BatchCommand; ctx: CommandContext; at: number }[];
  let bot: Bot;
  const restart = () => {
    bot.close();
    bot = new Bot(join(home.dir, 'bot.sqlite'), clock, runs, []);
  };

  beforeEach(() => {
    home = tempHome('director-automations-');
    clock = new VirtualClock(Date.parse('2026-03-02T08:00:00Z'));
    runs = [];
    bot = new Bot(join(home.dir, 'bot.sqlite'), clock, runs, []);
    const settings = {
      repo: 'acme/demo',
      project: 'demo',
      agent: null,
      steer: 'members' as const,
      concurrency: null,
      verify: null,
      mergers: null,
      merge_method: null,
      review: null,
      feedback: null,
    };
    new BindingStore(bot.db).bind({ ...settings, channel: 'C1', team: 'T1', maintainers: ['U0ALICE'], runner_id: null }, clock.now());
  });
  afterEach(() => {
    bot.close();
    home.remove();
  });

  const make = (text: string) => /`(s[0-9a-f]+)`/.exec(bot.automations.create(alice, text.replace(/^every /, '')))?.[1] ?? '';
  const at = (iso: string) => {
    clock.advance(Date.parse(iso) - clock.now());
    return bot.scheduler.tick();
  };

  it('a bot restarted at 08:59:59 and again at 09:00:30 runs the 09:00 slot exactly once, as its maker', async () => {
    const id = make('every day 09:00 fix sentry errors users>20');
    expect(id).not.toBe('');
    expect(await at('2026-03-02T08:59:59Z')).toBe(0);
    restart();
    expect(await at('2026-03-02T09:00:30Z')).toBe(1);
    restart();
    expect(await at('2026-03-02T09:00:45Z')).toBe(0);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.command).toMatchObject({ kind: 'fix-sentry', usersOver: 20 });
    expect(runs[0]?.ctx.user).toBe('U0ALICE');
    expect(bot.store.runs(id).map((r) => [new Date(r.slot).toISOString(), r.outcome])).toEqual([['2026-03-02T09:00:00.000Z', 'nothing']]);
  });

  it('missed slots collapse into one run when the bot was down for days', async () => {
    const id = make('every day 09:00 do tidy the changelog');
    restart();
    expect(await at('2026-03-05T12:00:00Z')).toBe(1);
    expect(bot.store.runs(id).map((r) => new Date(r.slot).toISOString())).toEqual(['2026-03-05T09:00:00.000Z']);
  });

  it('every weekday skips the weekend', async () => {
    clock.advance(Date.parse('2026-03-06T10:00:00Z') - clock.now()); // a Friday, after 09:00
    const id = make('every weekday 09:00 fix top 3 issues');
    for (let hour = 1; hour <= 72; hour++) await at(new Date(Date.parse('2026-03-06T10:00:00Z') + hour * 3_600_000).toISOString());
    expect(bot.store.runs(id).map((r) => new Date(r.slot).toISOString())).toEqual(['2026-03-09T09:00:00.000Z']);
  });

  it('a change to daylight saving time keeps 09:00 local', async () => {
    clock.advance(Date.parse('2026-03-06T00:00:00Z') - clock.now());
    const id = make('every day 09:00 tz:America/New_York fix sentry errors users>20');
    for (let hour = 1; hour <= 96; hour++) await at(new Date(Date.parse('2026-03-06T00:00:00Z') + hour * 3_600_000).toISOString());
    // New York moves from UTC-5 to UTC-4 on 8 March 2026.
    expect(bot.store.runs(id).map((r) => new Date(r.slot).toISOString())).toEqual([
      '2026-03-06T14:00:00.000Z',
      '2026-03-07T14:00:00.000Z',
      '2026-03-08T13:00:00.000Z',
      '2026-03-09T13:00:00.000Z',
    ]);
  });

  it('only maintainers make and change automations, and only task commands are taken', async () => {
    const bob = { ...alice, user: 'U0BOB' };
    expect(bot.automations.create(bob, 'day 09:00 fix sentry errors')).toContain('Only this channel’s maintainers');
    expect(bot.automations.create(alice, 'day 09:00 memory')).toContain('An automation runs a task command');
    expect(bot.automations.create(alice, 'someday fix sentry errors')).toMatch(/Say when like/);
    const id = make('every 6h fix sentry errors events>100');
    expect(bot.automations.command(bob, { kind: 'automations', action: 'pause', id })).toContain('Only this channel’s maintainers');
    expect(bot.automations.command(alice, { kind: 'automations', action: 'pause', id })).toContain('is paused');
    expect(bot.automations.command(alice, { kind: 'automations', action: 'list' })).toContain('*paused*');
    // Paused, it runs on request only.
    expect(bot.automations.command(alice, { kind: 'automations', action: 'run', id })).toContain('Running automation');
    await until(() => bot.store.get(id)?.last_outcome === 'nothing', 5000, 'the run by hand recorded');
    expect(runs).toHaveLength(1);
    expect(bot.automations.command(alice, { kind: 'automations', action: 'resume', id })).toContain('runs again');
    expect(bot.automations.command(alice, { kind: 'automations', action: 'list' })).toMatch(
      /next <!date\^\d+\^\{date_short_pretty\} \{time\}\|2026-03-02 12:00 UTC>/,
    );
    expect(bot.automations.command(alice, { kind: 'automations', action: 'delete', id })).toContain('deleted');
    expect(bot.automations.command(alice, { kind: 'automations', action: 'list' })).toContain('No automations');
  });
});
