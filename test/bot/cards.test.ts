import { describe, expect, it } from 'vitest';
import { batchCard, QUIET_MS, stateLabel, taskCard } from '../../bot/director/cards.ts';
import type { BotTask } from '../../bot/store/directors.ts';
import { botTaskStateSchema } from '../../shared/task-states.ts';

const now = Date.UTC(2026, 10, 30, 12, 0, 0);
const task = (over: Partial<BotTask> = {}): BotTask => ({
  id: 't0123456789',
  channel: 'C1',
  runner_id: 'r1',
  issue_number: 12,
  title: 'Crash on empty config',
  url: 'https://github.com/acme/demo/issues/12',
  agent: 'codex',
  state: 'running',
  starter: 'U0ALICE',
  batch_id: null,
  pr_url: null,
  milestone: 'changed 1 file(s): src/app.js',
  start_frame: null,
  started_at: now - 5 * 60_000,
  created_at: now - 5 * 60_000,
  handle: 3,
  last_activity_at: now - 10_000,
  plan: null,
  sentry_issue: null,
  tokens_in: null,
  tokens_out: null,
  ...over,
});
const shown = (t: BotTask) => JSON.stringify(taskCard(t, now).blocks);

describe('task and batch cards', () => {
  it('gives every state its own emoji', () => {
    const emoji = botTaskStateSchema.options.map((state) => stateLabel(state).split(' ')[0]);
    expect(new Set(emoji).size).toBe(emoji.length);
    // 👀 is for a steering reply being queued, not for a state.
    expect(emoji).not.toContain(':eyes:');
  });

  it('keeps its times current without edits: Slack renders the date tokens in the reader’s client', () => {
    const blocks = taskCard(task(), now).blocks ?? [];
    const context = JSON.stringify(blocks.find((b) => b.type === 'context'));
    expect(context).toContain(`started <!date^${(now - 5 * 60_000) / 1000}^{ago}|2026-11-30 11:55 UTC>`);
    expect(context).toContain('last activity <!date^');
    expect(context).toContain('task `t3`');
    expect(shown(task())).toContain('_changed 1 file(s): src/app.js_');
  });

  it('says a quiet running task is thinking, with when it last said anything, instead of a frozen line', () => {
    const quiet = task({ last_activity_at: now - QUIET_MS - 120_000 });
    expect(shown(quiet)).toContain(`:thought_balloon: thinking — last output <!date^${(now - QUIET_MS - 120_000) / 1000}^{ago}|`);
    expect(shown(quiet)).not.toContain('changed 1 file(s)');
  });

  it('shows a PR ready without repeating the thread, and offers Continue and Status instead of Stop', () => {
    const ready = shown(
      task({ state: 'awaiting_review', milestone: 'Ready for review: draft PR #4 passed its tests', pr_url: 'https://github.com/acme/demo/pull/4' }),
    );
    expect(ready).toContain('PR ready for review');
    expect(ready).not.toContain('Ready for review: draft PR');
    expect(ready).toContain('task_continue');
    expect(ready).toContain('task_status');
    expect(ready).not.toContain('task_stop');
  });

  it('shows the tokens the agents used, once the runner reports them', () => {
    expect(shown(task())).not.toContain('tokens');
    expect(shown(task({ tokens_in: 12_345, tokens_out: 950 }))).toContain('12.3k tokens in · 950 out');
  });

  it('counts a batch in the states people care about', () => {
    const batch = batchCard('Fix top 3 issues', [task({ state: 'awaiting_review' }), task({ state: 'awaiting_review' }), task({ state: 'verifying' })]);
    expect(batch.text).toBe('Fix top 3 issues — 2 ready for review · 1 running');
  });
});
