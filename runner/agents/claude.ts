import { isAbsolute, relative } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../../shared/log.ts';
import { spawnAgent } from '../process/spawn.ts';
import type { AgentDriver, DriverSettings } from './driver.ts';
import { type AgentEvent } from './events.ts';
import { parseJsonLine } from './json-line.ts';

// `claude -p --output-format stream-json --verbose` lines: only the fields we use.
const block = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text'), text: z.string() }),
  z.looseObject({ type: z.literal('thinking'), thinking: z.string().default('') }),
  z.looseObject({ type: z.literal('redacted_thinking') }),
  z.looseObject({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.record(z.string(), z.unknown()).default({}) }),
  z.looseObject({
    type: z.literal('tool_result'),
    tool_use_id: z.string(),
    content: z.union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() }))]).default(''),
    is_error: z.boolean().optional(),
  }),
]);

const usage = z.looseObject({
  input_tokens: z.number().default(0),
  cache_read_input_tokens: z.number().default(0),
  output_tokens: z.number().default(0),
});

export const claudeLineSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('system'), subtype: z.string(), session_id: z.string().optional() }),
  z.looseObject({ type: z.literal('assistant'), message: z.looseObject({ content: z.array(block) }), error: z.string().optional() }),
  z.looseObject({
    type: z.literal('user'),
    message: z.looseObject({ content: z.union([z.string(), z.array(block)]) }),
    tool_use_result: z.unknown().optional(),
  }),
  z.looseObject({
    type: z.literal('result'),
    subtype: z.string(),
    is_error: z.boolean(),
    result: z.string().optional(),
    errors: z.array(z.string()).optional(),
    session_id: z.string().optional(),
    usage: usage.optional(),
  }),
  z.looseObject({ type: z.literal('stream_event') }),
]);

const todoInput = z.object({ todos: z.array(z.looseObject({ content: z.string(), status: z.string() })) });
// Claude Code 2.1 plans with Task* tools (TodoWrite only when CLAUDE_CODE_ENABLE_TASKS=0).
const taskCreateInput = z.looseObject({ subject: z.string() });
const taskUpdateInput = z.looseObject({ taskId: z.union([z.string(), z.number()]), status: z.string().optional() });
const taskCreatedResult = z.looseObject({ task: z.looseObject({ id: z.union([z.string(), z.number()]), subject: z.string() }) });
const bashInput = z.looseObject({ command: z.string() });
const fileInput = z.looseObject({ file_path: z.string() });
const createdResult = z.looseObject({ type: z.literal('create') });
const FILE_TOOLS = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit']);
const CONTEXT_EXHAUSTED = /prompt is too long|context window|context length/i;

function resultText(content: z.infer<typeof block> & { type: 'tool_result' }): string {
  return typeof content.content === 'string' ? content.content : content.content.map((c) => c.text ?? '').join('\n');
}

/** A stateful parser of one claude run's stdout: line in, normalized events out. */
export function createClaudeParser(cwd: string, log: Logger): (line: string) => AgentEvent[] {
  const tools = new Map<string, { name: string; input: Record<string, unknown> }>();
  const plan: { id?: string; text: string; done: boolean }[] = [];
  const planEvent = (): AgentEvent => ({ type: 'plan', steps: plan.map(({ text, done }) => ({ text, done })) });
  const rel = (path: string) => (isAbsolute(path) ? relative(cwd, path) || path : path);
  return (line) => {
    const event = parseJsonLine(line, claudeLineSchema, 'claude', log);
    if (!event) return [];
    switch (event.type) {
      case 'system':
        return event.subtype === 'init' && event.session_id ? [{ type: 'session_started', sessionId: event.session_id }] : [];
      case 'assistant':
        // A synthetic line carrying an API error: the result line that follows reports it.
        return event.error === undefined ? event.message.content.flatMap(assistantBlock) : [];
      case 'user':
        return typeof event.message.content === 'string' ? [] : event.message.content.flatMap((b) => toolResult(b, event.tool_use_result));
      case 'result': {
        const out: AgentEvent[] = [];
        if (event.usage) {
          out.push({
            type: 'usage',
            inputTokens: event.usage.input_tokens,
            cachedInputTokens: event.usage.cache_read_input_tokens,
            outputTokens: event.usage.output_tokens,
          });
        }
        if (event.is_error || event.subtype !== 'success') {
          const message = event.result ?? event.errors?.join('; ') ?? event.subtype;
          out.push({ type: 'error', message, fatal: true, ...(CONTEXT_EXHAUSTED.test(message) && { contextExhausted: true }) });
        } else {
          out.push(event.result === undefined ? { type: 'turn_finished' } : { type: 'turn_finished', summary: event.result });
        }
        return out;
      }
      default:
        return [];
    }
  };

  function assistantBlock(b: z.infer<typeof block>): AgentEvent[] {
    switch (b.type) {
      case 'text':
        return b.text.trim() ? [{ type: 'agent_message', text: b.text }] : [];
      case 'thinking':
        return b.thinking.trim() ? [{ type: 'reasoning', text: b.thinking }] : [];
      case 'tool_use': {
        tools.set(b.id, { name: b.name, input: b.input });
        if (b.name === 'Bash') {
          const input = bashInput.safeParse(b.input);
          return input.success ? [{ type: 'command_started', id: b.id, command: input.data.command }] : [];
        }
        if (b.name === 'TodoWrite') {
          const input = todoInput.safeParse(b.input);
          return input.success ? [{ type: 'plan', steps: input.data.todos.map((t) => ({ text: t.content, done: t.status === 'completed' })) }] : [];
        }
        if (b.name === 'AskUserQuestion') return [{ type: 'question', text: JSON.stringify(b.input).slice(0, 2000) }];
        if (b.name === 'TaskUpdate') {
          const input = taskUpdateInput.safeParse(b.input);
          const step = input.success ? plan.find((p) => p.id === String(input.data.taskId)) : undefined;
          if (step && input.success && input.data.status) {
            step.done = input.data.status === 'completed';
            return [planEvent()];
          }
        }
        return [];
      }
      default:
        return [];
    }
  }

  function toolResult(b: z.infer<typeof block>, detail: unknown): AgentEvent[] {
    if (b.type !== 'tool_result') return [];
    const call = tools.get(b.tool_use_id);
    tools.delete(b.tool_use_id);
    if (!call) return [];
    const text = resultText(b);
    if (call.name === 'Bash') {
      const command = bashInput.safeParse(call.input);
      const code = /^Exit code (\d+)/.exec(text)?.[1];
      const exitCode = b.is_error ? (code === undefined ? null : Number(code)) : 0;
      return [{ type: 'command_finished', id: b.tool_use_id, command: command.success ? command.data.command : '', exitCode, output: text }];
    }
    if (call.name === 'TaskCreate' && !b.is_error) {
      const created = taskCreatedResult.safeParse(detail);
      const input = taskCreateInput.safeParse(call.input);
      const text = created.success ? created.data.task.subject : input.success ? input.data.subject : undefined;
      if (text === undefined) return [];
      plan.push({ ...(created.success && { id: String(created.data.task.id) }), text, done: false });
      return [planEvent()];
    }
    if (FILE_TOOLS.has(call.name) && !b.is_error) {
      const input = fileInput.safeParse(call.input);
      if (!input.success) return [];
      const kind = createdResult.safeParse(detail).success ? 'add' : 'update';
      return [{ type: 'file_changed', changes: [{ path: rel(input.data.file_path), kind }] }];
    }
    return [];
  }
}

export interface ClaudeSettings extends DriverSettings {
  /** Bash commands the agent may run besides read-only ones, e.g. the project's test command. */
  allowedCommands?: string[];
}

/**
 * Claude Code: `claude -p --output-format stream-json --verbose`, edits accepted inside the
 * worktree, Bash limited to the allowed commands, no web tools; resumed with --resume.
 */
export function claudeDriver(settings: ClaudeSettings = {}): AgentDriver {
  const allowed = [
    'Read',
    'Grep',
    'Glob',
    'LS',
    'Write',
    'Edit',
    'MultiEdit',
    'TodoWrite',
    'TaskCreate',
    'TaskUpdate',
    'TaskList',
    ...(settings.allowedCommands ?? []).map((c) => `Bash(${c}:*)`),
  ];
  return {
    name: 'claude',
    resumable: true,
    run: (request) => {
      // The prompt goes on stdin: an argument is capped at 128 KiB on Linux.
      const args = [
        '-p',
        '--output-format',
        'stream-json',
        '--verbose',
        '--permission-mode',
        'acceptEdits',
        '--allowedTools',
        ...allowed,
        '--disallowedTools',
        'WebFetch',
        'WebSearch',
        ...(request.sessionId ? ['--resume', request.sessionId] : []),
        ...(settings.args ?? []),
      ];
      return spawnAgent({
        ...request,
        file: settings.command ?? 'claude',
        args,
        input: request.prompt,
        env: { ...request.env, ...settings.env },
        parse: createClaudeParser(request.cwd, request.log),
      });
    },
  };
}
