// A planned move as an Anthropic Messages event stream. Reasoning becomes a thinking block with a
// (fake) signature — Claude Code shows it as a {"type":"thinking"} assistant line and sends it back
// in the history; text and tool input arrive in two deltas each, as real streams split them.
import type { ToolUse } from './claude-dialect.ts';
import type { Move } from './planner.ts';
import type { SseEvent } from './sse.ts';

/** Per-message facts the stream mentions. */
export interface ClaudeStreamInfo {
  messageId: string;
  model: string;
  inputTokens: number;
}

const tokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));
const halves = (s: string): string[] => {
  const mid = Math.ceil(s.length / 2);
  return s.length < 2 ? [s] : [s.slice(0, mid), s.slice(mid)];
};
const ev = (type: string, data: Record<string, unknown>): SseEvent => ({ event: type, data: { type, ...data } });

/** message_start, sent first by every stream (also by failing ones). */
export function messageStart(info: ClaudeStreamInfo): SseEvent {
  const usage = { input_tokens: info.inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 };
  const message = { id: info.messageId, type: 'message', role: 'assistant', model: info.model, content: [], stop_reason: null, stop_sequence: null, usage };
  return ev('message_start', { message });
}

function block(index: number, start: Record<string, unknown>, deltas: Record<string, unknown>[]): SseEvent[] {
  return [
    ev('content_block_start', { index, content_block: start }),
    ...deltas.map((delta) => ev('content_block_delta', { index, delta })),
    ev('content_block_stop', { index }),
  ];
}

function thinking(index: number, text: string): SseEvent[] {
  const signature = Buffer.from(`emulator:${text.length}`).toString('base64');
  return block(index, { type: 'thinking', thinking: '', signature: '' }, [
    ...halves(text).map((t) => ({ type: 'thinking_delta', thinking: t })),
    { type: 'signature_delta', signature },
  ]);
}

const text = (index: number, t: string): SseEvent[] =>
  block(
    index,
    { type: 'text', text: '' },
    halves(t).map((part) => ({ type: 'text_delta', text: part })),
  );

const toolUse = (index: number, call: ToolUse): SseEvent[] =>
  block(
    index,
    { type: 'tool_use', id: call.id, name: call.name, input: {} },
    halves(JSON.stringify(call.input)).map((p) => ({ type: 'input_json_delta', partial_json: p })),
  );

/** The full stream for a non-failing move. */
export function claudeEvents(move: Move<ToolUse>, info: ClaudeStreamInfo): SseEvent[] {
  const body: SseEvent[] = [];
  let index = 0;
  let written = '';
  for (const r of move.reasoning) {
    body.push(...thinking(index++, r));
    written += r;
  }
  if (move.ending.kind === 'message') {
    body.push(...text(index++, move.ending.text));
    written += move.ending.text;
  }
  if (move.ending.kind === 'calls') {
    for (const call of move.ending.calls) {
      body.push(...toolUse(index++, call));
      written += JSON.stringify(call.input);
    }
  }
  const stop_reason = move.ending.kind === 'calls' ? 'tool_use' : 'end_turn';
  return [
    messageStart(info),
    ev('ping', {}),
    ...body,
    ev('message_delta', { delta: { stop_reason, stop_sequence: null }, usage: { output_tokens: tokens(written) } }),
    ev('message_stop', {}),
  ];
}

/** A plain text answer (title generation). */
export function claudeText(t: string, info: ClaudeStreamInfo): SseEvent[] {
  return claudeEvents({ delayMs: 0, reasoning: [], ending: { kind: 'message', text: t } }, info);
}

/** An in-stream error event: Claude Code reports "API returned an empty or malformed response". */
export function claudeStreamError(info: ClaudeStreamInfo): SseEvent[] {
  return [messageStart(info), ev('error', { error: { type: 'overloaded_error', message: 'Overloaded' } })];
}
