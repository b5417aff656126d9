// The OpenAI Responses request codex sends (POST /v1/responses), parsed and reduced to an Exchange.
// codex resends the whole history every time: developer messages, an <environment_context> user
// message, the prompt, then call/output pairs; a resumed thread appends further user messages.
import { z } from 'zod';
import { exitCodeIn, humanMessage } from './exchange.ts';
import type { Exchange } from './exchange.ts';
import type { ToolResult } from './types.ts';

const TextPart = z.looseObject({ type: z.string(), text: z.string().optional() });
const Texts = z.union([z.string(), z.array(TextPart)]);

const InputItem = z.looseObject({
  type: z.string().optional(),
  role: z.string().optional(),
  content: Texts.nullish(),
  call_id: z.string().optional(),
  name: z.string().optional(),
  output: Texts.nullish(),
});
type InputItem = z.infer<typeof InputItem>;

/** The body of POST /v1/responses. */
export const ResponsesRequest = z.looseObject({
  model: z.string(),
  stream: z.boolean().optional(),
  input: z.array(InputItem),
  tools: z.array(z.looseObject({ type: z.string(), name: z.string().optional() })).optional(),
});
export type ResponsesRequest = z.infer<typeof ResponsesRequest>;

function texts(value: z.infer<typeof Texts> | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return [value];
  return value.flatMap((p) => (p.text === undefined ? [] : [p.text]));
}

const isUserMessage = (item: InputItem): boolean => (item.type ?? 'message') === 'message' && item.role === 'user';
const isOutput = (item: InputItem): boolean => item.type === 'function_call_output' || item.type === 'custom_tool_call_output';
const isCall = (item: InputItem): boolean => item.type === 'function_call' || item.type === 'custom_tool_call';

function toResult(item: InputItem, names: ReadonlyMap<string, string>): ToolResult {
  const callId = item.call_id ?? '';
  const output = texts(item.output).join('\n');
  const name = names.get(callId);
  const result: ToolResult = { callId, output };
  if (name !== undefined) result.name = name;
  const exitCode = name === 'exec_command' || name === 'shell' ? exitCodeIn(output) : undefined;
  if (exitCode !== undefined) result.exitCode = exitCode;
  return result;
}

/** Reduces a parsed request to what the playbook needs. */
export function readResponses(body: ResponsesRequest): Exchange {
  const humanMessages: string[] = [];
  let lastHuman = -1;
  let cwd: string | undefined;
  const names = new Map<string, string>();
  body.input.forEach((item, index) => {
    if (isCall(item) && item.call_id !== undefined && item.name !== undefined) names.set(item.call_id, item.name);
    if (!isUserMessage(item)) return;
    const parts = texts(item.content);
    for (const part of parts) cwd = /<cwd>([^<]*)<\/cwd>/.exec(part)?.[1] ?? cwd;
    const human = humanMessage(parts);
    if (human === undefined) return;
    humanMessages.push(human);
    lastHuman = index;
  });
  const turnResults = body.input
    .slice(lastHuman + 1)
    .filter(isOutput)
    .map((item) => toResult(item, names));
  const tools = new Set((body.tools ?? []).flatMap((t) => (t.name === undefined ? [] : [t.name])));
  return cwd === undefined ? { humanMessages, turnResults, tools } : { humanMessages, turnResults, tools, cwd };
}
