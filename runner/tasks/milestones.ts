import type { KnownMilestone as Milestone } from '../../shared/milestones.ts';
import type { TaskRecord } from './store.ts';
import { handleTaskEvent, type TaskEvent, type TaskEventHandlers } from './task-events.ts';
import { firstLine, shorten } from '../../shared/text.ts';
import type { TaskState } from '../../shared/task-states.ts';

const RESTART_WHY = {
  requested: 'as asked',
  context_exhausted: 'its context ran out',
  session_died: 'its session died',
} as const;

type Redact = (text: string) => string;

/** Lines of a failure's evidence (an agent's stderr) shown in the thread. */
const FAILURE_LINES = 5;

const detail = (text: string | null) => (text ? { detail: shorten(text, 6000) } : {});
const none = () => undefined;

/** The milestone a state change amounts to: one for each state that ends (or pauses) the task, none while it is under way. */
const ENDING = {
  queued: none,
  preparing: none,
  running: none,
  verifying: none,
  publishing: none,
  finished: (task) => ({ kind: 'finished', text: `Finished: ${firstLine(task.summary ?? 'no summary')}`, ...detail(task.summary), post: true }),
  awaiting_review: (task) => ({
    kind: 'finished',
    text: `Ready for review: draft PR${task.pr_number === null ? '' : ` #${task.pr_number}`} passed its tests`,
    ...detail(task.summary),
    post: true,
  }),
  failed: (task) => {
    const reason = task.error ?? 'unknown reason';
    // One sentence on the card; at most the last few lines after it (an agent's stderr) in the thread.
    const evidence = reason.split('\n').slice(1).slice(-FAILURE_LINES).join('\n').trim();
    return {
      kind: 'failed',
      reason: shorten(reason, 6000),
      text: `Failed: ${firstLine(reason)}`,
      ...(evidence && { detail: shorten(evidence, 1500) }),
      post: true,
    };
  },
  interrupted: () => ({ kind: 'interrupted', text: 'Interrupted: the runner stopped; resume when ready', post: true }),
  cancelled: () => ({ kind: 'cancelled', text: 'Stopped', post: true }),
} satisfies Record<TaskState, (task: TaskRecord) => Milestone | undefined>;

/** The milestone each event amounts to, given the redactor for the strings it shows. */
const BY_EVENT: TaskEventHandlers<Redact, Milestone | undefined> = {
  plan: (event, redact) => {
    const steps = event.steps.slice(0, 50).map((s) => ({ text: firstLine(redact(s.text), 300), done: s.done }));
    const bullets = steps.slice(0, 8).map((s) => `${s.done ? '☑' : '☐'} ${firstLine(s.text, 120)}`);
    return { kind: 'plan', steps, text: `Plan: ${event.steps.length} step(s)`, detail: bullets.join('\n'), post: true };
  },
  question: (event, redact) => {
    const question = redact(event.text);
    return { kind: 'question', question: shorten(question, 3000), text: `Question: ${firstLine(question)}`, detail: shorten(question, 3000), post: true };
  },
  verification_started: (event, redact) => {
    const command = event.command === undefined ? undefined : redact(event.command);
    return {
      kind: 'verification_started',
      ...(command && { command: shorten(command, 500) }),
      text: command ? `testing: \`${firstLine(command, 80)}\`` : 'testing',
      post: false,
    };
  },
  verification: (event, redact) => {
    const counts = [event.passed !== undefined && `${event.passed} passed`, event.failed !== undefined && `${event.failed} failed`].filter(Boolean).join(', ');
    const outcome = event.ok ? 'passed' : event.timedOut ? 'timed_out' : 'failed';
    const verdict = { passed: 'Tests passed', failed: 'Tests failed', timed_out: 'Tests timed out' }[outcome];
    const failing = event.failing.slice(0, 50).map((name) => shorten(redact(name), 300));
    const command = redact(event.command);
    const bullets = failing
      .slice(0, 10)
      .map((name) => `• ${name}`)
      .join('\n');
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
  },
  published: (event, redact) => {
    const url = redact(event.prUrl);
    return {
      kind: 'pr',
      number: event.prNumber,
      url,
      updated: event.updated,
      text: event.updated ? `Draft PR #${event.prNumber} updated` : `Draft PR #${event.prNumber} opened`,
      detail: url,
      post: true,
    };
  },
  file_changed: (event, redact) => {
    const paths = event.changes.map((c) => shorten(redact(c.path), 500));
    const shown = paths.slice(0, 3).join(', ');
    return {
      kind: 'files_changed',
      count: paths.length,
      paths: paths.slice(0, 20),
      text: `changed ${paths.length} file(s): ${shown}${paths.length > 3 ? ' …' : ''}`,
      post: false,
    };
  },
  push_blocked: (event, redact) => {
    const lines = event.findings.slice(0, 10).map((f) => shorten(redact(`${f.file}:${f.line}: ${f.excerpt}`), 300));
    const first = event.findings[0];
    const where = first ? ` in ${redact(first.file)}:${first.line}` : '';
    const next = event.fixup ? 'the agent gets one turn to remove it' : 'the task fails';
    return { kind: 'progress', text: firstLine(`Push blocked: a secret${where}; nothing was pushed, ${next}`, 300), detail: lines.join('\n'), post: true };
  },
  reviewed: (event) => {
    const noted = event.noted.length;
    const text = event.problem
      ? `Review: could not review (${firstLine(event.problem, 200)}); publishing anyway`
      : event.fixed + noted === 0
        ? `Review by ${event.reviewer}: no findings`
        : `Review: ${event.fixed} finding${event.fixed === 1 ? '' : 's'} fixed, ${noted} noted`;
    return { kind: 'review', outcome: event.problem ? 'could_not_review' : 'reviewed', fixed: event.fixed, noted, text, post: true };
  },
  feedback_round: (event, redact) => ({
    kind: 'feedback',
    phase: 'addressing',
    count: event.count,
    text: redact(`addressing review (${event.count})`),
    post: false,
  }),
  feedback_addressed: (event, redact) => {
    const comments = event.count - event.checks.length;
    const parts = [
      comments > 0 &&
        `${comments} review comment${comments === 1 ? '' : 's'}${event.from.length > 0 ? ` from ${event.from.map((f) => `@${f}`).join(', ')}` : ''}`,
      event.checks.length > 0 && `failing check${event.checks.length === 1 ? '' : 's'} ${event.checks.join(', ')}`,
    ].filter(Boolean);
    const text = shorten(redact(`Addressed ${parts.join(' and ')} in ${event.headSha.slice(0, 7)}; tests pass`), 3000);
    return { kind: 'feedback', phase: 'addressed', count: event.count, text, post: true };
  },
  restarted: (event) => ({
    kind: 'restarted',
    reason: event.reason,
    text: `Restarted in a fresh session from the task's summary (${RESTART_WHY[event.reason]})`,
    post: true,
  }),
  command_finished: (event, redact) => ({
    kind: 'progress',
    text: `ran \`${firstLine(redact(event.command), 80)}\` (exit ${event.exitCode ?? '?'})`,
    post: false,
  }),
  agent_message: (event, redact) => ({ kind: 'progress', text: firstLine(redact(event.text)), post: false }),
  // A command agent's lines are never shown: the card says output is flowing (and the bot, when it last did).
  output: () => ({ kind: 'progress', text: 'the agent is printing output', post: false }),
  // Not for people: reasoning, raw tool calls, bookkeeping. A turn's end and a fatal error show as the state change that follows.
  reasoning: none,
  command_started: none,
  usage: none,
  session_started: none,
  turn_finished: none,
  error: none,
  // A person's own words, already in the thread.
  instruction: none,
};

/**
 * The milestone an event or state change amounts to, by explicit rules: plans, questions,
 * verification results, PRs, restarts and endings are posted in the thread; verification
 * starting, files changed and other progress only update the card. Raw tool calls never become
 * milestones: a command shows as "ran `npm test` (exit 1)" at most. The text is redacted before
 * it is cut to the frame's limits (a redacted secret is longer than some secrets), and the link
 * redacts every outgoing frame once more.
 */
export function milestoneFor(record: TaskRecord, event: TaskEvent | undefined, redact: Redact = (text) => text): Milestone | undefined {
  // Only the strings a milestone shows are redacted (this runs for every event; outputs are never shown).
  if (!event) return ENDING[record.state]({ ...record, summary: record.summary && redact(record.summary), error: record.error && redact(record.error) });
  return handleTaskEvent(BY_EVENT, event, redact);
}
