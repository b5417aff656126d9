import { describe, expect, it } from 'vitest';
import { milestoneFor } from '../../runner/tasks/milestones.ts';
import type { TaskRecord } from '../../runner/tasks/store.ts';
import type { TaskEvent } from '../../runner/tasks/task-events.ts';
import { knownMilestoneSchema, type KnownMilestone as Milestone } from '../../shared/milestones.ts';
import { createRedactor, type Redactor } from '../../shared/redact.ts';

const task = (over: Partial<TaskRecord> = {}): TaskRecord => ({
  id: 'tabc',
  seq: 1,
  project: 'demo',
  agent: 'codex',
  title: 'Fix the parser',
  input: { kind: 'request', text: 'fix the parser', requestedBy: 'U1' },
  state: 'running',
  branch: 'director/tabc-fix',
  worktree: '/tmp/wt',
  session_id: null,
  run_id: null,
  runs: 1,
  summary: null,
  error: null,
  pr_number: null,
  pr_url: null,
  verify: null,
  memory: null,
  review: null,
  feedback: null,
  events_pruned_at: null,
  created_at: 0,
  updated_at: 0,
  ...over,
});

/** Every milestone must pass the frame schema the bot checks, whatever the agent produced. */
const derive = (event: TaskEvent | undefined, record = task(), redact?: Redactor): Milestone | undefined => {
  const milestone = milestoneFor(record, event, redact);
  if (milestone) knownMilestoneSchema.parse(milestone);
  return milestone;
};

describe('milestones derived from the task log', () => {
  it('turns each kind of event into a typed record with a one-line text, posting only what a person needs', () => {
    expect(
      derive({
        type: 'plan',
        steps: [
          { text: 'Read', done: true },
          { text: 'Fix', done: false },
        ],
      }),
    ).toMatchObject({
      kind: 'plan',
      steps: [
        { text: 'Read', done: true },
        { text: 'Fix', done: false },
      ],
      text: 'Plan: 2 step(s)',
      post: true,
    });
    expect(derive({ type: 'question', text: 'Should I drop Node 18?\nIt is EOL.' })).toMatchObject({
      kind: 'question',
      question: 'Should I drop Node 18?\nIt is EOL.',
      text: 'Question: Should I drop Node 18?',
      post: true,
    });
    expect(derive({ type: 'verification_started', command: 'npm test' })).toMatchObject({ kind: 'verification_started', command: 'npm test', post: false });
    expect(
      derive({
        type: 'verification',
        ok: false,
        command: 'npm test',
        durationMs: 5,
        passed: 3,
        failed: 2,
        failing: ['parser > empty', 'parser > bom'],
        timedOut: false,
        output: '',
      }),
    ).toMatchObject({
      kind: 'verification',
      outcome: 'failed',
      passed: 3,
      failed: 2,
      failing: ['parser > empty', 'parser > bom'],
      text: 'Tests failed (3 passed, 2 failed): `npm test`',
      detail: '• parser > empty\n• parser > bom',
      post: true,
    });
    expect(derive({ type: 'verification', ok: true, command: 'npm test', durationMs: 5, failing: [], timedOut: false, output: '' })).toMatchObject({
      outcome: 'passed',
      text: 'Tests passed: `npm test`',
    });
    expect(
      derive({
        type: 'file_changed',
        changes: [
          { path: 'a.ts', kind: 'add' },
          { path: 'b.ts', kind: 'update' },
          { path: 'c.ts', kind: 'update' },
          { path: 'd.ts', kind: 'delete' },
        ],
      }),
    ).toMatchObject({ kind: 'files_changed', count: 4, paths: ['a.ts', 'b.ts', 'c.ts', 'd.ts'], text: 'changed 4 file(s): a.ts, b.ts, c.ts …', post: false });
    expect(derive({ type: 'published', prNumber: 7, prUrl: 'https://github.com/a/b/pull/7', headSha: 'abc', updated: true })).toMatchObject({
      kind: 'pr',
      number: 7,
      updated: true,
      text: 'Draft PR #7 updated',
      post: true,
    });
    expect(derive({ type: 'restarted', reason: 'context_exhausted' })).toMatchObject({ kind: 'restarted', reason: 'context_exhausted', post: true });
    expect(derive({ type: 'command_finished', id: '1', command: 'npm test', exitCode: 1, output: 'boom' })).toMatchObject({
      kind: 'progress',
      text: 'ran `npm test` (exit 1)',
      post: false,
    });
    // Raw reasoning, usage and command starts are never milestones.
    for (const event of [
      { type: 'reasoning', text: 'hmm' },
      { type: 'usage', inputTokens: 1, cachedInputTokens: 0, outputTokens: 1 },
      { type: 'command_started', id: '1', command: 'ls' },
    ] as const)
      expect(derive(event)).toBeUndefined();
  });

  it('says how a task ended: finished, failed with the reason, interrupted, stopped', () => {
    expect(derive(undefined, task({ state: 'finished', summary: 'Done.\nDetails.' }))).toMatchObject({
      kind: 'finished',
      text: 'Finished: Done.',
      detail: 'Done.\nDetails.',
      post: true,
    });
    expect(derive(undefined, task({ state: 'failed', error: 'the tests still fail' }))).toMatchObject({
      kind: 'failed',
      reason: 'the tests still fail',
      text: 'Failed: the tests still fail',
    });
    expect(derive(undefined, task({ state: 'interrupted' }))).toMatchObject({ kind: 'interrupted', post: true });
    expect(derive(undefined, task({ state: 'cancelled' }))).toMatchObject({ kind: 'cancelled', text: 'Stopped' });
    expect(derive(undefined, task({ state: 'running' }))).toBeUndefined();
  });

  it('stays within the frame’s limits whatever the agent wrote', () => {
    const huge = 'x'.repeat(50_000);
    derive({ type: 'plan', steps: Array.from({ length: 200 }, (_, i) => ({ text: `${i} ${huge}`, done: false })) });
    derive({ type: 'question', text: huge });
    derive({ type: 'verification', ok: false, command: huge, durationMs: 1, failing: Array.from({ length: 500 }, () => huge), timedOut: false, output: huge });
    derive({ type: 'file_changed', changes: Array.from({ length: 1000 }, (_, i) => ({ path: `${huge}${i}`, kind: 'add' as const })) });
    derive(undefined, task({ state: 'failed', error: huge }));
    derive(undefined, task({ state: 'finished', summary: huge }));
  });

  it('redacts before cutting to the frame’s limits, so a redacted secret cannot push a field over', () => {
    const redact = createRedactor(['s3cr3t']);
    const secretive = 's3cr3t '.repeat(2000);
    const milestones = [
      derive({ type: 'question', text: secretive }, task(), redact),
      derive({ type: 'verification', ok: false, command: secretive, durationMs: 1, failing: [secretive], timedOut: false, output: '' }, task(), redact),
      derive({ type: 'plan', steps: [{ text: secretive, done: false }] }, task(), redact),
      derive(undefined, task({ state: 'failed', error: secretive }), redact),
    ];
    for (const m of milestones) expect(JSON.stringify(m)).not.toContain('s3cr3t');
  });
});
