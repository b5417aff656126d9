// Reading requests shaped like the ones the CLIs were seen sending: human messages, turn results, cwd.
import { describe, expect, it } from 'vitest';
import { humanText } from '../../../emulators/model/exchange.ts';
import { MessagesRequest, createdTasks, readMessages } from '../../../emulators/model/wire-messages.ts';
import { ResponsesRequest, readResponses } from '../../../emulators/model/wire-responses.ts';

const text = (t: string) => ({ type: 'input_text', text: t });

describe('readResponses (codex)', () => {
  const body = ResponsesRequest.parse({
    model: 'gpt-5.5',
    stream: true,
    tools: [{ type: 'function', name: 'exec_command' }, { type: 'custom', name: 'apply_patch' }, { type: 'web_search' }],
    input: [
      { type: 'message', role: 'developer', content: [text('You are Codex')] },
      {
        type: 'message',
        role: 'user',
        content: [
          text('# AGENTS.md instructions for /w\n\n<INSTRUCTIONS>\nBe nice.\n</INSTRUCTIONS>'),
          text('<environment_context>\n  <cwd>/w</cwd>\n</environment_context>'),
        ],
      },
      { type: 'message', role: 'user', content: [text('first prompt')] },
      { type: 'function_call', id: 'fc_1', call_id: 'c1', name: 'exec_command', arguments: '{"cmd":"echo hi"}' },
      { type: 'function_call_output', call_id: 'c1', output: 'Chunk ID: 1\nProcess exited with code 0\nOutput:\nhi\n' },
      { type: 'reasoning', id: 'rs', summary: [], content: null, encrypted_content: null },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'done' }] },
      { type: 'message', role: 'user', content: [text('follow-up')] },
      { type: 'custom_tool_call', id: 'ctc', call_id: 'c2', name: 'apply_patch', input: '*** Begin Patch' },
      { type: 'custom_tool_call_output', call_id: 'c2', output: 'Exit code: 0\nOutput:\nSuccess.' },
    ],
  });

  it('keeps only what the user typed, and the results after the latest human message', () => {
    const ex = readResponses(body);
    expect(ex.humanMessages).toEqual(['first prompt', 'follow-up']);
    expect(ex.turnResults).toEqual([{ callId: 'c2', name: 'apply_patch', output: 'Exit code: 0\nOutput:\nSuccess.' }]);
    expect(ex.cwd).toBe('/w');
    expect([...ex.tools]).toEqual(['exec_command', 'apply_patch']);
  });
});

describe('readMessages (claude)', () => {
  const body = MessagesRequest.parse({
    model: 'claude-opus-4-8',
    system: [{ type: 'text', text: 'You are Claude Code.\n - Primary working directory: /w\n - Is a git repository: true' }],
    tools: [{ name: 'Bash' }, { name: 'Write' }],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: '<system-reminder>\ncontext\n</system-reminder>\n\n' },
          { type: 'text', text: 'first prompt' },
        ],
      },
      { role: 'system', content: 'Available agent types…' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'TaskCreate', input: { subject: 'plan a', description: 'plan a' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'Task #1 created successfully: plan a' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'done' }] },
      { role: 'user', content: 'follow-up' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't2', name: 'Bash', input: { command: 'exit 3' } }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't2', content: 'Exit code 3\nerr', is_error: true },
          { type: 'text', text: 'note' },
        ],
      },
    ],
  });

  it('keeps only what the user typed, and the results after the latest human message', () => {
    const ex = readMessages(body);
    expect(ex.humanMessages).toEqual(['first prompt', 'follow-up']);
    expect(ex.turnResults).toEqual([{ callId: 't2', name: 'Bash', output: 'Exit code 3\nerr', isError: true, exitCode: 3 }]);
    expect(ex.cwd).toBe('/w');
    expect(createdTasks(body)).toEqual(new Set(['plan a']));
  });
});

describe('humanText', () => {
  it('drops injected context blocks and reminders', () => {
    expect(humanText('<environment_context><cwd>/w</cwd></environment_context>')).toBeUndefined();
    expect(humanText('<system-reminder>x</system-reminder>\n')).toBeUndefined();
    expect(humanText('<system-reminder>x</system-reminder>\nfix the bug')).toBe('fix the bug');
    expect(humanText('  fix <b>this</b> ')).toBe('fix <b>this</b>');
  });
});
