import { randomBytes } from 'node:crypto';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import { botToRunnerSchema, type BotToRunner, type RunnerToBotReceived, type TaskUpdateReceived } from '../../shared/protocol.ts';
import { isActive } from '../../shared/task-states.ts';
import type { ParsedCommand } from '../commands/parse.ts';
import type { RunnerHub } from '../runners/hub.ts';
import { cutMrkdwn, escapeEntities, escapeMrkdwn } from '../../shared/text.ts';
import type { SlackOutbox } from '../slack/outbox.ts';
import type { DirectorStore, BotTask, ChannelBinding } from '../store/directors.ts';
import type { RunnerRecord, RunnerStore } from '../store/runners.ts';
import { batchCard, taskCard } from './cards.ts';
import { batchKey, CardRefresher, cardKey } from './card-refresher.ts';
import { TaskSummaries } from './task-summaries.ts';
import type { MemoryEntry, ProjectMemory } from './memory.ts';
import { forgetReply, memoryReply, rememberReply } from './memory-replies.ts';
import type { IssuesAnswer, RunnerRequests, SummaryAnswer } from './runner-requests.ts';

export interface DirectorOptions {
  store: DirectorStore;
  runners: RunnerStore;
  hub: RunnerHub;
  outbox: SlackOutbox;
  requests: RunnerRequests<IssuesAnswer>;
  summaryRequests: RunnerRequests<SummaryAnswer>;
  memory: ProjectMemory;
  clock: Clock;
  log: Logger;
}

/** The commands a channel's Director answers. */
export type DirectorCommand = Extract<ParsedCommand, { kind: 'init' | 'fix-top' | 'fix-issues' | 'do' | 'status' | 'stop' | 'retry' | 'restart' | 'memory' | 'remember' | 'forget' }>;

/** Who typed a command, and where. */
export interface CommandContext {
  channel: string;
  user: string;
}

const newId = () => `t${randomBytes(5).toString('hex')}`;
const UNBOUND = 'This channel is not bound to a project yet. Bind it with `/director init owner/repo --runner <runner name>`.';

/**
 * The Director of every channel: binds channels to projects, fans commands out into tasks on the
 * runner, keeps each task's card and thread, and passes steering and stops to the runner.
 */
export class Director {
  private readonly cards: CardRefresher;
  /** Answers "where does this task stand?" from the runner's summary. */
  readonly summaries: TaskSummaries;
  private readonly channels = new Map<string, Promise<unknown>>();

  constructor(private readonly options: DirectorOptions) {
    this.cards = new CardRefresher(options);
    this.summaries = new TaskSummaries({ ...options, requests: options.summaryRequests });
  }

  /** Runs a channel's commands one after another; channels do not wait for each other. */
  serial<T>(channel: string, work: () => Promise<T>): Promise<T> {
    const next = (this.channels.get(channel) ?? Promise.resolve()).catch(() => undefined).then(work);
    this.channels.set(channel, next);
    return next;
  }

  isBound(channel: string): boolean {
    return this.options.store.binding(channel) !== undefined;
  }

  /** The reply to a channel command (init, fix, do, status, stop, retry, restart, memory), as mrkdwn for the asker. */
  async command(command: DirectorCommand, ctx: CommandContext): Promise<string> {
    if (command.kind === 'init') return this.init(command, ctx);
    const { memory, clock } = this.options;
    const binding = this.options.store.binding(ctx.channel);
    if (!binding) return UNBOUND;
    switch (command.kind) {
      case 'status':
        return this.status(ctx.channel);
      case 'restart':
        return this.restart(ctx, command.task, binding);
      case 'memory':
        return memoryReply(memory.list(ctx.channel));
      case 'remember':
        return rememberReply(memory.remember(ctx.channel, command.fact, ctx.user, clock.now()));
      case 'forget': {
        const entry = memory.entry(ctx.channel, command.n);
        const allowed = entry !== undefined && this.mayForget(ctx.user, entry, binding);
        if (entry && allowed) memory.remove(entry.id);
        return forgetReply(entry, command.n, allowed);
      }
      case 'stop':
        return this.stopCommand(ctx, command.task, binding);
      case 'retry':
        return this.retry(ctx, command.task);
      default: {
        const runner = this.runnerOf(binding);
        if (!runner) return `No runner for this channel: pair one with \`/director connect\`, then \`/director init ${binding.repo} --runner <name>\`.`;
        if (command.kind === 'fix-top') return this.fixTop(command, ctx, binding, runner);
        if (command.kind === 'fix-issues') {
          const busy = new Set(this.options.store.activeIssueNumbers(ctx.channel));
          const fresh = command.numbers.filter((n) => !busy.has(n));
          const tasks = fresh.map((n) => this.startTask(ctx, binding, runner, { kind: 'issue', number: n, title: `Issue #${n}`, url: `https://github.com/${binding.repo}/issues/${n}` }, command.agent));
          return this.started(tasks, command.numbers.length - fresh.length);
        }
        return this.started([this.startTask(ctx, binding, runner, { kind: 'request', text: command.text }, command.agent)], 0);
      }
    }
  }

  private init(command: Extract<ParsedCommand, { kind: 'init' }>, ctx: CommandContext): string {
    const { store, runners, clock } = this.options;
    if (command.runner && !runners.activeByName(command.runner)) return `There is no runner named "${escapeMrkdwn(command.runner)}". \`/director runners\` lists them; \`/director connect\` pairs a new one.`;
    const project = command.project ?? command.repo.split('/')[1] ?? command.repo;
    store.bind(
      {
        channel: ctx.channel,
        repo: command.repo,
        project,
        runner: command.runner ?? null,
        agent: command.agent ?? null,
        maintainers: command.maintainers,
        steer: command.steer,
        concurrency: command.concurrency ?? null,
        verify: command.verify ?? null,
      },
      clock.now(),
    );
    return `This channel now directs *${escapeMrkdwn(command.repo)}* (project \`${escapeMrkdwn(project)}\`)${command.runner ? ` on runner *${escapeMrkdwn(command.runner)}*` : ''}. Try \`/director fix top 3 issues\`.`;
  }

  private runnerOf(binding: ChannelBinding): RunnerRecord | undefined {
    const { runners } = this.options;
    if (binding.runner) return runners.activeByName(binding.runner);
    const all = runners.active();
    return all.length === 1 ? all[0] : undefined;
  }

  private async fixTop(command: Extract<ParsedCommand, { kind: 'fix-top' }>, ctx: CommandContext, binding: ChannelBinding, runner: RunnerRecord): Promise<string> {
    const { hub, requests, store, clock, outbox } = this.options;
    if (!hub.isOnline(runner.id)) return `Runner *${escapeMrkdwn(runner.name)}* is offline, and it holds the GitHub token that lists issues. Start it with \`director runner start\`, then try again.`;
    const { requestId, answer } = requests.open();
    const busy = store.activeIssueNumbers(ctx.channel);
    hub.send(runner.id, { type: 'issues.find', requestId, project: binding.project, query: { limit: command.limit, order: command.order, busy, ...(command.label && { label: command.label }) } });
    const found = await answer;
    if (found.error) return `Could not list issues: ${escapeMrkdwn(found.error)}`;
    if (found.issues.length === 0) return 'No open issue matches (issues with an active task or an open PR are skipped).';
    const batchId = newId();
    const title = `Fix top ${command.limit} issues${command.label ? ` labelled ${command.label}` : ''}`;
    store.addBatch(batchId, ctx.channel, title, ctx.user, clock.now());
    await outbox.show(batchKey(batchId), { channel: ctx.channel }, batchCard(title, []));
    const tasks = found.issues.map((issue) => this.startTask(ctx, binding, runner, { kind: 'issue', ...issue }, command.agent, batchId));
    this.cards.batch(batchId);
    return this.started(tasks, 0);
  }

  private started(tasks: BotTask[], skipped: number): string {
    const skip = skipped > 0 ? ` (${skipped} already in progress)` : '';
    if (tasks.length === 0) return `Nothing new to start${skip}.`;
    return `Started ${tasks.length} task(s)${skip}: ${tasks.map((t) => `\`${t.id}\``).join(', ')}. Each has a card and a thread in this channel.`;
  }

  private startTask(
    ctx: CommandContext,
    binding: ChannelBinding,
    runner: RunnerRecord,
    source: { kind: 'issue'; number: number; title: string; url: string } | { kind: 'request'; text: string },
    agent: string | undefined,
    batchId?: string,
  ): BotTask {
    const { store, hub, clock } = this.options;
    const id = newId();
    const title = source.kind === 'issue' ? source.title : source.text.split('\n')[0]?.slice(0, 120) || 'Request';
    const chosenAgent = agent ?? binding.agent ?? undefined;
    const memory = this.options.memory.relevant(ctx.channel, source.kind === 'issue' ? source.title : source.text);
    const frame: BotToRunner = {
      type: 'task.start',
      taskId: id,
      project: binding.project,
      ...(chosenAgent && { agent: chosenAgent }),
      ...(binding.verify && { verifyCommand: binding.verify }),
      ...(memory && { memory }),
      title,
      source: source.kind === 'issue' ? { kind: 'issue', number: source.number } : { kind: 'request', text: source.text, requestedBy: ctx.user },
    };
    store.transaction(() => {
      // Over the channel's concurrency the task waits here, and starts when another one ends.
      const held = binding.concurrency !== null && store.runningCount(ctx.channel) >= binding.concurrency;
      store.addTask(
        {
          id,
          channel: ctx.channel,
          runner_id: runner.id,
          issue_number: source.kind === 'issue' ? source.number : null,
          title,
          url: source.kind === 'issue' ? source.url : null,
          agent: chosenAgent ?? null,
          state: held ? 'held' : hub.isOnline(runner.id) ? 'queued' : 'waiting',
          starter: ctx.user,
          batch_id: batchId ?? null,
          start_frame: held ? JSON.stringify(frame) : null,
        },
        clock.now(),
      );
      if (!held) hub.send(runner.id, frame);
    });
    const task = store.task(id);
    if (!task) throw new Error(`task ${id} vanished`);
    void this.options.outbox.show(cardKey(id), { channel: ctx.channel }, taskCard(task, clock.now(), runner.name)).catch((error: unknown) => this.options.log.warn({ err: error }, 'task card not shown'));
    return task;
  }

  private status(channel: string): string {
    const tasks = this.options.store.tasks(channel).slice(-30);
    if (tasks.length === 0) return 'No tasks in this channel yet. Try `/director fix top 3 issues`.';
    return cutMrkdwn(['Tasks of this channel:', ...tasks.map((t) => `• \`${t.id}\` ${t.issue_number === null ? '' : `#${t.issue_number} `}${escapeMrkdwn(t.title)} — ${t.state}${t.milestone ? ` — ${escapeMrkdwn(t.milestone)}` : ''}`)].join('\n'));
  }

  private restart(ctx: CommandContext, taskId: string, binding: ChannelBinding): string {
    const { store, hub } = this.options;
    const task = store.task(taskId);
    if (!task || task.channel !== ctx.channel) return `No task \`${escapeMrkdwn(taskId)}\` in this channel (\`/director status\` lists them).`;
    if (!this.mayStop(ctx.user, task, binding)) return 'Only the person who started this task or a channel maintainer can restart it.';
    if (task.state === 'held' || task.state === 'waiting') return `Task \`${task.id}\` has not started yet: there is no session to restart.`;
    hub.send(task.runner_id, { type: 'task.restart', taskId: task.id });
    return `Restarting \`${task.id}\`: its agent gets a fresh session in the same worktree, seeded with the task's summary.`;
  }

  private stopCommand(ctx: CommandContext, which: string, binding: ChannelBinding): string {
    const tasks = this.options.store.tasks(ctx.channel).filter((t) => isActive(t.state) && (which === 'all' || t.id === which));
    if (tasks.length === 0) return which === 'all' ? 'No task is running here.' : `No running task \`${escapeMrkdwn(which)}\` in this channel (\`/director status\` lists them).`;
    const allowed = tasks.filter((t) => this.mayStop(ctx.user, t, binding));
    for (const task of allowed) this.stopTask(task);
    const refused = tasks.length - allowed.length;
    return `Stopping ${allowed.length} task(s).${refused > 0 ? ` ${refused} started by others were left alone: only their starter or a maintainer may stop them.` : ''}`;
  }

  private retry(ctx: CommandContext, taskId: string): string {
    const task = this.options.store.task(taskId);
    if (!task || task.channel !== ctx.channel) return `No task \`${escapeMrkdwn(taskId)}\` in this channel (\`/director status\` lists them).`;
    if (isActive(task.state)) return `Task \`${task.id}\` is still ${task.state}.`;
    this.options.hub.send(task.runner_id, { type: 'task.retry', taskId: task.id });
    return `Retrying \`${task.id}\` in its worktree; its card and thread follow along.`;
  }

  /** A memory entry goes by its author's, its task starter's or a maintainer's hand; anyone's where there are no maintainers. */
  private mayForget(user: string, entry: MemoryEntry, binding: ChannelBinding): boolean {
    if (binding.maintainers.length === 0 || binding.maintainers.includes(user) || entry.author === user) return true;
    return entry.task_id !== null && this.options.store.task(entry.task_id)?.starter === user;
  }

  mayStop(user: string, task: BotTask, binding: ChannelBinding | undefined): boolean {
    return task.starter === user || (binding?.maintainers.includes(user) ?? false);
  }

  /** The Stop button. Returns the ephemeral refusal, or undefined when the stop was sent. */
  stopButton(user: string, taskId: string): string | undefined {
    const task = this.options.store.task(taskId);
    if (!task) return 'That task is unknown here.';
    if (!this.mayStop(user, task, this.options.store.binding(task.channel))) return 'Only the person who started this task or a channel maintainer can stop it.';
    if (isActive(task.state)) this.stopTask(task);
    return undefined;
  }

  /** A held task never reached the runner: it just ends here. Others are stopped by the runner. */
  private stopTask(task: BotTask): void {
    const { store, hub, clock } = this.options;
    if (task.state === 'held') {
      store.updateTask(task.id, { state: 'cancelled', milestone: 'Stopped before it started' }, clock.now());
      this.cards.task(task.id);
      if (task.batch_id) this.cards.batch(task.batch_id);
      return;
    }
    hub.send(task.runner_id, { type: 'task.stop', taskId: task.id });
  }

  /** Starts held tasks of the channel while it has free slots. */
  private releaseHeld(channel: string): void {
    const { store, hub, clock } = this.options;
    const binding = store.binding(channel);
    for (const task of store.heldTasks(channel)) {
      if (binding?.concurrency != null && store.runningCount(channel) >= binding.concurrency) return;
      const frame = botToRunnerSchema.safeParse(JSON.parse(task.start_frame ?? 'null'));
      if (!frame.success || !store.release(task.id, clock.now())) continue;
      hub.send(task.runner_id, frame.data);
      this.cards.task(task.id);
    }
  }

  /** A reply in a task's thread: a follow-up for its agent (👀 now, ✅ when picked up). */
  steer(channel: string, taskId: string, user: string, text: string, messageTs: string): void {
    const { store, hub, outbox } = this.options;
    const task = store.task(taskId);
    if (!task || task.channel !== channel) return;
    const binding = store.binding(channel);
    if (binding?.steer === 'maintainers' && !this.mayStop(user, task, binding)) {
      void outbox.ephemeral({ channel, user, text: 'In this channel only the task’s starter and the maintainers steer tasks; your reply was not passed to the agent.' }).catch(() => undefined);
      return;
    }
    const followUpId = `${taskId}:${messageTs}`;
    store.transaction(() => {
      store.addFollowUp(followUpId, taskId, channel, messageTs);
      hub.send(task.runner_id, { type: 'task.steer', taskId, followUpId, text, author: user });
    });
    void outbox.react({ channel, ts: messageTs, name: 'eyes' }).catch(() => undefined);
  }

  /** Frames from runners about tasks (inside the frame's transaction: only quick writes here). */
  onRunnerFrame(frame: RunnerToBotReceived, seq: number, runner: RunnerRecord): void {
    const { store, requests, outbox } = this.options;
    switch (frame.type) {
      case 'issues.found':
        requests.answer(frame.requestId, { issues: frame.issues, ...(frame.error && { error: frame.error }) });
        return;
      case 'task.summary':
        this.options.summaryRequests.answer(frame.requestId, { summary: frame.summary, ...(frame.error && { error: frame.error }) });
        return;
      case 'task.followup': {
        const picked = store.pickFollowUp(frame.followUpId);
        if (picked) void outbox.react({ channel: picked.channel, ts: picked.message_ts, name: 'white_check_mark' }).catch(() => undefined);
        return;
      }
      case 'task.update':
        return this.onTaskUpdate(frame, seq, runner);
      default:
        return;
    }
  }

  private onTaskUpdate(frame: TaskUpdateReceived, seq: number, runner: RunnerRecord): void {
    const { store, outbox, clock } = this.options;
    const task = store.task(frame.taskId);
    if (!task || task.runner_id !== runner.id) return;
    store.updateTask(frame.taskId, { state: frame.state, ...(frame.title && { title: frame.title }), agent: frame.agent, ...(frame.prUrl && { pr_url: frame.prUrl }), ...(frame.milestone && { milestone: frame.milestone.text }), ...(frame.startedAt && { started_at: frame.startedAt }) }, clock.now());
    if (frame.digest && (frame.state === 'finished' || frame.state === 'awaiting_review')) this.options.memory.addDigest(task.channel, task.id, frame.digest, clock.now());
    const milestone = frame.milestone;
    if (milestone?.post) {
      const mention = milestone.kind === 'question' ? `<@${task.starter}> ` : '';
      // Milestones quote agents and issues: nothing in them may become a mention, a link or break out of its code block.
      const detail = milestone.detail ? (milestone.kind === 'pr' ? escapeEntities(milestone.detail) : `\`\`\`${escapeMrkdwn(milestone.detail)}\`\`\``) : '';
      const body = [`${mention}${escapeEntities(milestone.text)}`, detail].filter(Boolean).join('\n');
      void outbox.show(`task:${task.id}:post:${seq}`, { channel: task.channel, thread: { key: cardKey(task.id) } }, { text: cutMrkdwn(body) }).catch(() => undefined);
    }
    this.cards.task(task.id);
    if (task.batch_id && frame.state !== task.state) this.cards.batch(task.batch_id);
    if (!isActive(frame.state)) this.releaseHeld(task.channel);
  }

  /** The task whose card is the root of a thread. */
  taskOfThread(key: string | undefined): string | undefined {
    return /^task:([a-z0-9]+):card$/.exec(key ?? '')?.[1];
  }

  /** Stops the card timers (shutdown). */
  close(): void {
    this.cards.close();
  }
}
