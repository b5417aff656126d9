import { isAbsolute, relative } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../../shared/log.ts';
import { spawnAgent } from '../process/spawn.ts';
import type { AgentDriver, DriverSettings } from './driver.ts';
import { type AgentEvent } from './events.ts';
import { parseJsonLine } from './json-line.ts';

// `codex exec --json` lines (codex-rs/exec/src/exec_events.rs): only the fields we use.
const item = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('agent_message'), id: z.string(), text: z.string() }),
  z.looseObject({ type: z.literal('reasoning'), id: z.string(), text: z.string() }),
  z.looseObject({ type: z.literal('plan'), id: z.string(), text: z.string() }),
  z.looseObject({
    type: z.literal('command_execution'),
    id: z.string(),
    command: z.string(),
    aggregated_output: z.string().default(''),
    exit_code: z.number().int().nullable().optional(),
    status: z.string(),
  }),
  z.looseObject({
    type: z.literal('file_change'),
    id: z.string(),
    changes: z.array(z.object({ path: z.string(), kind: z.enum(['add', 'delete', 'update']) })),
    status: z.string(),
  }),
  z.looseObject({ type: z.literal('todo_list'), id: z.string(), items: z.array(z.object({ text: z.string(), completed: z.boolean() })) }),
  z.looseObject({ type: z.literal('error'), id: z.string(), message: z.string() }),
  z.looseObject({ type: z.enum(['mcp_tool_call', 'collab_tool_call', 'web_search']), id: z.string() }),
]);

const usage = z.looseObject({
  input_tokens: z.number().default(0),
  cached_input_tokens: z.number().default(0),
  output_tokens: z.number().default(0),
});

export const codexLineSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('thread.started'), thread_id: z.string() }),
  z.looseObject({ type: z.literal('turn.started') }),
  z.looseObject({ type: z.literal('turn.completed'), usage: usage.optional() }),
  z.looseObject({ type: z.literal('turn.failed'), error: z.looseObject({ message: z.string() }) }),
  z.looseObject({ type: z.enum(['item.started', 'item.updated', 'item.completed']), item }),
  z.looseObject({ type: z.literal('item.plan.delta') }),
  z.looseObject({ type: z.literal('request_user_input'), questions: z.array(z.unknown()).default([]) }),
  z.looseObject({ type: z.literal('error'), message: z.string() }),
]);

const CONTEXT_EXHAUSTED = /context window|context length|maximum context|too many tokens/i;

/** A stateful parser of one codex run's stdout: line in, normalized events out. */
export function createCodexParser(cwd: string, log: Logger): (line: string) => AgentEvent[] {
  let lastMessage: string | undefined;
  const rel = (path: string) => (isAbsolute(path) ? relative(cwd, path) || path : path);
  return (line) => {
    const event = parseJsonLine(line, codexLineSchema, 'codex', log);
    if (!event) return [];
    switch (event.type) {
      case 'thread.started':
        return [{ type: 'session_started', sessionId: event.thread_id }];
      case 'turn.completed': {
        const out: AgentEvent[] = [];
        if (event.usage) {
          out.push({
            type: 'usage',
            inputTokens: event.usage.input_tokens,
            cachedInputTokens: event.usage.cached_input_tokens,
            outputTokens: event.usage.output_tokens,
            cumulative: true,
          });
        }
        out.push(lastMessage === undefined ? { type: 'turn_finished' } : { type: 'turn_finished', summary: lastMessage });
        lastMessage = undefined;
        return out;
      }
      case 'turn.failed':
        return [{ type: 'error', message: event.error.message, fatal: true, ...(CONTEXT_EXHAUSTED.test(event.error.message) && { contextExhausted: true }) }];
      case 'error':
        return [{ type: 'error', message: event.message, fatal: false }];
      case 'request_user_input':
        return [{ type: 'question', text: JSON.stringify(event.questions).slice(0, 2000) }];
      case 'item.started':
      case 'item.updated':
        if (event.item.type === 'command_execution' && event.type === 'item.started')
          return [{ type: 'command_started', id: event.item.id, command: event.item.command }];
        return event.item.type === 'todo_list' ? [{ type: 'plan', steps: event.item.items.map((i) => ({ text: i.text, done: i.completed })) }] : [];
      case 'item.completed':
        return completed(event.item);
      default:
        return [];
    }
  };

  function completed(done: z.infer<typeof item>): AgentEvent[] {
    switch (done.type) {
      case 'agent_message':
        lastMessage = done.text;
        return [{ type: 'agent_message', text: done.text }];
      case 'reasoning':
        return [{ type: 'reasoning', text: done.text }];
      case 'plan':
        return [
          {
            type: 'plan',
            steps: done.text
              .split('\n')
              .filter((l) => l.trim())
              .map((text) => ({ text: text.trim(), done: false })),
          },
        ];
      case 'todo_list':
        return [{ type: 'plan', steps: done.items.map((i) => ({ text: i.text, done: i.completed })) }];
      case 'command_execution':
        return [{ type: 'command_finished', id: done.id, command: done.command, exitCode: done.exit_code ?? null, output: done.aggregated_output }];
      case 'file_change':
        return done.status === 'failed' ? [] : [{ type: 'file_changed', changes: done.changes.map((c) => ({ path: rel(c.path), kind: c.kind })) }];
      case 'error':
        return [{ type: 'error', message: done.message, fatal: false }];
      default:
        return [];
    }
  }
}

/** OpenAI Codex CLI: `codex exec --json`, sandboxed to the worktree, resumed by thread id. */
export function codexDriver(settings: DriverSettings & { readOnly?: boolean } = {}): AgentDriver {
  return {
    name: 'codex',
    resumable: true,
    run: (request) => {
      // update_plan gives us the agent's plan (codex 0.169 offers it for gpt-5.5 only when enabled).
      // Inside Director's bubblewrap codex's own bwrap cannot start (a nested bwrap cannot mount
      // /proc over the one bwrap's --proc left partly covered), so Director's sandbox is the one.
      const own = request.sandbox?.mode === 'bubblewrap' ? 'danger-full-access' : settings.readOnly ? 'read-only' : 'workspace-write';
      const base = ['exec', '--json', '--skip-git-repo-check', '--sandbox', own, '-c', 'tools.update_plan.enabled=true', ...(settings.args ?? [])];
      // The prompt goes on stdin ("-"): an argument is capped at 128 KiB on Linux.
      const args = request.sessionId ? [...base, 'resume', request.sessionId, '-'] : [...base, '-'];
      return spawnAgent({
        ...request,
        file: settings.command ?? 'codex',
        args,
        input: request.prompt,
        env: { ...request.env, ...settings.env },
        parse: createCodexParser(request.cwd, request.log),
      });
    },
  };
}
