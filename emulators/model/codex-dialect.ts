// Playbook steps as codex tool calls (Responses API output items).
import { isAbsolute, join } from 'node:path';
import { writePatch } from './apply-patch.ts';
import type { Dialect, StepState, ToolStep } from './planner.ts';

/** A Responses output item that calls a tool. */
export type CodexCall =
  | { type: 'function_call'; id: string; call_id: string; name: string; arguments: string }
  | { type: 'custom_tool_call'; id: string; call_id: string; name: string; input: string };

/** What the dialect needs to know about the request and the workspace. */
export interface CodexContext {
  tools: ReadonlySet<string>;
  cwd?: string;
  /** The current text of a file, or undefined when it does not exist. */
  readFile(path: string): string | undefined;
}

const callId = (key: string): string => `call_emu_${key}`;

function functionCall(key: string, name: string, args: unknown): CodexCall {
  return { type: 'function_call', id: `fc_emu_${key}`, call_id: callId(key), name, arguments: JSON.stringify(args) };
}

const call = (c: CodexCall): StepState<CodexCall> => ({ state: 'call', calls: [c], fresh: true });

function shell(key: string, cmd: string, tools: ReadonlySet<string>): StepState<CodexCall> {
  // gpt-5.5 (unified_exec) offers exec_command; older shell_type models offer `shell` with argv.
  if (tools.has('exec_command')) return call(functionCall(key, 'exec_command', { cmd }));
  if (tools.has('shell')) return call(functionCall(key, 'shell', { command: ['bash', '-lc', cmd] }));
  return { state: 'skip' };
}

/** codex dialect: exec_command, apply_patch, update_plan (only when the CLI offers it). */
export function codexDialect(ctx: CodexContext): Dialect<CodexCall> {
  return {
    step(step: ToolStep, key: string, answered: ReadonlySet<string>): StepState<CodexCall> {
      if (answered.has(callId(key))) return { state: 'done' };
      if ('shell' in step) return shell(key, step.shell, ctx.tools);
      if ('writeFile' in step) {
        if (!ctx.tools.has('apply_patch')) return { state: 'skip' };
        const { path, content } = step.writeFile;
        const abs = isAbsolute(path) || ctx.cwd === undefined ? path : join(ctx.cwd, path);
        const input = writePatch(path, content, ctx.readFile(abs));
        return call({ type: 'custom_tool_call', id: `ctc_emu_${key}`, call_id: callId(key), name: 'apply_patch', input });
      }
      // update_plan is off by default for gpt-5.5; `-c tools.update_plan.enabled=true` offers it.
      if (!ctx.tools.has('update_plan')) return { state: 'skip' };
      const done = step.done ?? 0;
      const plan = step.plan.map((s, i) => ({ step: s, status: i < done ? 'completed' : i === done ? 'in_progress' : 'pending' }));
      return call(functionCall(key, 'update_plan', { plan }));
    },
  };
}
