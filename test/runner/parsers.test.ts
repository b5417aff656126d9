import { describe, expect, it } from 'vitest';
import { createClaudeParser } from '../../runner/agents/claude.ts';
import { createCodexParser } from '../../runner/agents/codex.ts';
import { quietLog } from '../support/link-harness.ts';

const lines = (objects: unknown[]) => objects.map((o) => (typeof o === 'string' ? o : JSON.stringify(o)));

describe('codex exec --json parser', () => {
  it('normalizes a shell call, a file change, a message and the turn end (shapes from REFERENCE.md §2)', () => {
    const parse = createCodexParser('/work/wt', quietLog);
    const events = lines([
      { type: 'thread.started', thread_id: '019a-thread' },
      { type: 'turn.started' },
      {
        type: 'item.started',
        item: { id: 'item_0', type: 'command_execution', command: "/bin/bash -lc 'npm test'", aggregated_output: '', exit_code: null, status: 'in_progress' },
      },
      {
        type: 'item.completed',
        item: { id: 'item_0', type: 'command_execution', command: "/bin/bash -lc 'npm test'", aggregated_output: '1 failing', exit_code: 1, status: 'failed' },
      },
      { type: 'item.completed', item: { id: 'item_1', type: 'file_change', changes: [{ path: '/work/wt/src/a.ts', kind: 'update' }], status: 'completed' } },
      {
        type: 'item.updated',
        item: {
          id: 'item_2',
          type: 'todo_list',
          items: [
            { text: 'fix', completed: true },
            { text: 'test', completed: false },
          ],
        },
      },
      'not json at all',
      { type: 'item.completed', item: { id: 'item_3', type: 'agent_message', text: 'Fixed the bug.' } },
      { type: 'turn.completed', usage: { input_tokens: 10, cached_input_tokens: 4, output_tokens: 3, reasoning_output_tokens: 1 } },
    ]).flatMap(parse);
    expect(events).toEqual([
      { type: 'session_started', sessionId: '019a-thread' },
      { type: 'command_started', id: 'item_0', command: "/bin/bash -lc 'npm test'" },
      { type: 'command_finished', id: 'item_0', command: "/bin/bash -lc 'npm test'", exitCode: 1, output: '1 failing' },
      { type: 'file_changed', changes: [{ path: 'src/a.ts', kind: 'update' }] },
      {
        type: 'plan',
        steps: [
          { text: 'fix', done: true },
          { text: 'test', done: false },
        ],
      },
      { type: 'agent_message', text: 'Fixed the bug.' },
      { type: 'usage', inputTokens: 10, cachedInputTokens: 4, outputTokens: 3, cumulative: true },
      { type: 'turn_finished', summary: 'Fixed the bug.' },
    ]);
  });

  it('reports a failed turn as fatal, and context exhaustion as such', () => {
    const parse = createCodexParser('/w', quietLog);
    expect(parse(JSON.stringify({ type: 'turn.failed', error: { message: 'stream disconnected before completion: boom' } }))).toEqual([
      { type: 'error', message: 'stream disconnected before completion: boom', fatal: true },
    ]);
    expect(parse(JSON.stringify({ type: 'turn.failed', error: { message: 'Your input exceeds the context window of this model' } }))).toEqual([
      { type: 'error', message: 'Your input exceeds the context window of this model', fatal: true, contextExhausted: true },
    ]);
  });
});

describe('claude stream-json parser', () => {
  it('normalizes init, Bash, Write, TodoWrite and the result (shapes from REFERENCE.md §3)', () => {
    const parse = createClaudeParser('/work/wt', quietLog);
    const events = lines([
      { type: 'system', subtype: 'init', cwd: '/work/wt', session_id: 'sess-1', tools: [] },
      { type: 'assistant', message: { id: 'm1', content: [{ type: 'text', text: 'Let me look.' }] }, session_id: 'sess-1' },
      {
        type: 'assistant',
        message: { id: 'm1', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'npm test', description: 'run tests' } }] },
      },
      { type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'Exit code 3\nout\nerr', is_error: true }] } },
      {
        type: 'assistant',
        message: { id: 'm2', content: [{ type: 'tool_use', id: 'toolu_2', name: 'Write', input: { file_path: '/work/wt/hello.txt', content: 'hi' } }] },
      },
      {
        type: 'user',
        message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_2', content: 'File created', is_error: false }] },
        tool_use_result: { type: 'create', filePath: '/work/wt/hello.txt' },
      },
      {
        type: 'assistant',
        message: {
          id: 'm3',
          content: [{ type: 'tool_use', id: 'toolu_3', name: 'TodoWrite', input: { todos: [{ content: 'fix', status: 'completed', activeForm: 'Fixing' }] } }],
        },
      },
      {
        type: 'result',
        subtype: 'success',
        is_error: false,
        result: 'All done.',
        session_id: 'sess-1',
        usage: { input_tokens: 5, cache_read_input_tokens: 2, output_tokens: 7 },
      },
    ]).flatMap(parse);
    expect(events).toEqual([
      { type: 'session_started', sessionId: 'sess-1' },
      { type: 'agent_message', text: 'Let me look.' },
      { type: 'command_started', id: 'toolu_1', command: 'npm test' },
      { type: 'command_finished', id: 'toolu_1', command: 'npm test', exitCode: 3, output: 'Exit code 3\nout\nerr' },
      { type: 'file_changed', changes: [{ path: 'hello.txt', kind: 'add' }] },
      { type: 'plan', steps: [{ text: 'fix', done: true }] },
      { type: 'usage', inputTokens: 5, cachedInputTokens: 2, outputTokens: 7 },
      { type: 'turn_finished', summary: 'All done.' },
    ]);
  });

  it('turns an error result into a fatal error with the API message', () => {
    const parse = createClaudeParser('/w', quietLog);
    expect(
      parse(JSON.stringify({ type: 'result', subtype: 'success', is_error: true, api_error_status: 500, result: 'API Error: 500 fake internal.' })),
    ).toEqual([{ type: 'error', message: 'API Error: 500 fake internal.', fatal: true }]);
    expect(
      parse(JSON.stringify({ type: 'result', subtype: 'error_during_execution', is_error: true, errors: ['No conversation found with session ID: x'] })),
    ).toEqual([{ type: 'error', message: 'No conversation found with session ID: x', fatal: true }]);
  });
});
