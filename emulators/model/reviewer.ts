// The reviewer playbook: conversations that open with Director's reviewer prompt follow reviewer
// scripts only (never an implementer's script that happens to match the title), and answer
// a clean review by default.
import { REVIEW_PROMPT_OPENING } from '../../runner/review/prompt.ts';
import type { Playbook, Step } from './types.ts';

/** One finding as a reviewer reports it (runner/review/findings.ts is the schema that decides). */
export interface ReviewerFinding {
  severity: 'P0' | 'P1' | 'P2' | 'P3';
  file: string;
  line: number;
  problem: string;
  fix: string;
}

/** Whether a conversation's first human message is Director's reviewer prompt. */
export const isReviewerPrompt = (first: string | undefined): boolean => first?.trimStart().startsWith(REVIEW_PROMPT_OPENING) === true;

/** What an unscripted reviewer answers: no findings. */
export const CLEAN_REVIEW: readonly Step[] = [{ message: '{"findings":[]}' }];

/** A reviewer that answers these findings (as the JSON final message codex and claude give). */
export function reviewerPlaybook(findings: readonly ReviewerFinding[]): Playbook {
  return { turns: [{ steps: [{ message: JSON.stringify({ findings }) }] }] };
}

/** A reviewer that answers something that is not findings. */
export function garbageReviewerPlaybook(text = 'Looks fine to me, ship it!'): Playbook {
  return { turns: [{ steps: [{ message: text }] }] };
}
