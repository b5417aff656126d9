import { isActive, type BotTaskState } from '../../shared/task-states.ts';
import { cutMrkdwn, escapeMrkdwn, slackLink } from '../../shared/text.ts';
import type { BotTask } from '../store/directors.ts';
import type { MessageBody } from '../store/slack-messages.ts';

const STATE_LABEL = {
  held: ':hourglass: waiting for a free slot in this channel',
  waiting: ':zzz: waiting for runner',
  queued: ':hourglass_flowing_sand: queued',
  preparing: ':hammer_and_wrench: preparing',
  running: ':runner: running',
  verifying: ':test_tube: verifying',
  publishing: ':outbox_tray: publishing',
  awaiting_review: ':eyes: PR ready for review',
  finished: ':white_check_mark: finished',
  failed: ':x: failed',
  cancelled: ':black_square_for_stop: stopped',
  interrupted: ':double_vertical_bar: interrupted',
} satisfies Record<BotTaskState, string>;

export function stateLabel(state: BotTaskState, runner?: string): string {
  if (state === 'waiting' && runner) return `:zzz: waiting for runner ${escapeMrkdwn(runner)}`;
  return STATE_LABEL[state];
}

function elapsed(task: BotTask, now: number): string {
  if (task.started_at === null) return '';
  const s = Math.max(0, Math.round((now - task.started_at) / 1000));
  return ` · ${s >= 3600 ? `${Math.floor(s / 3600)}h ` : ''}${Math.floor((s % 3600) / 60)}m ${s % 60}s`;
}

export function taskTitle(task: BotTask): string {
  const label = task.issue_number === null ? task.title : `#${task.issue_number} ${task.title}`;
  return slackLink(task.url, label);
}

/** The task card: the thread's root, edited in place as the task moves. */
export function taskCard(task: BotTask, now: number, runner?: { name: string; sandbox: string | null }, extra: MessageBody['blocks'] = []): MessageBody {
  const state = stateLabel(task.state, runner?.name);
  // A runner started with AGENT_SANDBOX=off says so, and every card of its tasks shows it.
  const unsandboxed = runner?.sandbox === 'off' ? ' · :warning: *unsandboxed*' : '';
  const lines = [`*${taskTitle(task)}*`, `${state} · agent: ${escapeMrkdwn(task.agent ?? 'default')}${elapsed(task, now)} · task \`${task.id}\`${unsandboxed}`];
  if (task.milestone) lines.push(`_${escapeMrkdwn(task.milestone)}_`);
  if (task.pr_url) lines.push(`:link: ${slackLink(task.pr_url, 'Draft pull request')}`);
  const blocks: MessageBody['blocks'] = [{ type: 'section', text: { type: 'mrkdwn', text: cutMrkdwn(lines.join('\n')) } }];
  if (isActive(task.state)) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', action_id: 'task_stop', value: task.id, style: 'danger', text: { type: 'plain_text', text: 'Stop' } }],
    });
  }
  blocks.push(...extra);
  // The fallback text (notifications, screen readers) is escaped exactly like the blocks.
  return { text: cutMrkdwn(`${task.issue_number === null ? '' : `#${task.issue_number} `}${escapeMrkdwn(task.title)} — ${state}`), blocks };
}

/** The batch card of a "fix top N": each task with its state, edited in place. */
export function batchCard(title: string, tasks: BotTask[], extra: MessageBody['blocks'] = []): MessageBody {
  const done = tasks.filter((t) => !isActive(t.state)).length;
  const lines = tasks.map((t) => `• ${taskTitle(t)} — ${stateLabel(t.state)}${t.pr_url ? ` · ${slackLink(t.pr_url, 'PR')}` : ''}`);
  const header = `*${escapeMrkdwn(title)}* — ${done}/${tasks.length} done`;
  return {
    text: cutMrkdwn(`${escapeMrkdwn(title)} — ${done}/${tasks.length} done`),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: cutMrkdwn([header, ...lines].join('\n')) } }, ...extra],
  };
}
