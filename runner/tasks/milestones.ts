import type { Milestone } from '../../shared/protocol.ts';
import type { Redactor } from '../../shared/redact.ts';
import { redactDeep } from '../../shared/redact-stream.ts';
import type { TaskRecord } from './store.ts';
import type { TaskEvent } from './task-events.ts';
import { firstLine, shorten as clip } from '../context/text.ts';


const RESTART_WHY = {
  requested: 'as asked',
  context_exhausted: 'its context ran out',
  session_died: 'its session died',
} as const;

/** The milestone a state change amounts to when it ends (or pauses) the task. */
function endingMilestone(task: TaskRecord): Milestone | undefined {
  const detail = (text: string | null) => (text ? { detail: clip(text, 6000) } : {});
  switch (task.state) {
    case 'finished':
      return { kind: 'finished', text: `Finished: ${firstLine(task.summary ?? 'no summary')}`, ...detail(task.summary), post: true };
    case 'awaiting_review':
      return { kind: 'finished', text: 'Verified; the draft PR awaits review', ...detail(task.summary), post: true };
    case 'failed': {
      const reason = task.error ?? 'unknown reason';
      return { kind: 'failed', reason: clip(reason, 6000), text: `Failed: ${firstLine(reason)}`, ...detail(task.error), post: true };
    }
    case 'interrupted':
      return { kind: 'interrupted', text: 'Interrupted: the runner stopped; resume when ready', post: true };
    case 'cancelled':
      return { kind: 'cancelled', text: 'Stopped', post: true };
    default:
      return undefined;
  }
}

/**
 * The milestone an event or state change amounts to, by explicit rules: plans, questions,
 * verification results, PRs, restarts and endings are posted in the thread; verification
 * starting, files changed and other progress only update the card. Raw tool calls never become
 * milestones: a command shows as "ran `npm test` (exit 1)" at most. The text is redacted before
 * it is cut to the frame's limits (a redacted secret is longer than some secrets), and the link
 * redacts every outgoing frame once more.
 */
export function milestoneFor(record: TaskRecord, raw: TaskEvent | undefined, redact?: Redactor): Milestone | undefined {
  const task = redact ? { ...record, summary: record.summary && redact(record.summary), error: record.error && redact(record.error) } : record;
  if (!raw) return endingMilestone(task);
  const event = redact ? redactDeep(raw, redact) : raw;
  switch (event.type) {
    case 'plan': {
      const steps = event.steps.slice(0, 50).map((s) => ({ text: firstLine(s.text, 300), done: s.done }));
      const bullets = steps.slice(0, 8).map((s) => `${s.done ? '☑' : '☐'} ${firstLine(s.text, 120)}`);
      return { kind: 'plan', steps, text: `Plan: ${event.steps.length} step(s)`, detail: bullets.join('\n'), post: true };
    }
    case 'question':
      return { kind: 'question', question: clip(event.text, 3000), text: `Question: ${firstLine(event.text)}`, detail: clip(event.text, 3000), post: true };
    case 'verification_started':
      return { kind: 'verification_started', ...(event.command && { command: clip(event.command, 500) }), text: event.command ? `testing: \`${firstLine(event.command, 80)}\`` : 'testing', post: false };
    case 'verification': {
      const counts = [event.passed !== undefined && `${event.passed} passed`, event.failed !== undefined && `${event.failed} failed`].filter(Boolean).join(', ');
      const outcome = event.ok ? 'passed' : event.timedOut ? 'timed_out' : 'failed';
      const verdict = { passed: 'Tests passed', failed: 'Tests failed', timed_out: 'Tests timed out' }[outcome];
      const failing = event.failing.slice(0, 50).map((name) => clip(name, 300));
      const bullets = failing.slice(0, 10).map((name) => `• ${name}`).join('\n');
      return {
        kind: 'verification',
        outcome,
        command: clip(event.command, 500),
        ...(event.passed !== undefined && { passed: event.passed }),
        ...(event.failed !== undefined && { failed: event.failed }),
        failing,
        text: `${verdict}${counts ? ` (${counts})` : ''}: \`${firstLine(event.command, 200)}\``,
        ...(bullets && { detail: bullets }),
        post: true,
      };
    }
    case 'published':
      return { kind: 'pr', number: event.prNumber, url: event.prUrl, updated: event.updated, text: event.updated ? `Draft PR #${event.prNumber} updated` : `Draft PR #${event.prNumber} opened`, detail: event.prUrl, post: true };
    case 'file_changed': {
      const paths = event.changes.map((c) => clip(c.path, 500));
      const shown = paths.slice(0, 3).join(', ');
      return { kind: 'files_changed', count: paths.length, paths: paths.slice(0, 20), text: `changed ${paths.length} file(s): ${shown}${paths.length > 3 ? ' …' : ''}`, post: false };
    }
    case 'restarted':
      return { kind: 'restarted', reason: event.reason, text: `Restarted in a fresh session from the task's summary (${RESTART_WHY[event.reason]})`, post: true };
    case 'command_finished':
      return { kind: 'progress', text: `ran \`${firstLine(event.command, 80)}\` (exit ${event.exitCode ?? '?'})`, post: false };
    case 'agent_message':
      return { kind: 'progress', text: firstLine(event.text), post: false };
    default:
      return undefined;
  }
}
