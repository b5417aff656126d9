import { describe, expect, it } from 'vitest';
import { TokenUsage } from '../../runner/link/token-usage.ts';
import type { TaskRecord } from '../../runner/tasks/store.ts';

const task = (session: string | null) => ({ id: 't1', session_id: session }) as TaskRecord;
const usage = (input: number, output: number, cumulative?: boolean) => ({
  type: 'usage' as const,
  inputTokens: input,
  cachedInputTokens: 0,
  outputTokens: output,
  ...(cumulative && { cumulative }),
});

describe('a task’s tokens', () => {
  it('counts codex’s running totals once: only their growth, and from zero again in a fresh session', () => {
    const tokens = new TokenUsage();
    tokens.see(task('s1'), usage(100, 10, true));
    tokens.see(task('s1'), usage(250, 30, true)); // a resumed turn: totals for the whole thread
    expect(tokens.of('t1')).toEqual({ input: 250, output: 30 });
    tokens.see(task('s2'), usage(40, 5, true)); // restarted: a new thread
    expect(tokens.of('t1')).toEqual({ input: 290, output: 35 });
  });

  it('adds up claude’s runs, each reported on its own', () => {
    const tokens = new TokenUsage();
    tokens.see(task('c1'), usage(100, 10));
    tokens.see(task('c1'), usage(100, 10));
    expect(tokens.of('t1')).toEqual({ input: 200, output: 20 });
    expect(tokens.of('t2')).toBeUndefined();
  });
});
