/**
 * The reviewer: a separate, fresh agent session in a read-only view of the task's worktree that
 * reviews the diff against the issue and the project's conventions and answers with findings.
 * A malformed answer is asked for once more; then the gate reports that it could not review.
 */
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import type { Redactor } from '../../shared/redact.ts';
import type { AgentDriver } from '../agents/driver.ts';
import type { AgentConfig } from '../config.ts';
import { readOnlyView, type Sandbox } from '../sandbox/sandbox.ts';
import type { EngineProject } from '../tasks/project.ts';
import { TurnTracker } from '../tasks/outcome.ts';
import type { TaskRecord } from '../tasks/store.ts';
import { taskDiff } from './diff.ts';
import { chooseReviewer } from './drivers.ts';
import { parseReviewAnswer, type Finding } from './findings.ts';
import { conventionsOf, reviewPrompt, reviewRetryPrompt } from './prompt.ts';

/** What one review found: findings, or that it could not review (and why). */
export type ReviewVerdict = { reviewer: string; findings: Finding[] } | { reviewer: string; problem: string };

/** Reviews the task's change as it stands; undefined when the task's channel turned reviews off. */
export type Review = (task: TaskRecord, project: EngineProject) => Promise<ReviewVerdict | undefined>;

export interface AgentReviewerOptions {
  /** Reviewer drivers by agent name (see drivers.ts). */
  reviewers: ReadonlyMap<string, AgentDriver>;
  /** Each configured agent's kind, to pick the other vendor by default. */
  kinds: ReadonlyMap<string, AgentConfig['kind']>;
  /** The agents named in the runner's AGENTS; the other vendor reviews by default only when listed. Undefined: all count. */
  listed?: ReadonlySet<string>;
  /** The agents' environment, already without runner secrets. */
  agentEnv: Record<string, string>;
  /** The runner's plain environment for git. */
  gitEnv: Record<string, string>;
  sandbox?: Sandbox;
  redact: Redactor;
  log: Logger;
  clock: Clock;
  graceMs?: number;
  timeLimitMs?: number;
  /** The channel's `--review` choice for a task (an agent name or kind, `off`), null for the default. */
  choiceFor?: (task: TaskRecord) => string | null;
}

/** One reviewer process: its final message (the agent's summary), or why there is none. */
async function runOnce(options: AgentReviewerOptions, driver: AgentDriver, task: TaskRecord, cwd: string, prompt: string, attempt: number) {
  const { agentEnv, sandbox, redact, log, clock, graceMs = 10_000, timeLimitMs } = options;
  const run = driver.run({
    runId: `${task.id}.review${task.runs}.${attempt}`,
    cwd,
    prompt,
    env: agentEnv,
    ...(sandbox && { sandbox: readOnlyView(sandbox) }),
    redact,
    log: log.child({ task: task.id, reviewer: driver.name }),
    clock,
    graceMs,
    ...(timeLimitMs !== undefined && { timeLimitMs }),
  });
  const tracker = new TurnTracker();
  const messages: string[] = [];
  for await (const event of run.events) {
    tracker.see(event);
    if (event.type === 'agent_message') messages.push(event.text);
  }
  const outcome = tracker.outcome(await run.exited, timeLimitMs);
  if (outcome.state !== 'finished') return { error: outcome.error ?? `the reviewer ended ${outcome.state}`, text: undefined };
  // A command agent prints its answer over several lines and reports no turn end of its own.
  return { error: undefined, text: tracker.summary ?? messages.join('\n') };
}

/** The runner's reviewer: the chosen agent, sandboxed read-only, with one retry after a malformed answer. */
export function agentReviewer(options: AgentReviewerOptions): Review {
  return async (task, project) => {
    const chosen = chooseReviewer(options.choiceFor?.(task) ?? null, task.agent, options.kinds, options.listed);
    if ('off' in chosen) return undefined;
    if ('refused' in chosen) return { reviewer: 'none', problem: chosen.refused };
    const driver = options.reviewers.get(chosen.reviewer);
    if (!driver) return { reviewer: chosen.reviewer, problem: `no reviewer driver for "${chosen.reviewer}"` };
    const cwd = task.worktree ?? project.path;
    const diff = await taskDiff(cwd, project.defaultBranch, project.remote, options.gitEnv);
    const prompt = reviewPrompt(task.input, diff, conventionsOf(cwd));
    let problem = '';
    for (let attempt = 1; attempt <= 2; attempt++) {
      const answer = await runOnce(options, driver, task, cwd, attempt === 1 ? prompt : reviewRetryPrompt(prompt, problem), attempt);
      if (answer.error !== undefined) {
        problem = answer.error;
        continue;
      }
      const parsed = parseReviewAnswer(answer.text);
      if (parsed.ok) return { reviewer: driver.name, findings: parsed.answer.findings };
      problem = parsed.problem;
      options.log.warn({ task: task.id, reviewer: driver.name, attempt, problem }, 'the reviewer answered malformed findings');
    }
    return { reviewer: driver.name, problem: options.redact(problem) };
  };
}
