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

/** A milestone's longer text: a plan's steps as lines, a PR's link as is, anything else (an agent's words, stderr) in a code block. */
function detailText(kind: Milestone['kind'], detail: string): string {
  if (kind === 'pr') return escapeEntities(detail);
  if (kind === 'plan') return escapeMrkdwn(detail);
  return `\`\`\`${escapeMrkdwn(detail)}\`\`\``;
}

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
  review: () => false,
  feedback: () => false,
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
  /** The app's direct message channel with a person (a runner's owner). */
  directMessage: (user: string) => Promise<string>;
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
    const misconfigured = frame.milestone?.kind === 'failed' && frame.milestone.misconfigured === true && runner.created_by !== '';
    store.updateTask(
      frame.taskId,
      {
        state: frame.state,
        ...(frame.title && { title: frame.title }),
        agent: frame.agent,
        ...(frame.prUrl && { pr_url: frame.prUrl }),
        ...(frame.milestone && { milestone: misconfigured ? 'Failed: the runner is not set up for this task; its owner has been told' : frame.milestone.text }),
        ...(frame.startedAt && { started_at: frame.startedAt }),
        ...(frame.milestone?.kind === 'plan' && { plan: JSON.stringify(frame.milestone.steps) }),
        activity: clock.now(),
        ...(frame.tokens && { tokens: frame.tokens }),
      },
      clock.now(),
    );
    if (frame.digest && (frame.state === 'finished' || frame.state === 'awaiting_review'))
      this.options.memory.addDigest(task.channel, task.id, frame.digest, clock.now());
    const milestone = frame.milestone;
    if (milestone?.kind === 'failed' && misconfigured) {
      // A runner's configuration is its owner's business: the reasons go to them, the thread gets one line.
      this.tellOwner(runner, task.channel, task.title, milestone.reason, seq);
      const line = `<@${task.starter}> Failed: runner *${escapeMrkdwn(runner.name)}* is not set up for this task; its owner, <@${runner.created_by}>, has been told why.`;
      void outbox.show(`task:${task.id}:post:${seq}`, { channel: task.channel, thread: { key: cardKey(task.id) } }, { text: line }).catch(() => undefined);
    } else if (milestone?.post) {
      const mention = TELLS_STARTER[milestone.kind](frame.state) ? `<@${task.starter}> ` : '';
      // Milestones quote agents and issues: nothing in them may become a mention, a link or break out of its code block.
      const detail = milestone.detail ? detailText(milestone.kind, milestone.detail) : '';
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

  private tellOwner(runner: RunnerRecord, channel: string, title: string, reason: string, seq: number): void {
    const { directMessage, outbox } = this.options;
    const text = cutMrkdwn(
      `Your runner *${escapeMrkdwn(runner.name)}* refused a task in <#${channel}> (${escapeMrkdwn(title)}):\n${escapeEntities(reason)}\nFix its configuration (PROJECTS, AGENTS, verifyCommands), or change the channel's settings with \`/director init\`.`,
    );
    void directMessage(runner.created_by)
      .then((dm) => outbox.show(`runner:${runner.id}:misconfigured:${seq}`, { channel: dm }, { text }))
      .catch(() => undefined);
  }

  /** The agent took up a follow-up: ✅ on the person's reply (another runner's word is ignored). */
  followUpPicked(followUpId: string, runner: RunnerRecord): void {
    const picked = this.options.store.pickFollowUp(followUpId, runner.id);
    // A Continue button has no message of the person's to mark.
    if (picked?.message_ts) void this.options.outbox.react({ channel: picked.channel, ts: picked.message_ts, name: 'white_check_mark' }).catch(() => undefined);
  }
}
