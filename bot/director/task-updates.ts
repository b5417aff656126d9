import type { Clock } from '../../shared/clock.ts';
import type { Milestone } from '../../shared/milestones.ts';
import type { TaskUpdateReceived } from '../../shared/protocol.ts';
import { isActive, type TaskState } from '../../shared/task-states.ts';
import { cutMrkdwn, escapeEntities, escapeMrkdwn } from '../../shared/text.ts';
import type { SlackOutbox } from '../slack/outbox.ts';
import type { DirectorStore } from '../store/directors.ts';
import type { RunnerRecord } from '../store/runners.ts';
import { cardKey, type CardRefresher } from './card-refresher.ts';
import type { HeldTasks } from './held-tasks.ts';
import type { ProjectMemory } from './memory.ts';

/**
 * Which posted milestones mention the task's starter: only what needs them (a question, a PR
 * ready for review, a failure). Nobody else is ever mentioned.
 */
const TELLS_STARTER = {
  progress: () => false,
  plan: () => false,
  question: () => true,
  verification_started: () => false,
  verification: () => false,
  files_changed: () => false,
  pr: () => false,
  restarted: () => false,
  finished: (state) => state === 'awaiting_review',
  failed: () => true,
  interrupted: () => false,
  cancelled: () => false,
  other: () => false,
} satisfies Record<Milestone['kind'], (state: TaskState) => boolean>;

export interface TaskUpdatesOptions {
  store: DirectorStore;
  outbox: SlackOutbox;
  cards: CardRefresher;
  held: HeldTasks;
  memory: ProjectMemory;
  clock: Clock;
}

/**
 * What runners say about tasks, applied to the channel: the task's record and card, thread posts
 * for milestones worth one, the project memory's digest, and the channel's held tasks released
 * when one settles. Runs inside the frame's transaction: only quick writes; Slack calls are queued.
 */
export class TaskUpdates {
  constructor(private readonly options: TaskUpdatesOptions) {}

  /** A task.update from the task's own runner (another runner's is ignored). */
  apply(frame: TaskUpdateReceived, seq: number, runner: RunnerRecord): void {
    const { store, outbox, clock, cards } = this.options;
    const task = store.task(frame.taskId);
    if (!task || task.runner_id !== runner.id) return;
    store.updateTask(
      frame.taskId,
      {
        state: frame.state,
        ...(frame.title && { title: frame.title }),
        agent: frame.agent,
        ...(frame.prUrl && { pr_url: frame.prUrl }),
        ...(frame.milestone && { milestone: frame.milestone.text }),
        ...(frame.startedAt && { started_at: frame.startedAt }),
        ...(frame.milestone?.kind === 'plan' && { plan: JSON.stringify(frame.milestone.steps) }),
        activity: clock.now(),
      },
      clock.now(),
    );
    if (frame.digest && (frame.state === 'finished' || frame.state === 'awaiting_review'))
      this.options.memory.addDigest(task.channel, task.id, frame.digest, clock.now());
    const milestone = frame.milestone;
    if (milestone?.post) {
      const mention = TELLS_STARTER[milestone.kind](frame.state) ? `<@${task.starter}> ` : '';
      // Milestones quote agents and issues: nothing in them may become a mention, a link or break out of its code block.
      const detail = milestone.detail ? (milestone.kind === 'pr' ? escapeEntities(milestone.detail) : `\`\`\`${escapeMrkdwn(milestone.detail)}\`\`\``) : '';
      const body = [`${mention}${escapeEntities(milestone.text)}`, detail].filter(Boolean).join('\n');
      void outbox
        .show(`task:${task.id}:post:${seq}`, { channel: task.channel, thread: { key: cardKey(task.id) } }, { text: cutMrkdwn(body) })
        .catch(() => undefined);
    }
    cards.task(task.id);
    // Throttled like the task cards: a batch of ten moving at once is one edit every few seconds.
    if (task.batch_id && frame.state !== task.state) cards.batch(task.batch_id);
    if (!isActive(frame.state)) this.options.held.release(task.channel);
  }

  /** The agent took up a follow-up: ✅ on the person's reply (another runner's word is ignored). */
  followUpPicked(followUpId: string, runner: RunnerRecord): void {
    const picked = this.options.store.pickFollowUp(followUpId, runner.id);
    // A Continue button has no message of the person's to mark.
    if (picked?.message_ts) void this.options.outbox.react({ channel: picked.channel, ts: picked.message_ts, name: 'white_check_mark' }).catch(() => undefined);
  }
}
