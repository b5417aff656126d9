// The Anthropic Messages request Claude Code sends (POST /v1/messages?beta=true), parsed and
// reduced to an Exchange. Claude resends `messages[]`; the first user message carries a
// <system-reminder> block before the prompt, and `role:"system"` entries may appear mid-history.
import { z } from 'zod';
import { exitCodeIn, humanMessage } from './exchange.ts';
import type { Exchange } from './exchange.ts';
import type { ToolResult } from './types.ts';

const TextPart = z.looseObject({ type: z.string(), text: z.string().optional() });
const Texts = z.union([z.string(), z.array(TextPart)]);

const Block = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  id: z.string().optional(),
  name: z.string().optional(),
  input: z.unknown().optional(),
  tool_use_id: z.string().optional(),
  content: Texts.optional(),
  is_error: z.boolean().optional(),
});
type Block = z.infer<typeof Block>;

const Message = z.looseObject({ role: z.string(), content: z.union([z.string(), z.array(Block)]) });
type Message = z.infer<typeof Message>;

/** The body of POST /v1/messages. */
export const MessagesRequest = z.looseObject({
  model: z.string(),
  messages: z.array(Message),
  system: Texts.optional(),
  tools: z.array(z.looseObject({ name: z.string().optional() })).optional(),
  output_config: z.looseObject({ format: z.unknown().optional() }).optional(),
  stream: z.boolean().optional(),
});
export type MessagesRequest = z.infer<typeof MessagesRequest>;

/** The body of POST /v1/messages/count_tokens. */
export const CountTokensRequest = z.looseObject({
  model: z.string().optional(),
  messages: z.array(Message),
  system: Texts.optional(),
  tools: z.array(z.looseObject({})).optional(),
});

function texts(value: z.infer<typeof Texts> | undefined): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  return value.flatMap((p) => (p.text === undefined ? [] : [p.text]));
}

const blocks = (m: Message): Block[] => (typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content);

// Tool-result messages are the CLI talking, even when it appends text to them.
function humanOf(m: Message): string | undefined {
  if (m.role !== 'user') return undefined;
  const bs = blocks(m);
  if (bs.some((b) => b.type === 'tool_result')) return undefined;
  return humanMessage(bs.flatMap((b) => (b.type === 'text' && b.text !== undefined ? [b.text] : [])));
}

function toResult(block: Block, names: ReadonlyMap<string, string>): ToolResult {
  const callId = block.tool_use_id ?? '';
  const output = texts(block.content).join('\n');
  const result: ToolResult = { callId, output };
  const name = names.get(callId);
  if (name !== undefined) result.name = name;
  if (block.is_error !== undefined) result.isError = block.is_error;
  const exitCode = name !== 'Bash' ? undefined : block.is_error === true ? exitCodeIn(output) : 0;
  if (exitCode !== undefined) result.exitCode = exitCode;
  return result;
}

/** The working directory Claude Code states in its system prompt. */
function cwdOf(body: MessagesRequest): string | undefined {
  for (const text of texts(body.system)) {
    const m = /Primary working directory: (.+)/.exec(text);
    if (m?.[1] !== undefined) return m[1].trim();
  }
  return undefined;
}

/** Reduces a parsed request to what the playbook needs. */
export function readMessages(body: MessagesRequest): Exchange {
  const humanMessages: string[] = [];
  let lastHuman = -1;
  const names = new Map<string, string>();
  body.messages.forEach((m, index) => {
    for (const b of blocks(m)) if (b.type === 'tool_use' && b.id !== undefined && b.name !== undefined) names.set(b.id, b.name);
    const human = humanOf(m);
    if (human === undefined) return;
    humanMessages.push(human);
    lastHuman = index;
  });
  const turnResults = body.messages
    .slice(lastHuman + 1)
    .flatMap((m) => (m.role === 'user' ? blocks(m) : []))
    .filter((b) => b.type === 'tool_result')
    .map((b) => toResult(b, names));
  const tools = new Set((body.tools ?? []).flatMap((t) => (t.name === undefined ? [] : [t.name])));
  const cwd = cwdOf(body);
  return cwd === undefined ? { humanMessages, turnResults, tools } : { humanMessages, turnResults, tools, cwd };
}

const TaskInput = z.looseObject({ subject: z.string() });

/** Subjects of the TaskCreate calls anywhere in the history (tasks outlive turns). */
export function createdTasks(body: MessagesRequest): Set<string> {
  const subjects = new Set<string>();
  for (const m of body.messages) {
    for (const b of blocks(m)) {
      const input = b.type === 'tool_use' && b.name === 'TaskCreate' ? TaskInput.safeParse(b.input) : undefined;
      if (input?.success === true) subjects.add(input.data.subject);
    }
  }
  return subjects;
}

/** Claude's title-generation call: no tools offered (it also sets output_config.format to a JSON schema). */
export function isTitleRequest(body: MessagesRequest): boolean {
  return (body.tools ?? []).length === 0;
}
