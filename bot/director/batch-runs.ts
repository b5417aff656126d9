// Commands that start a batch of tasks, run for a person or an automation: list on the runner if need be, then one batch card.
import type { Clock } from '../../shared/clock.ts';
import { escapeMrkdwn } from '../../shared/text.ts';
import type { RunnerHub } from '../runners/hub.ts';
import type { SlackOutbox } from '../slack/outbox.ts';
import type { BindingStore, ChannelBinding } from '../store/bindings.ts';
import type { BotTask, DirectorStore } from '../store/directors.ts';
import type { RunnerRecord, RunnerStore } from '../store/runners.ts';
import { batchKey, type CardRefresher } from './card-refresher.ts';
import { batchCard } from './cards.ts';
import type { CommandContext, DirectorCommand } from './command.ts';
import type { IssuesAnswer, RunnerRequests, SentryAnswer } from './runner-requests.ts';
import { newTaskId, startedReply, type TaskSource, type TaskStarter } from './task-starter.ts';

export interface BatchRunDeps {
  store: DirectorStore;
  bindings: BindingStore;
  runners: RunnerStore;
  hub: RunnerHub;
  outbox: SlackOutbox;
  starter: TaskStarter;
  cards: CardRefresher;
  issues: RunnerRequests<IssuesAnswer>;
  sentry: RunnerRequests<SentryAnswer>;
  clock: Clock;
}

/** The commands an automation may run. */
export type BatchCommand = Extract<DirectorCommand, { kind: 'fix-top' | 'fix-sentry' | 'fix-issues' | 'do' }>;
export const batchCommandKinds: ReadonlySet<string> = new Set(['fix-top', 'fix-sentry', 'fix-issues', 'do'] satisfies BatchCommand['kind'][]);

/** How a run went: tasks started (with their batch), nothing to do, or a failure a person should read. */
export type RunOutcome =
  { kind: 'started'; tasks: BotTask[]; batchId: string; skipped: number } | { kind: 'nothing'; detail: string } | { kind: 'failed'; detail: string };

type Found = { sources: TaskSource[]; skipped: number } | { error: string };
type Finders = {
  [K in BatchCommand['kind']]: (
    command: Extract<BatchCommand, { kind: K }>,
    ctx: CommandContext,
    binding: ChannelBinding,
    runner: RunnerRecord,
  ) => Promise<Found>;
};

/** A `fix sentry errors` command as its batch card names it. */
export function sentryTitle(command: Extract<BatchCommand, { kind: 'fix-sentry' }>): string {
  const filters = [
    command.usersOver !== undefined && `users>${command.usersOver}`,
    command.eventsOver !== undefined && `events>${command.eventsOver}`,
    command.level && `level:${command.level}`,
  ].filter(Boolean);
  return `Fix Sentry errors${filters.length > 0 ? ` (${filters.join(' ')})` : ''} of the last ${command.since}`;
}

export class BatchRuns {
  private readonly finders: Finders;

  constructor(private readonly deps: BatchRunDeps) {
    this.finders = {
      'fix-sentry': (command, ctx, binding, runner) => this.sentryIssues(command, ctx, binding, runner),
      'fix-top': (command, ctx, binding, runner) => this.topIssues(command, ctx, binding, runner),
      'fix-issues': (command, ctx, binding) => {
        const busy = new Set(deps.store.activeIssueNumbers(ctx.channel));
        const url = (n: number) => `https://github.com/${binding.repo}/issues/${n}`;
        const fresh = command.numbers.filter((n) => !busy.has(n));
        return Promise.resolve({
          sources: fresh.map((n) => ({ kind: 'issue', number: n, title: `Issue #${n}`, url: url(n) })),
          skipped: command.numbers.length - fresh.length,
        });
      },
      do: (command) => Promise.resolve({ sources: [{ kind: 'request', text: command.text }], skipped: 0 }),
    } satisfies Finders;
  }

  /** Runs the command for `ctx.user` in `ctx.channel`; `title` names the batch card (an automation names itself). */
  async run(command: BatchCommand, ctx: CommandContext, title?: string): Promise<RunOutcome> {
    const binding = this.deps.bindings.binding(ctx.channel);
    if (!binding) return { kind: 'failed', detail: 'the channel is not bound to a project any more (`/director init`)' };
    const runner = binding.runner_id ? this.deps.runners.byId(binding.runner_id) : undefined;
    if (!runner || runner.revoked_at !== null) return { kind: 'failed', detail: 'the channel has no runner: its runner was revoked or never bound' };
    const finder = this.finders[command.kind] as (c: BatchCommand, ctx: CommandContext, b: ChannelBinding, r: RunnerRecord) => Promise<Found>;
    const found = await finder(command, ctx, binding, runner);
    if ('error' in found) return { kind: 'failed', detail: found.error };
    // The channel may have changed while the runner listed.
    const now = this.deps.bindings.binding(ctx.channel);
    if (!now || now.runner_id !== runner.id) return { kind: 'failed', detail: 'the channel’s runner changed while the runner listed: nothing was started' };
    const fresh = this.stillFree(ctx.channel, found.sources);
    const skipped = found.skipped + found.sources.length - fresh.length;
    if (fresh.length === 0) return { kind: 'nothing', detail: nothingText(command, skipped) };
    const batchId = newTaskId();
    const { store, outbox, clock, starter, cards } = this.deps;
    const batchTitle = title ?? defaultTitle(command);
    store.addBatch(batchId, ctx.channel, batchTitle, ctx.user, clock.now());
    await outbox.show(batchKey(batchId), { channel: ctx.channel }, batchCard(batchTitle, []));
    const agent = command.agent;
    const tasks = fresh.map((source) => starter.start(ctx, now, runner, source, agent, batchId));
    cards.batch(batchId);
    return { kind: 'started', tasks, batchId, skipped };
  }

  /** Sources not taken meanwhile by another task of the channel. */
  private stillFree(channel: string, sources: TaskSource[]): TaskSource[] {
    const issues = new Set(this.deps.store.activeIssueNumbers(channel));
    const sentry = new Set(this.deps.store.activeSentryIssues(channel));
    return sources.filter((s) => (s.kind === 'issue' ? !issues.has(s.number) : s.kind === 'sentry' ? !sentry.has(s.id) : true));
  }

  private async sentryIssues(
    command: Extract<BatchCommand, { kind: 'fix-sentry' }>,
    ctx: CommandContext,
    binding: ChannelBinding,
    runner: RunnerRecord,
  ): Promise<Found> {
    const { hub, sentry, store } = this.deps;
    if (!hub.isOnline(runner.id)) return { error: `runner ${runner.name} is offline, and it holds the Sentry token: start it with \`director runner start\`` };
    const { requestId, answer } = sentry.open();
    const { agent: _agent, kind: _kind, ...filters } = command;
    hub.send(runner.id, { type: 'sentry.find', requestId, project: binding.project, query: { ...filters, busy: store.activeSentryIssues(ctx.channel) } });
    const found = await answer;
    if (found.error) return { error: `could not list Sentry issues: ${found.error}` };
    return { sources: found.issues.map((i) => ({ kind: 'sentry', id: i.id, shortId: i.shortId, title: i.title, url: i.url })), skipped: found.covered };
  }

  private async topIssues(
    command: Extract<BatchCommand, { kind: 'fix-top' }>,
    ctx: CommandContext,
    binding: ChannelBinding,
    runner: RunnerRecord,
  ): Promise<Found> {
    const { hub, issues, store } = this.deps;
    if (!hub.isOnline(runner.id)) return { error: `runner ${runner.name} is offline, and it holds the GitHub token: start it with \`director runner start\`` };
    const { requestId, answer } = issues.open();
    const query = { limit: command.limit, order: command.order, busy: store.activeIssueNumbers(ctx.channel), ...(command.label && { label: command.label }) };
    hub.send(runner.id, { type: 'issues.find', requestId, project: binding.project, query });
    const found = await answer;
    if (found.error) return { error: `could not list issues: ${found.error}` };
    return { sources: found.issues.map((i) => ({ kind: 'issue', ...i })), skipped: 0 };
  }
}

function defaultTitle(command: BatchCommand): string {
  if (command.kind === 'fix-sentry') return sentryTitle(command);
  if (command.kind === 'fix-top') return `Fix top ${command.limit} issues${command.label ? ` labelled ${command.label}` : ''}`;
  if (command.kind === 'fix-issues') return `Fix ${command.numbers.map((n) => `#${n}`).join(' ')}`;
  return 'Request';
}

function nothingText(command: BatchCommand, skipped: number): string {
  const covered = skipped > 0 ? ` (${skipped} already covered by a task or an open PR)` : '';
  if (command.kind === 'fix-sentry') return `No new Sentry issue matches${covered}.`;
  if (command.kind === 'fix-top') return `No open issue matches${covered}.`;
  return `Nothing new to start${covered}.`;
}

/** The reply to a person who typed a batch command. */
export function outcomeReply(outcome: RunOutcome): string {
  if (outcome.kind === 'started') return startedReply(outcome.tasks, outcome.skipped);
  if (outcome.kind === 'nothing') return outcome.detail;
  return `Could not do it: ${escapeMrkdwn(outcome.detail)}`;
}
