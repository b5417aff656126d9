import type { Milestone } from '../../shared/protocol.ts';
import type { TaskRecord } from './store.ts';
import type { TaskEvent } from './task-events.ts';

const firstLine = (text: string, max = 200) => {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/**
 * The milestone an event or state change amounts to, by explicit rules: plans, questions,
 * verification, PRs and endings are posted in the thread; other progress only updates the card.
 * Raw tool calls never become milestones: a command shows as "ran `npm test` (exit 1)" at most.
 */
export function milestoneFor(task: TaskRecord, event: TaskEvent | undefined): Milestone | undefined {
  if (!event) {
    switch (task.state) {
      case 'finished':
        return { kind: 'finished', text: `Finished: ${firstLine(task.summary ?? 'no summary')}`, ...(task.summary && { detail: task.summary.slice(0, 6000) }), post: true };
      case 'awaiting_review':
        return { kind: 'finished', text: 'Verified; the draft PR awaits review', ...(task.summary && { detail: task.summary.slice(0, 6000) }), post: true };
      case 'failed':
        return { kind: 'failed', text: `Failed: ${firstLine(task.error ?? 'unknown reason')}`, ...(task.error && { detail: task.error.slice(0, 6000) }), post: true };
      case 'interrupted':
        return { kind: 'interrupted', text: 'Interrupted: the runner stopped; resume when ready', post: true };
      case 'cancelled':
        return { kind: 'cancelled', text: 'Stopped', post: true };
      default:
        return undefined;
    }
  }
  switch (event.type) {
    case 'plan': {
      const steps = event.steps.slice(0, 8).map((s) => `${s.done ? '☑' : '☐'} ${firstLine(s.text, 120)}`);
      return { kind: 'plan', text: `Plan: ${event.steps.length} step(s)`, detail: steps.join('\n'), post: true };
    }
    case 'question':
      return { kind: 'question', text: `Question: ${firstLine(event.text)}`, detail: event.text.slice(0, 3000), post: true };
    case 'verification': {
      const counts = [event.passed !== undefined && `${event.passed} passed`, event.failed !== undefined && `${event.failed} failed`].filter(Boolean).join(', ');
      const verdict = event.ok ? 'Tests passed' : event.timedOut ? 'Tests timed out' : 'Tests failed';
      const failing = event.failing.slice(0, 10).map((name) => `• ${name}`).join('\n');
      return { kind: 'verification', text: `${verdict}${counts ? ` (${counts})` : ''}: \`${event.command}\``, ...(failing && { detail: failing }), post: true };
    }
    case 'published':
      return { kind: 'pr', text: event.updated ? `Draft PR #${event.prNumber} updated` : `Draft PR #${event.prNumber} opened`, detail: event.prUrl, post: true };
    case 'command_finished':
      return { kind: 'progress', text: `ran \`${firstLine(event.command, 80)}\` (exit ${event.exitCode ?? '?'})`, post: false };
    case 'file_changed':
      return { kind: 'progress', text: `changed ${event.changes.map((c) => c.path).slice(0, 3).join(', ')}${event.changes.length > 3 ? ' …' : ''}`, post: false };
    case 'agent_message':
      return { kind: 'progress', text: firstLine(event.text), post: false };
    default:
      return undefined;
  }
}
