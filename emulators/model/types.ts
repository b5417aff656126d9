// Public types of the model emulator: playbooks the tests write, and what the emulator records.

/** How a scripted step fails the turn. */
export type Failure = 'http-500' | 'http-429' | 'http-401' | 'broken-stream' | 'stream-error';

/** One scripted model action. Every step but `message`/`fail` is answered as a tool call. */
export type Step =
  | { reasoning: string }
  | { shell: string }
  | { writeFile: { path: string; content: string } }
  /** `done`: how many of the steps, from the first, are completed (default 0; the next one is in progress). */
  | { plan: string[]; done?: number }
  | { message: string }
  | { fail: Failure }
  | { delayMs: number; then: Step };

/** Answers one human message; the turn ends at a `message` or `fail` step (or with "ok" when steps run out). */
export interface Turn {
  steps: Step[];
}

/** Turn i answers the i-th human message of the conversation. */
export interface Playbook {
  turns: Turn[];
}

/** Which wire protocol a request used: codex's Responses, claude's Messages, or OpenAI Chat Completions. */
export type Api = 'responses' | 'messages' | 'chat';

/** A tool call's result as the CLI sent it back. */
export interface ToolResult {
  callId: string;
  /** The tool the call named (exec_command, apply_patch, Bash, Write, …), when the call is in the history. */
  name?: string;
  output: string;
  isError?: boolean;
  /** Shell exit code: codex "Process exited with code N", claude Bash "Exit code N" (0 when not an error). */
  exitCode?: number;
}

/** One request a CLI made to the model. */
export interface RecordedRequest {
  api: Api;
  /** `turn` for agent turns, `title` for claude's title generation. */
  purpose: 'turn' | 'title';
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** What the user actually typed, in order (injected context removed). */
  humanMessages: string[];
  /** Tool results after the latest human message (the current turn's results). */
  toolResults: ToolResult[];
  /** codex `session-id` (= thread id) header; claude `x-claude-code-session-id`; none for chat. */
  sessionId?: string;
  /** The `script()` match that chose the playbook, as a string (RegExp → its source form). */
  matched?: string;
  /** Index of the turn (human message) being answered. */
  turn: number;
  /** `now()` when the request arrived. */
  at: number;
}

/** Options of `startModelEmulator`. */
export interface ModelEmulatorOptions {
  now?: () => number;
}
