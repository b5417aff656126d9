// Which playbook a conversation follows, keyed by its first human message.
import { CLEAN_REVIEW, isReviewerPrompt } from './reviewer.ts';
import type { Playbook, Step } from './types.ts';

/** A substring of, or a pattern for, a conversation's first human message. */
export type Match = string | RegExp;

/** Whether `text` matches (RegExp state such as lastIndex is never touched). */
export function matches(match: Match, text: string): boolean {
  if (typeof match === 'string') return text.includes(match);
  return new RegExp(match.source, match.flags.replace(/[gy]/g, '')).test(text);
}

/** How a match is shown in records. */
export const describeMatch = (match: Match): string => (typeof match === 'string' ? match : String(match));

/** The turn a request answers, and where its steps came from. */
export interface Selection {
  steps: readonly Step[];
  matched?: string;
}

/** Unmatched conversations, and turns past a playbook's end, answer "ok". */
const DEFAULT_STEPS: readonly Step[] = [{ message: 'ok' }];

/** Scripts registered by the test. */
export class Scripts {
  private readonly entries: { match: Match; playbook: Playbook }[] = [];
  private readonly reviewers: { match: Match; playbook: Playbook }[] = [];

  add(match: Match, playbook: Playbook): void {
    this.entries.push({ match, playbook });
  }

  /** A script for reviewer conversations only (their first message is Director's reviewer prompt). */
  addReviewer(match: Match, playbook: Playbook): void {
    this.reviewers.push({ match, playbook });
  }

  /** The steps for turn `turn` of the conversation that began with `first`; a later script wins over an earlier one. */
  select(first: string | undefined, turn: number): Selection {
    const reviewer = isReviewerPrompt(first);
    const entry = first === undefined ? undefined : (reviewer ? this.reviewers : this.entries).findLast((e) => matches(e.match, first));
    if (entry === undefined) return { steps: reviewer ? CLEAN_REVIEW : DEFAULT_STEPS };
    return { steps: entry.playbook.turns[turn]?.steps ?? DEFAULT_STEPS, matched: describeMatch(entry.match) };
  }
}

/** Past this many responses in one turn a client is looping (e.g. it dropped our call ids); end the turn. */
export const MAX_RESPONSES_PER_TURN = 200;

/** Counts responses per (conversation, turn) to stop runaway loops. */
export class LoopGuard {
  private readonly counts = new Map<string, number>();

  /** Counts one response; true when the turn has had too many. */
  tooMany(conversation: string, turn: number): boolean {
    const key = `${conversation}\u0000${turn}`;
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    return n > MAX_RESPONSES_PER_TURN;
  }
}
