// Automations: a maintainer's `every <when> <command>`, run by the scheduler as its maker, quiet when there is nothing to do.
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import { isActive } from '../../shared/task-states.ts';
import { cutMrkdwn, escapeMrkdwn, oneLine } from '../../shared/text.ts';
import { parseCommand } from '../commands/parse.ts';
import { batchCommandKinds, type BatchCommand, type BatchRuns, type RunOutcome } from '../director/batch-runs.ts';
import type { CommandContext, ParsedCommand } from '../director/command.ts';
import { mayManageAutomations } from '../director/permissions.ts';
import type { Schedule, ScheduleStore } from '../schedule/store.ts';
import { parseWhen, WHEN_EXAMPLES } from '../schedule/when.ts';
import type { SlackOutbox } from '../slack/outbox.ts';
import type { BindingStore } from '../store/bindings.ts';
import type { DirectorStore } from '../store/directors.ts';
import { listLine, statusKey, statusLine } from './status-line.ts';
import type { AutomationStore } from './store.ts';

export interface AutomationsOptions {
  schedules: ScheduleStore;
  store: AutomationStore;
  bindings: BindingStore;
  tasks: DirectorStore;
  batches: Pick<BatchRuns, 'run'>;
  outbox: Pick<SlackOutbox, 'show'>;
  clock: Clock;
  log: Logger;
}

/** Failed runs in a row after which an automation pauses itself. */
export const MAX_FAILURES = 3;
const ONLY_MAINTAINERS = 'Only this channel’s maintainers set up and change automations.';
const TASK_COMMANDS = 'An automation runs a task command: `fix sentry errors …`, `fix top N issues …`, `fix #12 #15` or `do …`.';
const UNBOUND = 'This channel is not bound to a project yet. Bind it with `/director init owner/repo --runner <runner name>`.';

type Action = Extract<ParsedCommand, { kind: 'automations' }>;
type ActionHandlers = { [K in Action['action']]: (schedule: Schedule, ctx: CommandContext) => string };

export class Automations {
  /** Automations whose run is under way in this process: one run at a time. */
  private readonly running = new Set<string>();
  private readonly actions: Omit<ActionHandlers, 'list'>;

  constructor(private readonly options: AutomationsOptions) {
    const { schedules, store, clock } = options;
    this.actions = {
      pause: (schedule) => {
        schedules.setPaused(schedule.id, true, clock.now());
        this.refresh(schedule.id);
        return `Automation \`${schedule.id}\` is paused; \`/director automations resume ${schedule.id}\` starts it again.`;
      },
      resume: (schedule) => {
        schedules.setPaused(schedule.id, false, clock.now());
        store.resetFailures(schedule.id);
        this.refresh(schedule.id);
        return `Automation \`${schedule.id}\` runs again (slots missed while it was paused do not run).`;
      },
      delete: (schedule) => {
        const automation = store.get(schedule.id);
        schedules.remove(schedule.id);
        store.remove(schedule.id);
        if (automation)
          this.show(schedule.id, schedule.channel, `:wastebasket: Automation \`${schedule.id}\` (\`${escapeMrkdwn(automation.command)}\`) was deleted.`);
        return `Automation \`${schedule.id}\` is deleted.`;
      },
      run: (schedule) => {
        void this.fire(schedule, clock.now()).catch((error: unknown) => options.log.error({ err: error, schedule: schedule.id }, 'an automation run failed'));
        return `Running automation \`${schedule.id}\` now; its status line follows along.`;
      },
    } satisfies Omit<ActionHandlers, 'list'>;
  }

  /** `every <when> <command>`. */
  create(ctx: CommandContext, text: string): string {
    const { bindings, schedules, store, clock } = this.options;
    const binding = bindings.binding(ctx.channel);
    if (!binding) return UNBOUND;
    if (!mayManageAutomations(ctx.user, binding)) return ONLY_MAINTAINERS;
    const parsed = parseWhen(text);
    if (!parsed.ok) return `${parsed.error} Say when like ${WHEN_EXAMPLES}.`;
    const command = parseCommand(parsed.rest);
    if (command.kind === 'invalid') return `The command after the schedule is not right: ${command.problem}`;
    if (!batchCommandKinds.has(command.kind)) return TASK_COMMANDS;
    const schedule = schedules.add({ kind: 'automation', channel: ctx.channel, ...parsed.when, createdBy: ctx.user }, clock.now());
    store.add({ scheduleId: schedule.id, channel: ctx.channel, team: ctx.team, command: parsed.rest, createdBy: ctx.user }, clock.now());
    this.refresh(schedule.id);
    return `Automation \`${schedule.id}\` made: ${escapeMrkdwn(parsed.when.label)}, \`${escapeMrkdwn(parsed.rest)}\` as you. Its status line in the channel shows the next run and the last result; the channel hears about it only when tasks start.`;
  }

  /** `automations` and `automations pause|resume|delete|run <id>`. */
  command(ctx: CommandContext, action: Action): string {
    const { schedules, store, bindings, clock } = this.options;
    if (action.action === 'list') {
      const rows = store.list(ctx.channel).flatMap((a) => {
        const schedule = schedules.get(a.schedule_id);
        return schedule ? [listLine(a, schedule, clock.now())] : [];
      });
      if (rows.length === 0) return 'No automations in this channel. A maintainer makes one with `/director every day 09:00 fix sentry errors users>20`.';
      return cutMrkdwn(['Automations of this channel:', ...rows].join('\n'));
    }
    const schedule = schedules.get(action.id);
    if (!schedule || schedule.kind !== 'automation' || schedule.channel !== ctx.channel)
      return `No automation \`${escapeMrkdwn(action.id)}\` in this channel (\`/director automations\` lists them).`;
    if (!mayManageAutomations(ctx.user, bindings.binding(ctx.channel))) return ONLY_MAINTAINERS;
    return this.actions[action.action](schedule, ctx);
  }

  /** The scheduler's handler for automation slots (and `run <id>`). */
  async fire(schedule: Schedule, slot: number): Promise<void> {
    const { store, clock } = this.options;
    const automation = store.get(schedule.id);
    if (!automation) return void this.options.log.warn({ schedule: schedule.id }, 'an automation schedule without its automation');
    const previous = automation.last_batch ? this.options.tasks.batchTasks(automation.last_batch).filter((t) => isActive(t.state)) : [];
    if (this.running.has(schedule.id) || previous.length > 0) {
      const why = previous.length > 0 ? `the previous run's ${previous.length} task(s) are still active` : 'the previous run is still under way';
      store.record(schedule.id, { slot, at: clock.now(), outcome: 'skipped', detail: why });
      return this.refresh(schedule.id);
    }
    this.running.add(schedule.id);
    try {
      const outcome = await this.runCommand(automation.command, schedule, automation);
      const after = store.record(schedule.id, {
        slot,
        at: clock.now(),
        outcome: outcome.kind,
        detail: detailOf(outcome),
        ...(outcome.kind === 'started' && { batch: outcome.batchId }),
      });
      if (outcome.kind === 'failed' && after && after.failures >= MAX_FAILURES) this.pauseAfterFailures(schedule, after.created_by, outcome.detail);
      this.refresh(schedule.id);
    } finally {
      this.running.delete(schedule.id);
    }
  }

  private async runCommand(text: string, schedule: Schedule, automation: { created_by: string; team: string; channel: string }): Promise<RunOutcome> {
    const binding = this.options.bindings.binding(automation.channel);
    if (!binding) return { kind: 'failed', detail: 'the channel is not bound to a project any more' };
    // Runs are its maker's: one who is no longer a maintainer runs nothing.
    if (!mayManageAutomations(automation.created_by, binding))
      return { kind: 'failed', detail: `<@${automation.created_by}>, who made it, is no longer a maintainer` };
    const command = parseCommand(text);
    if (!batchCommandKinds.has(command.kind)) return { kind: 'failed', detail: 'its command is not a task command any more' };
    const ctx = { channel: automation.channel, user: automation.created_by, team: automation.team, slashCommand: '/director' };
    const title = `Automation ${schedule.id} (${schedule.label}): ${oneLine(text, 120)}`;
    try {
      return await this.options.batches.run(command as BatchCommand, ctx, title);
    } catch (error) {
      return { kind: 'failed', detail: error instanceof Error ? error.message : String(error) };
    }
  }

  private pauseAfterFailures(schedule: Schedule, maker: string, detail: string): void {
    this.options.schedules.setPaused(schedule.id, true, this.options.clock.now());
    const text = `:warning: <@${maker}> automation \`${schedule.id}\` failed ${MAX_FAILURES} times in a row and is paused. The last failure: ${escapeMrkdwn(detail)}. Fix that, then \`/director automations resume ${schedule.id}\`.`;
    const key = `automation:${schedule.id}:paused:${this.options.clock.now()}`;
    void this.options.outbox
      .show(key, { channel: schedule.channel }, { text })
      .catch((error: unknown) => this.options.log.warn({ err: error }, 'pause notice not posted'));
  }

  /** Edits the automation's status line (posted the first time). */
  private refresh(scheduleId: string): void {
    const automation = this.options.store.get(scheduleId);
    const schedule = this.options.schedules.get(scheduleId);
    if (automation && schedule) this.show(scheduleId, automation.channel, statusLine(automation, schedule, this.options.clock.now()));
  }

  private show(scheduleId: string, channel: string, text: string): void {
    void this.options.outbox
      .show(statusKey(scheduleId), { channel }, { text: cutMrkdwn(text) })
      .catch((error: unknown) => this.options.log.warn({ err: error }, 'automation status line not shown'));
  }
}

function detailOf(outcome: RunOutcome): string {
  if (outcome.kind === 'started') return `${outcome.tasks.length} task(s): ${outcome.tasks.map((t) => t.id).join(', ')}`;
  return outcome.detail;
}
