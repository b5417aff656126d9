import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import { isActive } from '../../shared/task-states.ts';
import { cutMrkdwn, escapeMrkdwn, slackLink } from '../../shared/text.ts';
import type { RunnerHub } from '../runners/hub.ts';
import type { SlackOutbox } from '../slack/outbox.ts';
import type { BindingStore, ChannelBinding } from '../store/bindings.ts';
import { handleOf, type BotTask, type DirectorStore } from '../store/directors.ts';
import type { RunnerRecord, RunnerStore } from '../store/runners.ts';
import { batchKey, type CardRefresher } from './card-refresher.ts';
import { batchCard, stateWords } from './cards.ts';
import type { CommandContext, DirectorCommand } from './command.ts';
import type { HeldTasks } from './held-tasks.ts';
import type { ProjectMemory } from './memory.ts';
import { forgetReply, memoryReply, rememberReply } from './memory-replies.ts';
import type { Announcements } from './announcements.ts';
import type { Bindings } from './bindings.ts';
import { mayForget, mayStop, mayStopAll } from './permissions.ts';
import type { IssuesAnswer, RunnerRequests } from './runner-requests.ts';
import { outcomeReply, type BatchRuns } from './batch-runs.ts';
import { newTaskId, startedReply, type TaskStarter } from './task-starter.ts';

export interface DirectorOptions {
  store: DirectorStore;
  bindings: BindingStore;
  /** Binding channels to runners (init) and their owners' answers. */
  binder: Bindings;
  announcements: Announcements;
  runners: RunnerStore;
  hub: RunnerHub;
  outbox: SlackOutbox;
  /** Issue listings asked of runners. */
  requests: RunnerRequests<IssuesAnswer>;
  memory: ProjectMemory;
  cards: CardRefresher;
  held: HeldTasks;
  starter: TaskStarter;
  /** Batches for `fix sentry errors` (and automations). */
  batches: BatchRuns;
  clock: Clock;
  log: Logger;
}

type Command<K extends DirectorCommand['kind']> = Extract<DirectorCommand, { kind: K }>;
/** One answer per command of a bound channel: a command without one fails to compile. */
type BoundHandlers = {
  [K in Exclude<DirectorCommand['kind'], 'init'>]: (command: Command<K>, ctx: CommandContext, binding: ChannelBinding) => string | Promise<string>;
};

const UNBOUND = 'This channel is not bound to a project yet. Bind it with `/director init owner/repo --runner <runner name>`.';
const noTask = (id: string) => `No task \`${escapeMrkdwn(id)}\` in this channel (\`/director status\` lists them).`;

/**
 * The Director of every channel: binds channels to projects, fans commands out into tasks on the
 * runner, and passes steering and stops to it. A channel's commands run one after another;
 * channels do not wait for each other, and nothing waits behind a runner's answer.
 */
export class Director {
  private readonly channels = new Map<string, Promise<unknown>>();
  private readonly bound: BoundHandlers;

  constructor(private readonly options: DirectorOptions) {
    const { memory, clock } = options;
    this.bound = {
      status: (_command, ctx) => this.status(ctx.channel),
      restart: (command, ctx, binding) => this.restart(ctx, command.task, binding),
      memory: (_command, ctx) =>
        memoryReply(memory.list(ctx.channel), (taskId) => {
          const task = options.store.task(taskId);
          return task ? handleOf(task) : taskId;
        }),
      remember: (command, ctx) => rememberReply(memory.remember(ctx.channel, command.fact, ctx.user, clock.now())),
      forget: (command, ctx, binding) => this.forget(ctx, command.n, binding),
      stop: (command, ctx, binding) => this.stopCommand(ctx, command.task, binding),
      retry: (command, ctx) => this.retry(ctx.channel, command.task),
      close: (command, ctx, binding) => this.close(ctx, command.task, binding),
      audit: (_command, ctx) => options.announcements.recent(ctx.channel),
      'fix-top': (command, ctx, binding) => this.withRunner(binding, (runner) => this.fixTop(command, ctx, runner)),
      'fix-sentry': (command, ctx) => options.batches.run(command, ctx).then(outcomeReply),
      'fix-issues': (command, ctx, binding) => this.withRunner(binding, (runner) => this.fixIssues(command, ctx, binding, runner)),
      do: (command, ctx, binding) =>
        this.withRunner(binding, (runner) =>
          startedReply([options.starter.start(ctx, binding, runner, { kind: 'request', text: command.text }, command.agent)], 0),
        ),
    };
  }

  isBound(channel: string): boolean {
    return this.options.bindings.binding(channel) !== undefined;
  }

  /** The reply to a channel command, as mrkdwn for the asker. */
  command(command: DirectorCommand, ctx: CommandContext): Promise<string> {
    // fix top N waits for the runner's issue listing outside the channel's queue: a `stop all` typed meanwhile is not held up.
    if (command.kind === 'fix-top' || command.kind === 'fix-sentry') return this.answer(command, ctx);
    return this.serial(ctx.channel, () => this.answer(command, ctx));
  }

  private answer(command: DirectorCommand, ctx: CommandContext): Promise<string> {
    if (command.kind === 'init') return Promise.resolve(this.options.binder.init(command, ctx));
    const binding = this.options.bindings.binding(ctx.channel);
    if (!binding) return Promise.resolve(UNBOUND);
    const handler = this.bound[command.kind] as (command: DirectorCommand, ctx: CommandContext, binding: ChannelBinding) => string | Promise<string>;
    return Promise.resolve(handler(command, ctx, binding));
  }

  /** Runs a channel's commands one after another. */
  private serial<T>(channel: string, work: () => Promise<T>): Promise<T> {
    const next = (this.channels.get(channel) ?? Promise.resolve()).catch(() => undefined).then(work);
    this.channels.set(channel, next);
    return next;
  }

  private withRunner(binding: ChannelBinding, work: (runner: RunnerRecord) => string | Promise<string>): string | Promise<string> {
    const runner = binding.runner_id ? this.options.runners.byId(binding.runner_id) : undefined;
    if (!runner || runner.revoked_at !== null) {
      return `No runner for this channel: its runner was revoked or never bound. Bind one with \`/director init ${escapeMrkdwn(binding.repo)} --runner <name>\` (\`/director connect\` pairs a new one).`;
    }
    return work(runner);
  }

  /** The task's runner, or why it cannot be asked anything. */
  private runnerOfTask(task: BotTask): RunnerRecord | string {
    const runner = this.options.runners.byId(task.runner_id);
    if (!runner || runner.revoked_at !== null)
      return `The runner of \`${handleOf(task)}\` was revoked: the task cannot go on there. Start it again on this channel's runner.`;
    return runner;
  }

  private fixIssues(command: Command<'fix-issues'>, ctx: CommandContext, binding: ChannelBinding, runner: RunnerRecord): string {
    const busy = new Set(this.options.store.activeIssueNumbers(ctx.channel));
    const fresh = command.numbers.filter((n) => !busy.has(n));
    const source = (n: number) => ({ kind: 'issue' as const, number: n, title: `Issue #${n}`, url: `https://github.com/${binding.repo}/issues/${n}` });
    const tasks = fresh.map((n) => this.options.starter.start(ctx, binding, runner, source(n), command.agent));
    return startedReply(tasks, command.numbers.length - fresh.length);
  }

  /** Lists the issues on the runner (it holds the GitHub token), then starts a batch in the channel's queue. */
  private async fixTop(command: Command<'fix-top'>, ctx: CommandContext, runner: RunnerRecord): Promise<string> {
    const { hub, requests, store } = this.options;
    if (!hub.isOnline(runner.id))
      return `Runner *${escapeMrkdwn(runner.name)}* is offline, and it holds the GitHub token that lists issues. Start it with \`director runner start\`, then try again.`;
    const binding = this.options.bindings.binding(ctx.channel);
    if (!binding) return UNBOUND;
    const { requestId, answer } = requests.open();
    const busy = store.activeIssueNumbers(ctx.channel);
    hub.send(runner.id, {
      type: 'issues.find',
      requestId,
      project: binding.project,
      query: { limit: command.limit, order: command.order, busy, ...(command.label && { label: command.label }) },
    });
    const found = await answer;
    if (found.error) return `Could not list issues: ${escapeMrkdwn(found.error)}`;
    return this.serial(ctx.channel, () => this.startBatch(command, ctx, runner, found.issues));
  }

  private async startBatch(command: Command<'fix-top'>, ctx: CommandContext, runner: RunnerRecord, issues: IssuesAnswer['issues']): Promise<string> {
    const { store, clock, outbox, starter, cards } = this.options;
    // The channel may have changed while the runner listed: bound elsewhere, or some issues started meanwhile.
    const binding = this.options.bindings.binding(ctx.channel);
    if (!binding || binding.runner_id !== runner.id) return 'The channel’s runner changed while the issues were listed: nothing was started. Try again.';
    const busy = new Set(store.activeIssueNumbers(ctx.channel));
    const fresh = issues.filter((issue) => !busy.has(issue.number));
    if (fresh.length === 0) return 'No open issue matches (issues with an active task or an open PR are skipped).';
    const batchId = newTaskId();
    const title = `Fix top ${command.limit} issues${command.label ? ` labelled ${command.label}` : ''}`;
    store.addBatch(batchId, ctx.channel, title, ctx.user, clock.now());
    await outbox.show(batchKey(batchId), { channel: ctx.channel }, batchCard(title, []));
    const tasks = fresh.map((issue) => starter.start(ctx, binding, runner, { kind: 'issue', ...issue }, command.agent, batchId));
    cards.batch(batchId);
    const capped = command.requested
      ? `You asked for ${command.requested}; one batch takes at most ${command.limit}, so these are the top ${command.limit}. `
      : '';
    return `${capped}${startedReply(tasks, issues.length - fresh.length)}`;
  }

  private status(channel: string): string {
    const tasks = this.options.store.tasks(channel).slice(-30);
    if (tasks.length === 0) return 'No tasks in this channel yet. Try `/director fix top 3 issues`.';
    const line = (t: BotTask) =>
      `• \`${handleOf(t)}\` ${t.issue_number === null ? '' : `#${t.issue_number} `}${escapeMrkdwn(t.title)} — ${stateWords(t.state)}${t.pr_url ? ` · ${slackLink(t.pr_url, 'PR')}` : ''}`;
    return cutMrkdwn(['Tasks of this channel (`/director status t3` tells where one stands):', ...tasks.map(line)].join('\n'));
  }

  private restart(ctx: CommandContext, taskId: string, binding: ChannelBinding): string {
    const { store, hub } = this.options;
    const task = store.taskByRef(ctx.channel, taskId);
    if (!task) return noTask(taskId);
    if (!mayStop(ctx.user, task, binding)) return 'Only the person who started this task or a channel maintainer can restart it.';
    if (task.state === 'held' || task.state === 'waiting') return `Task \`${handleOf(task)}\` has not started yet: there is no session to restart.`;
    const runner = this.runnerOfTask(task);
    if (typeof runner === 'string') return runner;
    hub.send(task.runner_id, { type: 'task.restart', taskId: task.id });
    return `Restarting \`${handleOf(task)}\`: its agent gets a fresh session in the same worktree, seeded with the task's summary.`;
  }

  private forget(ctx: CommandContext, n: number, binding: ChannelBinding): string {
    const { memory, store } = this.options;
    const entry = memory.entry(ctx.channel, n);
    const starter = entry?.task_id ? store.task(entry.task_id)?.starter : undefined;
    const allowed = entry !== undefined && mayForget(ctx.user, entry, binding, starter);
    if (entry && allowed) memory.remove(entry.id);
    return forgetReply(entry, n, allowed);
  }

  private stopCommand(ctx: CommandContext, which: string, binding: ChannelBinding): string {
    if (which === 'all' && !mayStopAll(ctx.user, binding))
      return 'Only this channel’s maintainers stop all tasks at once; `/director stop <task>` stops one of yours.';
    const target = which === 'all' ? undefined : this.options.store.taskByRef(ctx.channel, which);
    const tasks = this.options.store.tasks(ctx.channel).filter((t) => isActive(t.state) && (which === 'all' || t.id === target?.id));
    if (tasks.length === 0)
      return which === 'all' ? 'No task is running here.' : `No running task \`${escapeMrkdwn(which)}\` in this channel (\`/director status\` lists them).`;
    const allowed = tasks.filter((t) => mayStop(ctx.user, t, binding));
    for (const task of allowed) this.stopTask(task);
    const refused = tasks.length - allowed.length;
    return `Stopping ${allowed.length} task(s).${refused > 0 ? ` ${refused} started by others were left alone: only their starter or a maintainer may stop them.` : ''}`;
  }

  /** `retry <task>` and the Retry button: a settled task runs again in its worktree. */
  retry(channel: string, taskId: string): string {
    const task = this.options.store.taskByRef(channel, taskId);
    if (!task) return noTask(taskId);
    if (isActive(task.state)) return `Task \`${handleOf(task)}\` is still ${stateWords(task.state)}.`;
    const runner = this.runnerOfTask(task);
    if (typeof runner === 'string') return runner;
    this.options.hub.send(task.runner_id, { type: 'task.retry', taskId: task.id });
    return `Retrying \`${handleOf(task)}\` in its worktree; its card and thread follow along.`;
  }

  /** `close <task>`: a settled task's worktree and local branch go (starter or maintainers); its pull request stays. */
  private close(ctx: CommandContext, taskId: string, binding: ChannelBinding): string {
    const task = this.options.store.taskByRef(ctx.channel, taskId);
    if (!task) return noTask(taskId);
    if (!mayStop(ctx.user, task, binding)) return 'Only the person who started this task or a channel maintainer can close it.';
    if (isActive(task.state)) return `Task \`${handleOf(task)}\` is still ${stateWords(task.state)}: stop it first.`;
    if (task.state === 'awaiting_review') return `Task \`${handleOf(task)}\` awaits review: merge or close its pull request first.`;
    const runner = this.runnerOfTask(task);
    if (typeof runner === 'string') return runner;
    this.options.hub.send(task.runner_id, { type: 'task.close', taskId: task.id });
    return `Closing \`${handleOf(task)}\`: its runner removes the worktree and local branch (the pushed branch and any pull request stay).`;
  }

  /** The Stop button. Returns the ephemeral refusal, or undefined when the stop was sent. */
  stopButton(user: string, taskId: string): string | undefined {
    const task = this.options.store.task(taskId);
    if (!task) return 'That task is unknown here.';
    if (!mayStop(user, task, this.options.bindings.binding(task.channel))) return 'Only the person who started this task or a channel maintainer can stop it.';
    if (isActive(task.state)) this.stopTask(task);
    return undefined;
  }

  /** A held task, or one whose runner was revoked, ends here; others are stopped by their runner. */
  private stopTask(task: BotTask): void {
    if (task.state === 'held') this.options.held.cancel(task);
    else if (typeof this.runnerOfTask(task) === 'string') this.options.held.cancel(task, 'Stopped here: its runner was revoked');
    else this.options.hub.send(task.runner_id, { type: 'task.stop', taskId: task.id });
  }

  /** The task whose card is the root of a thread. */
  taskOfThread(key: string | undefined): string | undefined {
    return /^task:([a-z0-9]+):card$/.exec(key ?? '')?.[1];
  }
}
