import { createInterface } from 'node:readline';
import { StringDecoder } from 'node:string_decoder';
import { execa } from 'execa';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import type { Redactor } from '../../shared/redact.ts';
import { createStreamRedactor } from '../../shared/redact-stream.ts';
import type { AgentEvent } from '../agents/events.ts';
import { redactEvent } from '../agents/redact-event.ts';
import { tail } from '../../shared/text.ts';
import { killRun } from './kill.ts';
import { RUN_MARKER } from './tree.ts';
import type { Sandbox } from '../sandbox/sandbox.ts';

/** Characters of stderr kept for the failure reason. */
const STDERR_MAX = 8000;

export type StopReason = 'cancel' | 'timeout' | 'shutdown' | 'restart';

/** How a run of an agent process ended. */
export interface RunExit {
  exitCode: number | null;
  signal: string | null;
  /** The end of stderr, redacted, for the failure reason. */
  stderr: string;
  /** Set when we stopped it: cancelled by a person, over its time limit, the runner shutting down, or a restart. */
  stoppedBy?: StopReason;
}

/** One agent process: its normalized events as they come, and how it ended. */
export interface AgentRun {
  runId: string;
  pid: number | undefined;
  events: AsyncIterable<AgentEvent>;
  exited: Promise<RunExit>;
  /** SIGTERM to the whole tree, SIGKILL after the grace period; resolves when it is gone. */
  cancel(reason?: StopReason): Promise<void>;
}

export interface SpawnAgentOptions {
  runId: string;
  file: string;
  args: readonly string[];
  cwd: string;
  /** The complete environment: nothing is inherited from the runner. */
  env: Record<string, string>;
  /** Text on stdin; otherwise stdin is closed at once. */
  input?: string;
  /** Turns one stdout line into events; never throws (bad lines are logged and skipped by the driver). */
  parse: (line: string) => AgentEvent[];
  /** Applied to every event and to stderr before anything is cut, kept or passed on. */
  redact: Redactor;
  log: Logger;
  clock: Clock;
  graceMs: number;
  timeLimitMs?: number;
  /** Where the process runs; without one it runs bare (tests of the engine, AGENT_SANDBOX=off). */
  sandbox?: Sandbox;
}

/** Starts an agent in its own process group with a run marker in its environment. */
export function spawnAgent(options: SpawnAgentOptions): AgentRun {
  const { runId, cwd, input, parse, redact, log, clock, graceMs, timeLimitMs, sandbox } = options;
  const bare = { file: options.file, args: options.args, cwd, env: { ...options.env, [RUN_MARKER]: runId } };
  const { file, args, env } = sandbox ? sandbox.wrap(bare) : bare;
  const child = execa(file, args, {
    cwd,
    env,
    extendEnv: false,
    detached: true,
    cleanup: false,
    buffer: false,
    reject: false,
    stdin: input === undefined ? 'ignore' : 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  if (input !== undefined) child.stdin?.end(input);

  // Redacted as it arrives, cut after: a secret is never split by the cut.
  let stderr = '';
  const stderrRedactor = createStreamRedactor(redact);
  const decoder = new StringDecoder('utf8');
  child.stderr?.on('data', (chunk: Buffer) => (stderr = tail(stderr + stderrRedactor.push(decoder.write(chunk)), STDERR_MAX)));

  let stoppedBy: RunExit['stoppedBy'];
  let cancelling: Promise<void> | undefined;
  let exitedAlready = false;
  const cancel = (reason: StopReason = 'cancel'): Promise<void> => {
    stoppedBy ??= reason;
    // Once the child has exited its pid may belong to someone else: only the run marker counts.
    cancelling ??= killRun(runId, graceMs, clock, exitedAlready ? undefined : child.pid).then((left) => {
      if (left.length > 0) log.error({ runId, pids: left }, 'agent processes survived SIGKILL');
    });
    return cancelling;
  };
  const timer = timeLimitMs === undefined ? undefined : setTimeout(() => void cancel('timeout'), timeLimitMs);

  const exited: Promise<RunExit> = child.then(async (result) => {
    exitedAlready = true;
    clearTimeout(timer);
    // The agent is gone; make sure nothing it started lives on.
    await (cancelling ?? killRun(runId, graceMs, clock));
    return {
      exitCode: result.exitCode ?? null,
      signal: result.signal ?? null,
      stderr: tail(stderr + stderrRedactor.push(decoder.end()) + stderrRedactor.end(), STDERR_MAX),
      ...(stoppedBy && { stoppedBy }),
    };
  });

  async function* events(): AsyncGenerator<AgentEvent> {
    if (!child.stdout) return;
    const lines = createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      for (const event of parse(line)) yield redactEvent(event, redact);
    }
  }

  return { runId, pid: child.pid, events: events(), exited, cancel };
}
