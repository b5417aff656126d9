import { randomBytes } from 'node:crypto';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import type { BotToRunner } from '../../shared/protocol.ts';
import { clip } from '../../shared/text.ts';
import type { RunnerHub } from '../runners/hub.ts';
import type { SlackOutbox } from '../slack/outbox.ts';
import type { ChannelBinding } from '../store/bindings.ts';
import { handleOf, type BotTask, type DirectorStore } from '../store/directors.ts';
import type { RunnerRecord } from '../store/runners.ts';
import { cardKey } from './card-refresher.ts';
import { taskCard } from './cards.ts';
import type { CommandContext } from './command.ts';
import type { HeldTasks } from './held-tasks.ts';
import type { ProjectMemory } from './memory.ts';

export interface TaskStarterOptions {
  store: DirectorStore;
  hub: RunnerHub;
  outbox: SlackOutbox;
  memory: ProjectMemory;
  held: HeldTasks;
  clock: Clock;
  log: Logger;
}

/** What a task works from: an issue of the channel's repository or a request typed in Slack. */
export type TaskSource =
  | { kind: 'issue'; number: number; title: string; url: string }
  | { kind: 'request'; text: string }
  /** A Sentry issue the runner listed; `title` is Sentry's (untrusted, redacted by the runner). */
  | { kind: 'sentry'; id: string; shortId: string; title: string; url: string };

function sourceFrame(source: TaskSource, user: string): Extract<BotToRunner, { type: 'task.start' }>['source'] {
  if (source.kind === 'issue') return { kind: 'issue', number: source.number };
  if (source.kind === 'sentry') return { kind: 'sentry', issueId: source.id, shortId: source.shortId };
  return { kind: 'request', text: source.text, requestedBy: user };
}

export const newTaskId = () => `t${randomBytes(5).toString('hex')}`;

/**
 * Starts one task: records it, shows its card, and sends its start to the runner — or holds it
 * on the bot while the channel is at its concurrency.
 */
export class TaskStarter {
  constructor(private readonly options: TaskStarterOptions) {}

  start(ctx: CommandContext, binding: ChannelBinding, runner: RunnerRecord, source: TaskSource, agent: string | undefined, batchId?: string): BotTask {
    const { store, hub, clock, held } = this.options;
    const id = newTaskId();
    const title =
      source.kind === 'issue'
        ? source.title
        : source.kind === 'sentry'
          ? clip(`${source.shortId} ${source.title}`, 500)
          : clip(source.text.split('\n')[0] ?? '', 120) || 'Request';
    const chosenAgent = agent ?? binding.agent ?? undefined;
    const memory = this.options.memory.relevant(ctx.channel, source.kind === 'request' ? source.text : source.title);
    const frame: BotToRunner = {
      type: 'task.start',
      taskId: id,
      project: binding.project,
      ...(chosenAgent && { agent: chosenAgent }),
      ...(binding.verify && { verify: binding.verify }),
      ...(binding.review && { review: binding.review }),
      ...(binding.feedback && { feedback: binding.feedback }),
      ...(memory && { memory }),
      title,
      source: sourceFrame(source, ctx.user),
    };
    store.transaction(() => {
      const hold = held.full(binding);
      store.addTask(
        {
          id,
          channel: ctx.channel,
          runner_id: runner.id,
          issue_number: source.kind === 'issue' ? source.number : null,
          title,
          url: source.kind === 'request' ? null : source.url,
          sentry_issue: source.kind === 'sentry' ? source.id : null,
          agent: chosenAgent ?? null,
          state: hold ? 'held' : hub.isOnline(runner.id) ? 'queued' : 'waiting',
          starter: ctx.user,
          batch_id: batchId ?? null,
          // A held task keeps its start frame until HeldTasks releases it.
          start_frame: hold ? JSON.stringify(frame) : null,
        },
        clock.now(),
      );
      if (!hold) hub.send(runner.id, frame);
    });
    const task = store.task(id);
    if (!task) throw new Error(`task ${id} vanished`);
    void this.options.outbox
      .show(cardKey(id), { channel: ctx.channel }, taskCard(task, clock.now(), runner))
      .catch((error: unknown) => this.options.log.warn({ err: error }, 'task card not shown'));
    return task;
  }
}

/** The reply to a command that started tasks. */
export function startedReply(tasks: BotTask[], skipped: number): string {
  const skip = skipped > 0 ? ` (${skipped} already in progress)` : '';
  if (tasks.length === 0) return `Nothing new to start${skip}.`;
  return `Started ${tasks.length} task(s)${skip}: ${tasks.map((t) => `\`${handleOf(t)}\``).join(', ')}. Each has a card and a thread in this channel.`;
}
