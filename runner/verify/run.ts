import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import { tail } from '../../shared/text.ts';
import { spawnAgent } from '../process/spawn.ts';
import type { Sandbox } from '../sandbox/sandbox.ts';
import { parseTestOutput, type TestReport } from './parse.ts';

/** The evidence of one verification run. */
export interface Verification extends TestReport {
  /** The command exited 0 within its time limit. */
  ok: boolean;
  command: string;
  durationMs: number;
  exitCode: number | null;
  timedOut: boolean;
  /** The end of the output, for the PR body and the fix-up prompt. */
  output: string;
}

export interface VerifyOptions {
  runId: string;
  cwd: string;
  argv: string[];
  env: Record<string, string>;
  timeLimitMs: number;
  log: Logger;
  clock: Clock;
  /** The tests run code the agent wrote: in the same sandbox as the agent. */
  sandbox?: Sandbox;
}

/** Runs the project's tests in the worktree with a time limit, and reads what the output says. */
export async function runVerification({ runId, cwd, argv, env, timeLimitMs, log, clock, sandbox }: VerifyOptions): Promise<Verification> {
  const [file, ...args] = argv;
  if (!file) throw new Error('empty verification command');
  const started = clock.now();
  const lines: string[] = [];
  const run = spawnAgent({
    runId,
    file,
    args,
    cwd,
    env: { ...env, CI: 'true' },
    parse: (line) => {
      lines.push(line);
      if (lines.length > 4000) lines.splice(0, lines.length - 4000);
      return [];
    },
    log,
    clock,
    graceMs: 5000,
    timeLimitMs,
    ...(sandbox && { sandbox }),
  });
  for await (const _event of run.events) {
    // output is collected by parse
  }
  const exit = await run.exited;
  const output = `${lines.join('\n')}\n${exit.stderr}`;
  const report = parseTestOutput(output);
  const timedOut = exit.stoppedBy === 'timeout';
  return {
    ...report,
    ok: exit.exitCode === 0 && !timedOut,
    command: argv.join(' '),
    durationMs: clock.now() - started,
    exitCode: exit.exitCode,
    timedOut,
    output: tail(output.trim(), 6000),
  };
}
