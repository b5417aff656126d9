// Playbook steps as Claude Code tool_use blocks.
import { isAbsolute, join } from 'node:path';
import type { Dialect, StepState, ToolStep } from './planner.ts';

/** A tool_use content block. */
export interface ToolUse {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
}

/** What the dialect needs to know about the request and the workspace. */
export interface ClaudeContext {
  tools: ReadonlySet<string>;
  cwd?: string;
  exists(path: string): boolean;
  /** Subjects of tasks created earlier in the session; a new plan only adds the missing ones. */
  createdTasks: ReadonlySet<string>;
}

const toolId = (key: string): string => `toolu_emu_${key}`;
const use = (id: string, name: string, input: Record<string, unknown>): ToolUse => ({ type: 'tool_use', id, name, input });
const fresh = (calls: ToolUse[]): StepState<ToolUse> => ({ state: 'call', calls, fresh: true });

function describe(command: string): string {
  const short = command.length > 60 ? `${command.slice(0, 57)}...` : command;
  return `Run ${short}`;
}

// Write refuses to overwrite a file this session has not read ("File has not been read yet"),
// so an existing file is Read first, exactly as the real model has to.
function writeFile(key: string, path: string, content: string, ctx: ClaudeContext, answered: ReadonlySet<string>): StepState<ToolUse> {
  if (!ctx.tools.has('Write')) return { state: 'skip' };
  const filePath = isAbsolute(path) || ctx.cwd === undefined ? path : join(ctx.cwd, path);
  const write = use(toolId(key), 'Write', { file_path: filePath, content });
  const readId = `${toolId(key)}_read`;
  if (answered.has(readId)) return { state: 'call', calls: [write], fresh: false };
  if (ctx.tools.has('Read') && ctx.exists(filePath)) return fresh([use(readId, 'Read', { file_path: filePath })]);
  return fresh([write]);
}

// 2.1.197 offers TaskCreate/TaskUpdate by default and TodoWrite only with CLAUDE_CODE_ENABLE_TASKS=0.
// TodoWrite replaces the whole list; TaskCreate adds tasks, so only items not created yet are sent.
function plan(key: string, items: readonly string[], ctx: ClaudeContext, done = 0): StepState<ToolUse> {
  const { tools } = ctx;
  if (tools.has('TodoWrite')) {
    const todos = items.map((content, i) => ({ content, status: i < done ? 'completed' : i === done ? 'in_progress' : 'pending', activeForm: content }));
    return fresh([use(toolId(key), 'TodoWrite', { todos })]);
  }
  const missing = items.filter((subject) => !ctx.createdTasks.has(subject));
  if (!tools.has('TaskCreate') || missing.length === 0) return { state: 'skip' };
  return fresh(missing.map((subject, i) => use(i === 0 ? toolId(key) : `${toolId(key)}_${i}`, 'TaskCreate', { subject, description: subject })));
}

/** claude dialect: Bash, Read+Write, TodoWrite or TaskCreate. */
export function claudeDialect(ctx: ClaudeContext): Dialect<ToolUse> {
  return {
    step(step: ToolStep, key: string, answered: ReadonlySet<string>): StepState<ToolUse> {
      if (answered.has(toolId(key))) return { state: 'done' };
      if ('shell' in step) {
        if (!ctx.tools.has('Bash')) return { state: 'skip' };
        return fresh([use(toolId(key), 'Bash', { command: step.shell, description: describe(step.shell) })]);
      }
      if ('writeFile' in step) return writeFile(key, step.writeFile.path, step.writeFile.content, ctx, answered);
      return plan(key, step.plan, ctx, step.done);
    },
  };
}
