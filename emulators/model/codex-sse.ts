// A planned move as a Responses API event stream. codex needs only output_item.done items and
// response.completed (the turn ends only there); created/added/delta frames are sent as the real
// API does, so the stream exercises the same parser paths.
import type { CodexCall } from './codex-dialect.ts';
import type { Move } from './planner.ts';
import type { SseEvent } from './sse.ts';

/** Per-response facts the stream mentions. */
export interface CodexStreamInfo {
  responseId: string;
  model: string;
  createdAt: number;
  inputTokens: number;
}

type OutputItem =
  | CodexCall
  | { type: 'reasoning'; id: string; summary: { type: 'summary_text'; text: string }[] }
  | { type: 'message'; id: string; role: 'assistant'; status: 'completed'; content: { type: 'output_text'; text: string; annotations: [] }[] };

const tokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

function items(move: Move<CodexCall>, responseId: string): OutputItem[] {
  const out: OutputItem[] = move.reasoning.map((text, i) => ({
    type: 'reasoning',
    id: `rs_${responseId}_${i}`,
    summary: [{ type: 'summary_text', text }],
  }));
  if (move.ending.kind === 'calls') out.push(...move.ending.calls);
  if (move.ending.kind === 'message') {
    const content = [{ type: 'output_text' as const, text: move.ending.text, annotations: [] as [] }];
    out.push({ type: 'message', id: `msg_${responseId}`, role: 'assistant', status: 'completed', content });
  }
  return out;
}

// The item as announced by output_item.added: same identity, no payload yet.
function announced(item: OutputItem): OutputItem {
  if (item.type === 'message') return { ...item, content: [] };
  if (item.type === 'reasoning') return { ...item, summary: [] };
  if (item.type === 'function_call') return { ...item, arguments: '' };
  return { ...item, input: '' };
}

function response(info: CodexStreamInfo, status: string, output: OutputItem[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: info.responseId, object: 'response', created_at: Math.floor(info.createdAt / 1000), status, model: info.model, output, ...extra };
}

/** The full stream for a non-failing move. */
export function codexEvents(move: Move<CodexCall>, info: CodexStreamInfo): SseEvent[] {
  const out = items(move, info.responseId);
  const events: SseEvent[] = [{ event: 'response.created', data: { type: 'response.created', response: response(info, 'in_progress', []) } }];
  out.forEach((item, output_index) => {
    events.push({ event: 'response.output_item.added', data: { type: 'response.output_item.added', output_index, item: announced(item) } });
    if (item.type === 'message') {
      const delta = item.content[0]?.text ?? '';
      events.push({
        event: 'response.output_text.delta',
        data: { type: 'response.output_text.delta', item_id: item.id, output_index, content_index: 0, delta },
      });
    }
    events.push({ event: 'response.output_item.done', data: { type: 'response.output_item.done', output_index, item } });
  });
  const reasoningTokens = move.reasoning.reduce((n, r) => n + tokens(r), 0);
  const outputTokens = tokens(JSON.stringify(out));
  const usage = {
    input_tokens: info.inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: reasoningTokens },
    total_tokens: info.inputTokens + outputTokens,
  };
  events.push({ event: 'response.completed', data: { type: 'response.completed', response: response(info, 'completed', out, { usage }) } });
  return events;
}

/** The `response.created` frame a broken stream sends before the connection drops. */
export function codexCreated(info: CodexStreamInfo): SseEvent {
  return { event: 'response.created', data: { type: 'response.created', response: response(info, 'in_progress', []) } };
}

/** An in-stream failure: codex reports "stream disconnected before completion: <message>". */
export function codexFailed(info: CodexStreamInfo): SseEvent[] {
  const error = { code: 'server_error', message: 'emulated stream failure' };
  return [
    { event: 'response.created', data: { type: 'response.created', response: response(info, 'in_progress', []) } },
    { event: 'response.failed', data: { type: 'response.failed', response: response(info, 'failed', [], { error }) } },
  ];
}
