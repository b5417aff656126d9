// The model emulator: one loopback server that the real codex CLI (Responses API), the real
// Claude Code CLI (Messages API) and OpenAI-compatible clients (Chat Completions) talk to,
// answering from scripted playbooks.
import type { HandlerContext } from './context.ts';
import { LoopGuard, Scripts, matches } from './scripts.ts';
import type { Match } from './scripts.ts';
import { startServer } from './server.ts';
import type { RunningServer } from './server.ts';
import type { ModelEmulatorOptions, Playbook, RecordedRequest } from './types.ts';

export type * from './types.ts';
export type { Match } from './scripts.ts';
export type { CodexArgsOptions, EmulatorUrls } from './cli-env.ts';
export { CODEX_KEY_ENV, EMULATOR_API_KEY, claudeEnv, codexArgs, codexEnv } from './cli-env.ts';
export { garbageReviewerPlaybook, reviewerPlaybook, type ReviewerFinding } from './reviewer.ts';

/** A running emulator. Create with `startModelEmulator`. */
export class ModelEmulator {
  /** "http://127.0.0.1:PORT" */
  readonly url: string;
  /** `${url}/v1` — codex `model_providers.<id>.base_url`; also the base URL of `/chat/completions`. */
  readonly openaiBaseUrl: string;
  /** `url` — ANTHROPIC_BASE_URL. */
  readonly anthropicBaseUrl: string;
  /** Every model request (codex turns, claude turns and title calls, chat completions), in arrival order. */
  readonly requests: RecordedRequest[];

  private constructor(
    private readonly scripts: Scripts,
    requests: RecordedRequest[],
    private readonly server: RunningServer,
  ) {
    this.requests = requests;
    this.url = `http://127.0.0.1:${server.port}`;
    this.openaiBaseUrl = `${this.url}/v1`;
    this.anthropicBaseUrl = this.url;
  }

  /** Use `startModelEmulator`. */
  static async start(opts: ModelEmulatorOptions = {}): Promise<ModelEmulator> {
    const scripts = new Scripts();
    const requests: RecordedRequest[] = [];
    let seq = 0;
    const ctx: HandlerContext = {
      scripts,
      guard: new LoopGuard(),
      now: opts.now ?? Date.now,
      record: (r) => requests.push(r),
      nextId: (prefix) => `${prefix}_${++seq}`,
    };
    return new ModelEmulator(scripts, requests, await startServer(ctx));
  }

  /**
   * Conversations whose FIRST human message contains (string) or matches (RegExp) `match` follow
   * `playbook`. When several scripts match, the one registered last wins. Others answer "ok".
   */
  script(match: Match, playbook: Playbook): void {
    this.scripts.add(match, playbook);
  }

  /**
   * Reviewer conversations (Director's reviewer prompt) whose first message contains or matches
   * `match` follow `playbook`; the last registered wins; others answer a clean review.
   */
  scriptReviewer(match: Match, playbook: Playbook): void {
    this.scripts.addReviewer(match, playbook);
  }

  /** The turn requests (not title calls) of conversations whose first human message matches. */
  conversation(match: Match): RecordedRequest[] {
    return this.requests.filter((r) => {
      const first = r.humanMessages[0];
      return r.purpose === 'turn' && first !== undefined && matches(match, first);
    });
  }

  /** Stops the server, dropping in-flight responses. */
  close(): Promise<void> {
    return this.server.close();
  }
}

/** Starts an emulator on a free loopback port. */
export function startModelEmulator(opts?: ModelEmulatorOptions): Promise<ModelEmulator> {
  return ModelEmulator.start(opts);
}
