import type { TaskRecord } from '../tasks/store.ts';
import type { TaskEvent } from '../tasks/task-events.ts';

/** Tokens a task's agents used so far. */
export interface TokenTotals {
  input: number;
  output: number;
}

/**
 * Adds up a task's tokens across turns and sessions. codex reports running totals for its whole
 * thread (resumes included), so only the growth since its last report counts; claude reports
 * each run on its own.
 */
export class TokenUsage {
  private readonly totals = new Map<string, TokenTotals>();
  private readonly last = new Map<string, { session: string | null } & TokenTotals>();

  see(task: TaskRecord, event: TaskEvent | undefined): void {
    if (event?.type !== 'usage') return;
    const now = { input: event.inputTokens, output: event.outputTokens };
    let delta = now;
    if (event.cumulative) {
      const before = this.last.get(task.id);
      // A fresh session (restart) starts its running totals again.
      const same = before && before.session === task.session_id && now.input >= before.input && now.output >= before.output;
      if (same) delta = { input: now.input - before.input, output: now.output - before.output };
      this.last.set(task.id, { session: task.session_id, ...now });
    }
    const total = this.totals.get(task.id) ?? { input: 0, output: 0 };
    this.totals.set(task.id, { input: total.input + delta.input, output: total.output + delta.output });
  }

  /** The task's totals, once any usage was reported. */
  of(taskId: string): TokenTotals | undefined {
    return this.totals.get(taskId);
  }
}
