import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import type { Redactor } from '../../shared/redact.ts';
import { createStreamRedactor } from '../../shared/redact-stream.ts';
import { tail } from '../../shared/text.ts';
import { spawnAgent } from '../process/spawn.ts';
import type { Sandbox } from '../sandbox/sandbox.ts';
import { parseTestOutput, type TestReport } from './parse.ts';

/** Characters of the output kept as evidence. */
const OUTPUT_MAX = 6000;

/** The evidence of one verification run. */
export interface Verification extends TestReport {
  /** The command exited 0 within its time limit. */
  ok: boolean;
  command: string;
  durationMs: number;
  exitCode: number | null;
  timedOut: boolean;
  /** The end of the output, redacted, for the PR body and the fix-up prompt. */
  output: string;
}

export interface VerifyOptions {
  runId: string;
  cwd: string;
  argv: string[];
  env: Record<string, string>;
  timeLimitMs: number;
  /** Applied to the output before it is cut: the project's tests may print secrets. */
  redact: Redactor;
  log: Logger;
  clock: Clock;
  /** The tests run code the agent wrote: in the same sandbox as the agent. */
  sandbox?: Sandbox;
}

/** Runs the project's tests in the worktree with a time limit, and reads what the output says. */
export async function runVerification({ runId, cwd, argv, env, timeLimitMs, redact, log, clock, sandbox }: VerifyOptions): Promise<Verification> {
  const [file, ...args] = argv;
  if (!file) throw new Error('empty verification command');
  const started = clock.now();
  const lines: string[] = [];
  // The output's end, redacted line by line as a stream (a private key spans lines), cut after.
  const stream = createStreamRedactor(redact);
  let redacted = '';
  const run = spawnAgent({
    runId,
    file,
    args,
    cwd,
    env: { ...env, CI: 'true' },
    parse: (line) => {
      lines.push(line);
      if (lines.length > 4000) lines.splice(0, lines.length - 4000);
      redacted = tail(redacted + stream.push(`${line}\n`), OUTPUT_MAX);
      return [];
    },
    redact,
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
  const report = parseTestOutput(`${lines.join('\n')}\n${exit.stderr}`);
  const output = tail(`${redacted}${stream.end()}\n${exit.stderr}`.trim(), OUTPUT_MAX);
  const timedOut = exit.stoppedBy === 'timeout';
  return {
    ...report,
    failing: report.failing.map(redact),
    ok: exit.exitCode === 0 && !timedOut,
    command: argv.join(' '),
    durationMs: clock.now() - started,
    exitCode: exit.exitCode,
    timedOut,
    output,
  };
}
