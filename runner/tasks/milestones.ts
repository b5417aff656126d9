import type { KnownMilestone as Milestone } from '../../shared/milestones.ts';
import type { TaskRecord } from './store.ts';
import type { TaskEvent } from './task-events.ts';
import { firstLine, shorten } from '../../shared/text.ts';

const RESTART_WHY = {
  requested: 'as asked',
  context_exhausted: 'its context ran out',
  session_died: 'its session died',
} as const;

/** The milestone a state change amounts to when it ends (or pauses) the task. */
function endingMilestone(task: TaskRecord): Milestone | undefined {
  const detail = (text: string | null) => (text ? { detail: shorten(text, 6000) } : {});
  switch (task.state) {
    case 'finished':
      return { kind: 'finished', text: `Finished: ${firstLine(task.summary ?? 'no summary')}`, ...detail(task.summary), post: true };
    case 'awaiting_review':
      return { kind: 'finished', text: 'Verified; the draft PR awaits review', ...detail(task.summary), post: true };
    case 'failed': {
      const reason = task.error ?? 'unknown reason';
      return { kind: 'failed', reason: shorten(reason, 6000), text: `Failed: ${firstLine(reason)}`, ...detail(task.error), post: true };
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
export function milestoneFor(record: TaskRecord, event: TaskEvent | undefined, redact: (text: string) => string = (text) => text): Milestone | undefined {
  // Only the strings a milestone shows are redacted (this runs for every event; outputs are never shown).
  if (!event) return endingMilestone({ ...record, summary: record.summary && redact(record.summary), error: record.error && redact(record.error) });
  switch (event.type) {
    case 'plan': {
      const steps = event.steps.slice(0, 50).map((s) => ({ text: firstLine(redact(s.text), 300), done: s.done }));
      const bullets = steps.slice(0, 8).map((s) => `${s.done ? '☑' : '☐'} ${firstLine(s.text, 120)}`);
      return { kind: 'plan', steps, text: `Plan: ${event.steps.length} step(s)`, detail: bullets.join('\n'), post: true };
    }
    case 'question': {
      const question = redact(event.text);
      return { kind: 'question', question: shorten(question, 3000), text: `Question: ${firstLine(question)}`, detail: shorten(question, 3000), post: true };
    }
    case 'verification_started': {
      const command = event.command === undefined ? undefined : redact(event.command);
      return { kind: 'verification_started', ...(command && { command: shorten(command, 500) }), text: command ? `testing: \`${firstLine(command, 80)}\`` : 'testing', post: false };
    }
    case 'verification': {
      const counts = [event.passed !== undefined && `${event.passed} passed`, event.failed !== undefined && `${event.failed} failed`].filter(Boolean).join(', ');
      const outcome = event.ok ? 'passed' : event.timedOut ? 'timed_out' : 'failed';
      const verdict = { passed: 'Tests passed', failed: 'Tests failed', timed_out: 'Tests timed out' }[outcome];
      const failing = event.failing.slice(0, 50).map((name) => shorten(redact(name), 300));
      const command = redact(event.command);
      const bullets = failing.slice(0, 10).map((name) => `• ${name}`).join('\n');
      return {
        kind: 'verification',
        outcome,
        command: shorten(command, 500),
        ...(event.passed !== undefined && { passed: event.passed }),
        ...(event.failed !== undefined && { failed: event.failed }),
        failing,
        text: `${verdict}${counts ? ` (${counts})` : ''}: \`${firstLine(command, 200)}\``,
        ...(bullets && { detail: bullets }),
        post: true,
      };
    }
    case 'published': {
      const url = redact(event.prUrl);
      return { kind: 'pr', number: event.prNumber, url, updated: event.updated, text: event.updated ? `Draft PR #${event.prNumber} updated` : `Draft PR #${event.prNumber} opened`, detail: url, post: true };
    }
    case 'file_changed': {
      const paths = event.changes.map((c) => shorten(redact(c.path), 500));
      const shown = paths.slice(0, 3).join(', ');
      return { kind: 'files_changed', count: paths.length, paths: paths.slice(0, 20), text: `changed ${paths.length} file(s): ${shown}${paths.length > 3 ? ' …' : ''}`, post: false };
    }
    case 'restarted':
      return { kind: 'restarted', reason: event.reason, text: `Restarted in a fresh session from the task's summary (${RESTART_WHY[event.reason]})`, post: true };
    case 'command_finished':
      return { kind: 'progress', text: `ran \`${firstLine(redact(event.command), 80)}\` (exit ${event.exitCode ?? '?'})`, post: false };
    case 'agent_message':
      return { kind: 'progress', text: firstLine(redact(event.text)), post: false };
    default:
      return undefined;
  }
}
