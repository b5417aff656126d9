// A channel's PostHog reports: the commands, asking the runner, the message, the chart, and "Investigate".
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import type { TaskUpdateReceived } from '../../shared/protocol.ts';
import type { ReportResult } from '../../shared/report-frames.ts';
import { escapeMrkdwn } from '../../shared/text.ts';
import type { CommandContext } from '../director/command.ts';
import { mayChangeSettings } from '../director/permissions.ts';
import type { TaskStarter } from '../director/task-starter.ts';
import type { RunnerHub } from '../runners/hub.ts';
import type { Schedule, ScheduleStore } from '../schedule/store.ts';
import type { SlackOutbox } from '../slack/outbox.ts';
import type { BindingStore, ChannelBinding } from '../store/bindings.ts';
import type { RunnerRecord, RunnerStore } from '../store/runners.ts';
import type { ChartUploader } from './chart-upload.ts';
import type { ReportCommand } from './command.ts';
import { investigatePrompt } from './investigate.ts';
import { pendingMessage, reportMessage } from './report-message.ts';
import type { ReportStore } from './store.ts';

export interface ReportsOptions {
  store: ReportStore;
  bindings: BindingStore;
  runners: RunnerStore;
  hub: RunnerHub;
  outbox: SlackOutbox;
  uploader: ChartUploader;
  starter: TaskStarter;
  schedules: ScheduleStore;
  clock: Clock;
  log: Logger;
}

const WEEKS = 8;
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
const UNBOUND = 'This channel is not bound to a project yet. Bind it with `/director init owner/repo --runner <runner name>`.';
const MAINTAINERS_ONLY = 'Only this channel’s maintainers set up features and reports.';
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

type Command<K extends ReportCommand['kind']> = Extract<ReportCommand, { kind: K }>;
type Handlers = { [K in ReportCommand['kind']]: (command: Command<K>, ctx: CommandContext, binding: ChannelBinding) => string };

/** Features, report settings and runs of every channel. */
export class Reports {
  private readonly handlers: Handlers;

  constructor(private readonly options: ReportsOptions) {
    const { store, clock } = options;
    this.handlers = {
      features: (_c, ctx) => this.list(ctx.channel),
      'feature-track': (c, ctx) => {
        const { kind: _kind, ...feature } = c;
        store.track(ctx.channel, feature, ctx.user, clock.now());
        const goal = c.goal === undefined ? '' : `, goal ${c.goal} users/week`;
        return `Tracking *${escapeMrkdwn(c.name)}*: ${c.events.map((e) => `\`${escapeMrkdwn(e)}\``).join(', ')}${c.flag ? ` behind flag \`${escapeMrkdwn(c.flag)}\`` : ''}${goal}.`;
      },
      'feature-drop': (c, ctx) =>
        store.drop(ctx.channel, c.name)
          ? `No longer tracking *${escapeMrkdwn(c.name)}*.`
          : `No feature *${escapeMrkdwn(c.name)}* here (\`/director features\` lists them).`,
      'report-now': (_c, ctx, binding) => this.run(ctx.channel, binding, ctx.user, clock.now()),
      'report-weekly': (c, ctx) => {
        const { schedules } = options;
        const schedule = store.transaction(() => {
          const old = store.settings(ctx.channel)?.schedule_id;
          if (old) schedules.remove(old);
          const added = schedules.add({ kind: 'report', channel: ctx.channel, cron: c.cron, tz: c.tz, label: c.label, createdBy: ctx.user }, clock.now());
          store.setSettings(ctx.channel, { schedule_id: added.id, cron: c.cron, tz: c.tz, label: c.label }, ctx.user, clock.now());
          return added;
        });
        const next =
          schedule.nextAt === null
            ? ''
            : ` The next one: <!date^${Math.floor(schedule.nextAt / 1000)}^{date_short_pretty} {time}|${new Date(schedule.nextAt).toISOString()}>.`;
        return `The feature report is posted here ${escapeMrkdwn(c.label)}.${next}`;
      },
      'report-off': (_c, ctx) => {
        const had = store.settings(ctx.channel);
        store.transaction(() => {
          if (had?.schedule_id) options.schedules.remove(had.schedule_id);
          store.clearSettings(ctx.channel);
        });
        return had ? 'The weekly report is off.' : 'There was no weekly report here.';
      },
    };
  }

  /** The reply to a report command. */
  command(command: ReportCommand, ctx: CommandContext): string {
    const binding = this.options.bindings.binding(ctx.channel);
    if (!binding) return UNBOUND;
    if (command.kind !== 'features' && !mayChangeSettings(ctx.user, binding)) return MAINTAINERS_ONLY;
    const handler = this.handlers[command.kind] as (command: ReportCommand, ctx: CommandContext, binding: ChannelBinding) => string;
    return handler(command, ctx, binding);
  }

  private list(channel: string): string {
    const features = this.options.store.features(channel);
    if (features.length === 0) return 'No features tracked here yet. Add one with `/director feature track "<name>" event:<event> [flag:<key>] [goal:<n>]`.';
    const line = (f: (typeof features)[number]) =>
      `• *${escapeMrkdwn(f.name)}*: ${f.events.map((e) => `\`${escapeMrkdwn(e)}\``).join(', ')}${f.flag ? `, flag \`${escapeMrkdwn(f.flag)}\`` : ''}${f.goal ? `, goal ${f.goal} users/week` : ''}${f.since ? `, since ${day(f.since)}` : ''}`;
    const settings = this.options.store.settings(channel);
    return [
      `Features of this channel:`,
      ...features.map(line),
      settings ? `Weekly report: ${escapeMrkdwn(settings.label)}.` : 'No weekly report (`/director report weekly`).',
    ].join('\n');
  }

  private runnerOf(binding: ChannelBinding): RunnerRecord | undefined {
    const runner = binding.runner_id ? this.options.runners.byId(binding.runner_id) : undefined;
    return runner && runner.revoked_at === null ? runner : undefined;
  }

  /** Asks the channel's runner for the report of the weeks ending at `at`; the message says where it stands. */
  run(channel: string, binding: ChannelBinding, requestedBy: string | null, at: number): string {
    const { store, hub, outbox, log } = this.options;
    const features = store.features(channel);
    if (features.length === 0) return 'No features tracked here yet: add one with `/director feature track "<name>" event:<event>`.';
    const runner = this.runnerOf(binding);
    if (!runner) return 'No runner for this channel: its runner was revoked or never bound.';
    const asOf = at;
    const id = `r${randomBytes(6).toString('hex')}`;
    const key = `report:${channel}:${day(asOf)}`;
    const online = hub.isOnline(runner.id);
    store.transaction(() => {
      store.addRun({
        id,
        channel,
        message_key: key,
        as_of: asOf,
        runner_id: runner.id,
        requested_by: requestedBy,
        state: online ? 'asked' : 'waiting',
        created_at: at,
      });
      // Queued on the link while the runner is offline: it runs when the runner reconnects.
      hub.send(runner.id, { type: 'report.request', requestId: id, asOf, weeks: WEEKS, features });
    });
    void outbox
      .show(key, { channel }, pendingMessage(this.title(asOf), runner.name, online))
      .catch((error: unknown) => log.warn({ err: error }, 'report message not shown'));
    return online
      ? `Asking runner *${escapeMrkdwn(runner.name)}* for the report; it appears in the channel.`
      : `Runner *${escapeMrkdwn(runner.name)}* is offline: the report runs when it reconnects.`;
  }

  /** The scheduler's handler for kind 'report': the report of the weeks ending at the slot. */
  scheduled(schedule: Schedule, slot: number): Promise<void> {
    const settings = this.options.store.settings(schedule.channel);
    const binding = this.options.bindings.binding(schedule.channel);
    if (settings?.schedule_id !== schedule.id || !binding) {
      this.options.log.warn({ schedule: schedule.id, channel: schedule.channel }, 'a report schedule without its channel’s settings or binding: skipped');
      return Promise.resolve();
    }
    this.run(schedule.channel, binding, null, slot);
    return Promise.resolve();
  }

  private title(asOf: number): string {
    return `Feature report — week to ${day(asOf)}`;
  }

  /** A runner's answer (inside the frame's transaction): the message, then the chart in its thread. */
  resultArrived(frame: ReportResult, runner: RunnerRecord): void {
    const { store, outbox, uploader, log } = this.options;
    const run = store.run(frame.requestId);
    if (!run || run.runner_id !== runner.id || run.state === 'done' || run.state === 'failed') return;
    store.finish(run.id, frame);
    if (!store.isLatest(run)) return;
    const kept = store.result({ ...run, result: JSON.stringify({ ...frame, chart: undefined }) });
    if (!kept) return;
    const director = store.directorWeek(run.channel, run.as_of - WEEK_MS, run.as_of);
    const body = reportMessage({ runId: run.id, result: kept, features: store.features(run.channel), director, asOf: run.as_of, title: this.title(run.as_of) });
    const chart = frame.chart;
    void outbox
      .show(run.message_key, { channel: run.channel }, body)
      .then(async (ts) => {
        if (!chart) return;
        const bytes = Buffer.from(chart.png, 'base64');
        const altText = `Unique users per week of ${frame.features.map((f) => f.name).join(', ')}`.slice(0, 1000);
        const filename = `feature-report-${day(run.as_of)}.png`;
        await uploader.upload({ channel: run.channel, threadTs: ts, filename, title: this.title(run.as_of), altText, bytes }).catch(async (error: unknown) => {
          log.warn({ err: error, run: run.id }, 'the report chart was not uploaded');
          const reason = error instanceof Error ? error.message : String(error);
          const text = `The chart could not be uploaded (${escapeMrkdwn(reason.slice(0, 200))}); the app needs the files:write scope (see manifest.yml).`;
          await outbox.show(`${run.message_key}:${run.id}:chart`, { channel: run.channel, thread: { ts } }, { text });
        });
      })
      .catch((error: unknown) => log.warn({ err: error, run: run.id }, 'report not shown in full'));
  }

  /** A task.update: remembers when each task's PR opened, for "median time from command to PR". */
  taskUpdated(frame: TaskUpdateReceived, taskChannel: string | undefined, taskCreatedAt: number | undefined): void {
    if (frame.prUrl && taskChannel !== undefined && taskCreatedAt !== undefined)
      this.options.store.prOpened(frame.taskId, taskChannel, taskCreatedAt, this.options.clock.now());
  }

  /** The "Investigate <feature>" button: a task like `do`, whose prompt carries the numbers. */
  investigate(value: string, ctx: CommandContext): string {
    const { store, bindings, starter } = this.options;
    const [runId, index] = value.split('|');
    const run = store.run(runId ?? '');
    const result = run ? store.result(run) : undefined;
    const feature = result?.features[Number(index)];
    if (!run || !result || !feature || run.channel !== ctx.channel) return 'That report is no longer known here.';
    const binding = bindings.binding(ctx.channel);
    if (!binding) return UNBOUND;
    const runner = this.runnerOf(binding);
    if (!runner) return 'No runner for this channel: its runner was revoked or never bound.';
    const config = store.features(run.channel).find((f) => f.name.toLowerCase() === feature.name.toLowerCase());
    const task = starter.start(ctx, binding, runner, { kind: 'request', text: investigatePrompt(feature, config, result.weekStarts) }, undefined);
    return `Started task \`${task.id}\` to investigate *${escapeMrkdwn(feature.name)}*; it has a card and a thread in this channel.`;
  }
}
