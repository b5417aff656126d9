import { z } from 'zod';
import { isActive, type BotTaskState } from '../../shared/task-states.ts';
import { cutMrkdwn, escapeMrkdwn, slackLink } from '../../shared/text.ts';
import { handleOf, type BotTask } from '../store/directors.ts';
import type { MessageBody } from '../store/slack-messages.ts';

/** Each state's emoji (distinct: none means two things) and its words, as cards and answers show them. */
const STATE = {
  held: { emoji: ':hourglass:', words: 'waiting for a free slot in this channel' },
  waiting: { emoji: ':zzz:', words: 'waiting for runner' },
  queued: { emoji: ':hourglass_flowing_sand:', words: 'queued' },
  preparing: { emoji: ':hammer_and_wrench:', words: 'preparing' },
  running: { emoji: ':runner:', words: 'running' },
  verifying: { emoji: ':test_tube:', words: 'verifying' },
  publishing: { emoji: ':outbox_tray:', words: 'publishing' },
  awaiting_review: { emoji: ':large_green_circle:', words: 'PR ready for review' },
  finished: { emoji: ':white_check_mark:', words: 'finished' },
  failed: { emoji: ':x:', words: 'failed' },
  cancelled: { emoji: ':black_square_for_stop:', words: 'stopped' },
  interrupted: { emoji: ':double_vertical_bar:', words: 'interrupted' },
} satisfies Record<BotTaskState, { emoji: string; words: string }>;

/** How the batch card counts its tasks: in the states people care about. */
const BATCH_GROUP = {
  held: 'waiting',
  waiting: 'waiting',
  queued: 'waiting',
  preparing: 'running',
  running: 'running',
  verifying: 'running',
  publishing: 'running',
  awaiting_review: 'ready for review',
  finished: 'finished',
  failed: 'failed',
  cancelled: 'stopped',
  interrupted: 'interrupted',
} satisfies Record<BotTaskState, string>;
const GROUP_ORDER = ['ready for review', 'finished', 'running', 'waiting', 'failed', 'stopped', 'interrupted'];

/** A running task silent this long shows "thinking" with when it last said anything. */
export const QUIET_MS = 60_000;

/** A state in words, as answers to people say it (no emoji, no `awaiting_review`). */
export function stateWords(state: BotTaskState): string {
  return STATE[state].words;
}

export function stateLabel(state: BotTaskState, runner?: string): string {
  const { emoji, words } = STATE[state];
  return `${emoji} ${words}${state === 'waiting' && runner ? ` ${escapeMrkdwn(runner)}` : ''}`;
}

/** A time as Slack renders it in the reader's client ("3 minutes ago"), so it stays current without edits. */
export function slackAgo(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `<!date^${seconds}^{ago}|${new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC>`;
}

export function taskTitle(task: BotTask): string {
  const label = task.issue_number === null ? task.title : `#${task.issue_number} ${task.title}`;
  return slackLink(task.url, label);
}

const planSchema = z.array(z.object({ text: z.string(), done: z.boolean() }));

/** The plan's steps, ticked as the agent's todo list changes. */
function planLines(task: BotTask): string[] {
  if (!task.plan) return [];
  let json: unknown;
  try {
    json = JSON.parse(task.plan);
  } catch {
    return [];
  }
  const parsed = planSchema.safeParse(json);
  if (!parsed.success) return [];
  const steps = parsed.data.slice(0, 8).map((s) => `${s.done ? ':ballot_box_with_check:' : ':white_square:'} ${escapeMrkdwn(s.text)}`);
  return parsed.data.length > 8 ? [...steps, `… and ${parsed.data.length - 8} more`] : steps;
}

/** What the task is doing now: the latest milestone, or "thinking" when it has been quiet. */
function activityLine(task: BotTask, now: number): string | undefined {
  const last = task.last_activity_at;
  if (task.state === 'running' && last !== null && now - last >= QUIET_MS) return `:thought_balloon: thinking — last output ${slackAgo(last)}`;
  // Settled: the state says it (a PR ready needs no "verified" line); a failure or a finish keeps its one line.
  if (!isActive(task.state) && task.state !== 'failed' && task.state !== 'finished') return undefined;
  if (!task.milestone) return undefined;
  return `_${escapeMrkdwn(task.milestone)}_${isActive(task.state) && last !== null ? ` · ${slackAgo(last)}` : ''}`;
}

/** 950, 12.3k, 1.2M. */
const count = (n: number) => (n < 1000 ? String(n) : n < 1_000_000 ? `${(n / 1000).toFixed(1)}k` : `${(n / 1_000_000).toFixed(1)}M`);

const button = (actionId: string, text: string, value: string) => ({ type: 'button', action_id: actionId, value, text: { type: 'plain_text', text } });

/** Stop (confirmed first) while the task is active; Continue or Retry and Status once it settled. */
function actions(task: BotTask): NonNullable<MessageBody['blocks']> {
  if (isActive(task.state)) {
    const stop = {
      ...button('task_stop', 'Stop', task.id),
      style: 'danger',
      confirm: {
        title: { type: 'plain_text', text: 'Stop this task?' },
        text: { type: 'plain_text', text: 'The agent is stopped; its worktree stays, and Retry runs it again.' },
        confirm: { type: 'plain_text', text: 'Stop it' },
        deny: { type: 'plain_text', text: 'Keep running' },
        style: 'danger',
      },
    };
    return [{ type: 'actions', elements: [stop] }];
  }
  const again =
    task.state === 'awaiting_review' || task.state === 'finished' ? button('task_continue', 'Continue', task.id) : button('task_retry', 'Retry', task.id);
  return [{ type: 'actions', elements: [again, button('task_status', 'Status', task.id)] }];
}

/** The task card: the thread's root, edited in place as the task moves. */
export function taskCard(task: BotTask, now: number, runner?: { name: string; sandbox: string | null }, extra: MessageBody['blocks'] = []): MessageBody {
  const state = stateLabel(task.state, runner?.name);
  const lines = [`*${taskTitle(task)}*`, state];
  const activity = activityLine(task, now);
  if (activity) lines.push(activity);
  lines.push(...planLines(task));
  if (task.pr_url) lines.push(`:link: ${slackLink(task.pr_url, 'Draft pull request')}`);
  const meta = [`agent: ${escapeMrkdwn(task.agent ?? 'default')}`, `task \`${handleOf(task)}\``];
  if (task.started_at !== null) meta.push(`started ${slackAgo(task.started_at)}`);
  if (task.last_activity_at !== null) meta.push(`last activity ${slackAgo(task.last_activity_at)}`);
  if (task.tokens_in !== null || task.tokens_out !== null) meta.push(`${count(task.tokens_in ?? 0)} tokens in · ${count(task.tokens_out ?? 0)} out`);
  // A runner started with AGENT_SANDBOX=off says so, and every card of its tasks shows it.
  if (runner?.sandbox === 'off') meta.push(':warning: *unsandboxed*');
  const blocks: MessageBody['blocks'] = [
    { type: 'section', text: { type: 'mrkdwn', text: cutMrkdwn(lines.join('\n')) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: cutMrkdwn(meta.join(' · ')) }] },
    ...extra,
    ...actions(task),
  ];
  // The fallback text (notifications, screen readers) is escaped exactly like the blocks.
  return { text: cutMrkdwn(`${task.issue_number === null ? '' : `#${task.issue_number} `}${escapeMrkdwn(task.title)} — ${state}`), blocks };
}

/** "2 ready for review · 1 running": the batch's tasks counted in the states people care about. */
export function batchCounts(tasks: BotTask[]): string {
  const counts = new Map<string, number>();
  for (const t of tasks) counts.set(BATCH_GROUP[t.state], (counts.get(BATCH_GROUP[t.state]) ?? 0) + 1);
  const parts = GROUP_ORDER.flatMap((group) => (counts.get(group) ? [`${counts.get(group)} ${group}`] : []));
  return parts.join(' · ') || 'starting';
}

/** The batch card of a "fix top N": each task with its state, edited in place. */
export function batchCard(title: string, tasks: BotTask[], extra: MessageBody['blocks'] = []): MessageBody {
  const lines = tasks.map((t) => `• ${taskTitle(t)} — ${stateLabel(t.state)}${t.pr_url ? ` · ${slackLink(t.pr_url, 'PR')}` : ''}`);
  const header = `*${escapeMrkdwn(title)}* — ${batchCounts(tasks)}`;
  return {
    text: cutMrkdwn(`${escapeMrkdwn(title)} — ${batchCounts(tasks)}`),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: cutMrkdwn([header, ...lines].join('\n')) } }, ...extra],
  };
}
