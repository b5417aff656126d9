// The OpenAI Chat Completions request (POST /v1/chat/completions), as OpenAI-compatible clients
// send it: `model` and a non-empty `messages[]` whose content is a string or an array of parts.
import { z } from 'zod';
import { humanMessage } from './exchange.ts';

const TextPart = z.looseObject({ type: z.string(), text: z.string().optional() });
const Content = z.union([z.string(), z.array(TextPart)]);

const ChatMessage = z
  .looseObject({
    role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
    // Only an assistant message (with tool calls) may go without content.
    content: Content.nullish(),
  })
  .refine((m) => m.role === 'assistant' || (m.content !== undefined && m.content !== null), {
    message: 'content is required',
    path: ['content'],
  });
type ChatMessage = z.infer<typeof ChatMessage>;

/** The body of POST /v1/chat/completions. */
export const ChatRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(ChatMessage).min(1),
  stream: z.boolean().nullish(),
});
export type ChatRequest = z.infer<typeof ChatRequest>;

function texts(content: ChatMessage['content']): string[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return [content];
  return content.flatMap((p) => (p.type === 'text' && p.text !== undefined ? [p.text] : []));
}

/** What the user said, message by message, oldest first. */
export function chatHumanMessages(body: ChatRequest): string[] {
  return body.messages.flatMap((m) => {
    const human = m.role === 'user' ? humanMessage(texts(m.content)) : undefined;
    return human === undefined ? [] : [human];
  });
}

/** How OpenAI names a bad parameter: `messages[0].role`. */
function paramOf(path: readonly PropertyKey[]): string | null {
  if (path.length === 0) return null;
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

/** Whether `path` leads to nothing in `value` (a missing parameter rather than a wrong one). */
function missingAt(value: unknown, path: readonly PropertyKey[]): boolean {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return true;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current === undefined;
}

/** An OpenAI-style 400 body for a request the schema refused. */
export function chatRequestError(json: unknown, error: z.ZodError): { error: { message: string; type: string; param: string | null; code: string | null } } {
  const issue = error.issues[0];
  const path = issue?.path ?? [];
  const missing = issue !== undefined && issue.code === 'invalid_type' && missingAt(json, path);
  const param = paramOf(path);
  const message = missing && param !== null ? `Missing required parameter: '${param}'.` : `emulator: not a Chat Completions request: ${z.prettifyError(error)}`;
  return { error: { message, type: 'invalid_request_error', param, code: missing ? 'missing_required_parameter' : 'invalid_value' } };
}
