// Script selection and the runaway-loop guard.
import { describe, expect, it } from 'vitest';
import { LoopGuard, MAX_RESPONSES_PER_TURN, Scripts, matches } from '../../../emulators/model/scripts.ts';

describe('Scripts', () => {
  it('selects by first human message, turn by turn, defaulting to "ok"', () => {
    const s = new Scripts();
    s.add('fix', { turns: [{ steps: [{ message: 'fixed' }] }] });
    expect(s.select('please fix it', 0)).toEqual({ steps: [{ message: 'fixed' }], matched: 'fix' });
    expect(s.select('please fix it', 1)).toEqual({ steps: [{ message: 'ok' }], matched: 'fix' });
    expect(s.select('unrelated', 0)).toEqual({ steps: [{ message: 'ok' }] });
    expect(s.select(undefined, 0)).toEqual({ steps: [{ message: 'ok' }] });
  });

  it('never lets a global RegExp carry lastIndex between tests', () => {
    const re = /a/g;
    expect([matches(re, 'a'), matches(re, 'a')]).toEqual([true, true]);
    expect(re.lastIndex).toBe(0);
  });
});

describe('LoopGuard', () => {
  it('trips after too many responses in one turn of one conversation', () => {
    const g = new LoopGuard();
    for (let i = 0; i < MAX_RESPONSES_PER_TURN; i++) expect(g.tooMany('s1', 0)).toBe(false);
    expect(g.tooMany('s1', 0)).toBe(true);
    expect(g.tooMany('s1', 1)).toBe(false);
    expect(g.tooMany('s2', 0)).toBe(false);
  });
});
