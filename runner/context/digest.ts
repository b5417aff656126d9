import type { TaskRecord } from '../tasks/store.ts';
import type { ContextState } from './state.ts';
import { clip, oneLine } from '../../shared/text.ts';

/** Characters of a finished task's digest in the channel's project memory. */
export const DIGEST_CHARS = 1500;

/** Lines of an agent's summary that leave something for later. */
const FOLLOW_UP = /\b(?:left open|follow[- ]?ups?|todo|not yet|remaining|next steps?|later|out of scope|did not|didn't)\b/i;

/**
 * What a finished task leaves for the channel's project memory: what changed, why, the decisions
 * and what is left to do. Short, so many of them fit into later prompts.
 */
export function taskDigest(task: TaskRecord, state: ContextState): string {
  const name =
    task.input.kind === 'issue'
      ? `#${task.input.issue.number} ${task.input.issue.title || task.title}`
      : task.input.kind === 'sentry'
        ? `${task.input.issue.shortId} ${task.input.issue.title}`
        : task.title;
  const lines = [`${oneLine(name, 160)}${task.pr_url ? ` (${task.pr_url})` : ''}`];
  const files = Object.keys(state.files);
  if (files.length > 0) lines.push(`Changed ${files.length + state.moreFiles} file(s): ${files.slice(0, 8).join(', ')}${files.length > 8 ? ', …' : ''}`);
  const why = task.input.kind === 'request' ? task.input.text : task.input.issue.title;
  lines.push(`Why: ${oneLine(why, 200)}`);
  for (const decision of state.decisions.slice(-3)) lines.push(`Decided: ${oneLine(decision, 240)}`);
  const followUps = [
    ...state.questions.map((q) => `open question: ${q}`),
    ...(state.verification && !state.verification.ok
      ? [`tests failing: ${state.verification.failing.slice(0, 3).join(', ') || state.verification.command}`]
      : []),
    ...(state.conclusion ?? '').split('\n').filter((l) => FOLLOW_UP.test(l)),
  ];
  for (const f of followUps.slice(0, 3)) lines.push(`Follow-up: ${oneLine(f, 240)}`);
  const text = lines.join('\n');
  return text.length > DIGEST_CHARS ? `${clip(text, DIGEST_CHARS - 1)}…` : text;
}
