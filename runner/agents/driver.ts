import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import type { Redactor } from '../../shared/redact.ts';
import type { AgentRun } from '../process/spawn.ts';
import type { Sandbox } from '../sandbox/sandbox.ts';

/** What every agent driver needs to start or resume a session. */
export interface TurnRequest {
  /** Unique per process run; marks every process of it. */
  runId: string;
  cwd: string;
  prompt: string;
  /** The agent's environment, already stripped of runner secrets. */
  env: Record<string, string>;
  /** The session to continue (codex thread id, claude session id). */
  sessionId?: string;
  /** Redacts the agent's output before it is cut, stored or sent. */
  redact: Redactor;
  log: Logger;
  clock: Clock;
  graceMs: number;
  timeLimitMs?: number;
  /** Director's sandbox around the agent; none runs it bare. */
  sandbox?: Sandbox;
}

/** One kind of agent: codex, claude, or a command. */
export interface AgentDriver {
  name: string;
  /** Whether `sessionId` continues the same conversation. */
  resumable: boolean;
  run(request: TurnRequest): AgentRun;
}

/** Per-driver settings from the runner's config: which binary, extra args, extra environment. */
export interface DriverSettings {
  command?: string;
  args?: string[];
  env?: Record<string, string>;
}
