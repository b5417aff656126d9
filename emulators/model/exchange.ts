// What the emulator needs from one request, whichever CLI sent it: the human side of the history,
// the current turn's tool results, the offered tools and the working directory.
import type { ToolResult } from './types.ts';

/** A request reduced to what playbooks care about. */
export interface Exchange {
  /** The texts the user typed, oldest first. */
  humanMessages: string[];
  /** Tool results after the latest human message. */
  turnResults: ToolResult[];
  /** Names of the tools the CLI offered the model. */
  tools: ReadonlySet<string>;
  /** The agent's working directory, when the request states it. */
  cwd?: string;
}

const REMINDER = /<system-reminder>[\s\S]*?<\/system-reminder>/g;
// A block that is one whole XML-ish element (<environment_context>…</environment_context>) is
// context the CLI injected, not something the user typed.
const WRAPPED = /^<([A-Za-z_][\w-]*)>[\s\S]*<\/\1>$/;
const INJECTED_PREFIXES = ['# AGENTS.md instructions'];

/** The user's own text in a user-role block, or undefined when the block is injected context. */
export function humanText(text: string): string | undefined {
  const t = text.replace(REMINDER, '').trim();
  if (t === '' || WRAPPED.test(t) || INJECTED_PREFIXES.some((p) => t.startsWith(p))) return undefined;
  return t;
}

/** Joins the human blocks of one message; undefined when none is human. */
export function humanMessage(texts: readonly string[]): string | undefined {
  const human = texts.map(humanText).filter((t): t is string => t !== undefined);
  return human.length > 0 ? human.join('\n') : undefined;
}

/** A shell exit code stated in a tool output, as codex and claude phrase it. */
export function exitCodeIn(output: string): number | undefined {
  const m = /Process exited with code (-?\d+)/.exec(output) ?? /^Exit code (-?\d+)/.exec(output);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}
