import { describe, expect, it } from 'vitest';
import { chooseReviewer } from '../../runner/review/drivers.ts';

const kinds = new Map([
  ['codex', 'codex'],
  ['claude', 'claude'],
  ['lint', 'command'],
] as const);

describe('who reviews a task', () => {
  it('is the other vendor’s CLI by default only when the owner listed it in AGENTS, else the implementer itself', () => {
    expect(chooseReviewer(null, 'codex', kinds, new Set(['codex', 'claude']))).toEqual({ reviewer: 'claude' });
    // claude exists by default but was never set up here: a codex task reviews itself with the reviewer prompt.
    expect(chooseReviewer(null, 'codex', kinds, new Set(['codex']))).toEqual({ reviewer: 'codex' });
    expect(chooseReviewer(null, 'codex', kinds, new Set())).toEqual({ reviewer: 'codex' });
    expect(chooseReviewer(null, 'lint', kinds, new Set(['codex', 'claude']))).toEqual({ reviewer: 'lint' });
  });

  it('follows the channel’s --review choice among the runner’s agents, listed or not, and refuses one it does not have', () => {
    expect(chooseReviewer('claude', 'codex', kinds, new Set())).toEqual({ reviewer: 'claude' });
    expect(chooseReviewer('off', 'codex', kinds, new Set())).toEqual({ off: true });
    expect(chooseReviewer('gemini', 'codex', kinds, new Set())).toEqual({ refused: 'this runner has no agent "gemini" to review with' });
  });
});
