import type { Redactor } from '../../shared/redact.ts';
import { clip } from '../../shared/text.ts';
import type { TaskInput } from '../agents/prompt.ts';
import type { ReviewedEvent, VerificationEvent } from '../tasks/task-events.ts';
import { findingLines } from '../review/prompt.ts';

const MAX_BODY = 60_000;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The verification evidence, as Markdown. */
export function evidence(v: VerificationEvent): string {
  const counts = [
    v.passed !== undefined && `${v.passed} passed`,
    v.failed !== undefined && `${v.failed} failed`,
    v.skipped !== undefined && `${v.skipped} skipped`,
  ]
    .filter(Boolean)
    .join(', ');
  const lines = [
    `**Verification:** \`${v.command}\` ${v.ok ? 'passed' : v.timedOut ? 'timed out' : 'failed'} in ${seconds(v.durationMs)}${counts ? ` (${counts})` : ''}.`,
  ];
  if (v.failing.length > 0) lines.push('', 'Failing tests:', ...v.failing.map((name) => `- \`${name}\``));
  return lines.join('\n');
}

/** The reviewer gate's result, as Markdown. */
export function reviewSection(review: ReviewedEvent): string {
  if (review.problem) return `**Review:** could not review (${review.problem}).`;
  const head = `**Review** by ${review.reviewer}: ${review.fixed} finding(s) fixed before this PR, ${review.noted.length} noted.`;
  return review.noted.length > 0 ? [head, '', ...findingLines(review.noted)].join('\n') : head;
}

/** The draft PR's body: the agent's summary, the evidence, the review and the issue it closes — redacted. */
export function pullRequestBody(
  input: TaskInput,
  summary: string | undefined,
  verification: VerificationEvent | undefined,
  redact: Redactor,
  review?: ReviewedEvent,
): string {
  const parts = ['## Summary', '', summary?.trim() || '(the agent gave no summary)', ''];
  parts.push(
    '## Evidence',
    '',
    verification ? evidence(verification) : 'No test command is configured or detected for this project; the change is unverified.',
    '',
    ...(review ? [reviewSection(review), ''] : []),
  );
  if (input.kind === 'issue') parts.push(`Closes #${input.issue.number}`, '');
  // Sentry's GitHub integration resolves the issue when a release contains this commit.
  else if (input.kind === 'sentry') parts.push(`Sentry error: ${input.issue.permalink}`, '', `Fixes ${input.issue.shortId}`, '');
  else parts.push(`Requested by ${input.requestedBy} in Slack.`, '');
  parts.push('---', '_Opened as a draft by Director. The runner, not the agent, committed and pushed this branch._');
  const body = redact(parts.join('\n'));
  return body.length > MAX_BODY ? `${clip(body, MAX_BODY)}\n\n[cut at ${MAX_BODY} characters]` : body;
}
