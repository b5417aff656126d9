import { randomUUID } from 'node:crypto';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import type { MergeResult, PrState, TaskUpdateReceived } from '../../shared/protocol.ts';
import { escapeMrkdwn } from '../../shared/text.ts';
import type { RunnerHub } from '../runners/hub.ts';
import type { SlackOutbox } from '../slack/outbox.ts';
import type { UploadFile } from '../slack/upload-file.ts';
import type { AuditStore } from '../store/audit.ts';
import type { BindingStore, ChannelBinding } from '../store/bindings.ts';
import type { BotTask, DirectorStore } from '../store/directors.ts';
import type { MergeStore } from '../store/merges.ts';
import type { SlackMessageStore } from '../store/slack-messages.ts';
import type { RunnerRecord } from '../store/runners.ts';
import { mention } from './announcements.ts';
import { cardKey, type CardRefresher } from './card-refresher.ts';
import { batchReleaseBlocks, readyToMerge, reviewBlocks } from './merge-card.ts';
import { mayMerge, maySteer, mergersOf } from './permissions.ts';
import { RunnerRequests } from './runner-requests.ts';

export interface MergesOptions {
  store: DirectorStore;
  merges: MergeStore;
  bindings: BindingStore;
  hub: RunnerHub;
  outbox: SlackOutbox;
  messages: SlackMessageStore;
  cards: CardRefresher;
  audit: AuditStore;
  upload: UploadFile;
  /** Steers the task's agent as a thread reply would (the Director's steer). */
  steer: (channel: string, taskId: string, user: string, text: string, messageTs: string) => void;
  clock: Clock;
  log: Logger;
}

/** A runner's answer to diff.ask. */
export interface DiffAnswer {
  diff: string;
  cut: boolean;
  error?: string;
}

/** What a click presses on behalf of: the person's id and display name. */
export interface Clicker {
  id: string;
  name: string;
}

/** The card's review section and the batch's release line, from the merge store. */
export function mergeCardExtras(merges: MergeStore) {
  return {
    task: (task: BotTask) => reviewBlocks(task, merges.pr(task.id), merges.merge(task.id)),
    batch: (batchId: string, tasks: BotTask[]) =>
      batchReleaseBlocks(
        batchId,
        tasks.map((task) => ({ task, pr: merges.pr(task.id), merge: merges.merge(task.id) })),
      ),
  };
}

/**
 * Release from Slack: Approve & merge, Merge all ready, Request changes and View diff, and what the
 * runner answers. The bot checks who may merge and lets one click win; the runner has the last word.
 */
export class Merges {
  private readonly diffs: RunnerRequests<DiffAnswer>;

  constructor(private readonly options: MergesOptions) {
    this.diffs = new RunnerRequests<DiffAnswer>(options.clock, (error) => ({ diff: '', cut: false, error }));
  }

  /** Approve & merge: the refusal for the clicker, or undefined when the merge was asked. */
  approve(user: Clicker, taskId: string, sha: string): string | undefined {
    const found = this.mergeable(user.id, taskId);
    if (typeof found === 'string') return found;
    return this.ask(user, found.task, found.binding, sha);
  }

  /** Merge all ready (n) on a batch card: every ready task, each pinned to the head its card shows; the runner merges them one at a time. */
  mergeAll(user: Clicker, batchId: string): string | undefined {
    const { store, merges } = this.options;
    const tasks = store.batchTasks(batchId);
    const first = tasks[0];
    if (!first) return 'That batch is unknown here.';
    const binding = this.options.bindings.binding(first.channel);
    if (!mayMerge(user.id, binding)) return refusal(binding);
    const ready = tasks.flatMap((task) => {
      const pr = merges.pr(task.id);
      return readyToMerge(task, pr, merges.merge(task.id)) ? [{ task, pr }] : [];
    });
    if (ready.length === 0) return 'Nothing in this batch is ready to merge.';
    const refused = ready.map(({ task, pr }) => (binding ? this.ask(user, task, binding, pr.headSha) : undefined)).filter((r) => r !== undefined);
    return refused.length > 0 ? refused.join('\n') : undefined;
  }

  /** Request changes (the modal's text): steers the task's agent as a reply in its thread would. */
  async requestChanges(user: string, taskId: string, text: string): Promise<void> {
    const { store, outbox } = this.options;
    const task = store.task(taskId);
    if (!task || text.trim() === '') return;
    if (!maySteer(user, task, this.options.bindings.binding(task.channel))) {
      await outbox.ephemeral({
        channel: task.channel,
        user,
        text: 'In this channel only the task’s starter and the maintainers steer tasks; your request was not passed to the agent.',
      });
      return;
    }
    const posted = await outbox.show(
      `task:${task.id}:changes:${randomUUID()}`,
      { channel: task.channel, thread: { key: cardKey(task.id) } },
      { text: `${mention(user)} requested changes:\n>${escapeMrkdwn(text).replace(/\n/g, '\n>')}` },
    );
    this.options.steer(task.channel, task.id, user, text, posted);
  }

  /** View diff: the runner's redacted diff, as a file in the task's thread. */
  async viewDiff(user: string, taskId: string): Promise<string | undefined> {
    const { store, hub, messages, upload } = this.options;
    const task = store.task(taskId);
    if (!task?.pr_url) return 'That task has no PR yet.';
    const { requestId, answer } = this.diffs.open();
    hub.send(task.runner_id, { type: 'diff.ask', requestId, taskId });
    const got = await answer;
    if (got.error) return `No diff: ${escapeMrkdwn(got.error)}`;
    const threadTs = messages.get(cardKey(taskId))?.ts ?? undefined;
    const pr = this.options.merges.pr(taskId);
    const comment = `Diff of ${pr ? `PR #${pr.pr} at \`${pr.headSha.slice(0, 7)}\`` : 'the PR'}, asked by ${mention(user)}${got.cut ? ' (cut to fit)' : ''}; secrets are redacted.`;
    await upload({
      channel: task.channel,
      ...(threadTs && { threadTs }),
      filename: `pr-${pr?.pr ?? task.id}.diff`,
      title: `PR diff (${task.id})`,
      content: got.diff,
      comment,
    });
    return undefined;
  }

  /** A task reached review: ask its runner for the PR's state. */
  taskUpdated(frame: TaskUpdateReceived, runner: RunnerRecord): void {
    const task = this.options.store.task(frame.taskId);
    if (task?.runner_id === runner.id && frame.state === 'awaiting_review') this.options.hub.send(runner.id, { type: 'pr.ask', taskId: frame.taskId });
  }

  prState(frame: PrState, runner: RunnerRecord): void {
    const { store, merges, cards, clock } = this.options;
    const task = store.task(frame.taskId);
    if (!task || task.runner_id !== runner.id) return;
    merges.setPr(frame, clock.now());
    cards.task(task.id);
    if (task.batch_id) cards.batch(task.batch_id);
  }

  diffGiven(requestId: string, answer: DiffAnswer): void {
    this.diffs.answer(requestId, answer);
  }

  /** The runner's answer to a merge: the card, the clicker, the thread and the audit log follow. */
  result(frame: MergeResult, runner: RunnerRecord): void {
    const { store, merges, cards, outbox, audit, clock } = this.options;
    const task = store.task(frame.taskId);
    if (!task || task.runner_id !== runner.id) return;
    const extra = { ...(frame.mergeSha && { merge_sha: frame.mergeSha }), ...(frame.reason && { reason: frame.reason }) };
    if (!merges.settle(task.id, frame.requestId, frame.outcome, clock.now(), extra)) return;
    const by = merges.merge(task.id)?.by_user ?? '';
    if (frame.outcome === 'merged') {
      const line = `${mention(by)} merged PR ${task.pr_url ? `<${task.pr_url}|#${merges.pr(task.id)?.pr ?? ''}>` : ''} of \`${task.id}\` at \`${(frame.mergeSha ?? '').slice(0, 7)}\` (approved at \`${frame.sha.slice(0, 7)}\`)`;
      audit.add({ at: clock.now(), channel: task.channel, actor: by, action: 'merged', text: line });
      void outbox
        .show(`task:${task.id}:merged`, { channel: task.channel, thread: { key: cardKey(task.id) } }, { text: `:tada: ${line}${starterToo(task.starter, by)}` })
        .catch(() => undefined);
    }
    if (frame.outcome === 'moved' || frame.outcome === 'refused' || frame.outcome === 'gave_up') {
      const text =
        frame.outcome === 'moved'
          ? `Nothing was merged: the PR's head moved since the card was drawn (now \`${(frame.headSha ?? '').slice(0, 7)}\`). The card shows the new head: look again, then click again.`
          : `Not merged: ${escapeMrkdwn(frame.reason ?? 'the runner refused')}`;
      void outbox.ephemeral({ channel: task.channel, user: by, text }).catch(() => undefined);
      if (frame.outcome === 'moved') this.options.hub.send(runner.id, { type: 'pr.ask', taskId: task.id });
    }
    cards.task(task.id);
    if (task.batch_id) cards.batch(task.batch_id);
  }

  private mergeable(user: string, taskId: string): { task: BotTask; binding: ChannelBinding } | string {
    const task = this.options.store.task(taskId);
    if (!task) return 'That task is unknown here.';
    const binding = this.options.bindings.binding(task.channel);
    if (!binding || !mayMerge(user, binding)) return refusal(binding);
    return { task, binding };
  }

  /** Claims the task's merge for this click (one of two wins) and asks its runner. */
  private ask(user: Clicker, task: BotTask, binding: ChannelBinding, sha: string): string | undefined {
    const { merges, hub, cards, clock } = this.options;
    const pr = merges.pr(task.id);
    if (!pr || task.state !== 'awaiting_review') return `\`${task.id}\` has no PR awaiting review.`;
    if (pr.headSha !== sha) {
      cards.task(task.id);
      return `The PR's head is now \`${pr.headSha.slice(0, 7)}\`, not the \`${sha.slice(0, 7)}\` you clicked on: nothing was merged. Look at the redrawn card and click again.`;
    }
    const requestId = randomUUID();
    const claimed = merges.claim({ task_id: task.id, request_id: requestId, sha, by_user: user.id }, clock.now());
    if (!claimed.ok) {
      const { holder } = claimed;
      return holder.state === 'merged' ? `Already merged by ${mention(holder.by_user)}.` : `Already being merged by ${mention(holder.by_user)}.`;
    }
    hub.send(task.runner_id, {
      type: 'merge.request',
      requestId,
      taskId: task.id,
      pr: pr.pr,
      sha,
      approvedBy: { id: user.id, name: user.name.slice(0, 100) },
      ...(binding.merge_method && { method: binding.merge_method }),
    });
    // The task's card is edited when the runner answers (its edits are throttled, and the answer is what people wait for).
    if (task.batch_id) cards.batch(task.batch_id);
    return undefined;
  }
}

/** The ephemeral refusal for someone who may not merge: it says who may. */
function refusal(binding: ChannelBinding | undefined): string {
  const who = binding ? mergersOf(binding) : [];
  return who.length > 0
    ? `Only ${who.map(mention).join(', ')} may merge in this channel (\`/director init … --mergers @a,@b\` changes that).`
    : 'Nobody may merge in this channel yet: its maintainers name mergers with `/director init … --mergers @a,@b`.';
}

/** The starter is told their task's PR merged (once: not when they merged it themselves). */
const starterToo = (starter: string, by: string): string => (starter && starter !== by ? ` · ${mention(starter)}` : '');
