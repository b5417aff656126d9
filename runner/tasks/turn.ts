import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import type { AgentDriver } from '../agents/driver.ts';
import type { Redactor } from '../../shared/redact.ts';
import { followUpPrompt, summaryPrompt, taskPrompt } from '../agents/prompt.ts';
import type { ContextKeeper } from '../context/keeper.ts';
import type { AgentRun } from '../process/spawn.ts';
import type { Sandbox } from '../sandbox/sandbox.ts';
import { verifyCommandFor, type EngineProject } from './project.ts';
import { askedQuestion, TurnTracker, type TurnOutcome } from './outcome.ts';
import { EventRecorder } from './recorder.ts';
import type { TaskRecord, TaskStore } from './store.ts';
import type { TaskEvent } from './task-events.ts';

const RESTARTED = 'The runner restarted while you were working. Look at the worktree (git status, git diff) and continue the task from where it stands.';

export interface TurnDeps {
  store: TaskStore;
  context: ContextKeeper;
  clock: Clock;
  log: Logger;
  agentEnv: Record<string, string>;
  /** Around every agent process; none runs it bare. */
  sandbox?: Sandbox;
  redact: Redactor;
  graceMs?: number;
  timeLimitMs?: number;
  /** The summary that seeds a fresh session. */
  summarise: (taskId: string) => Promise<string>;
  onFollowUpsPicked?: (taskId: string, externalIds: string[]) => void;
  changed: (taskId: string, event?: TaskEvent, record?: TaskRecord) => void;
  /** Hands the turn's process to whoever may stop it; returns the release. */
  attach: (run: AgentRun) => () => void;
}

/**
 * The prompt of a turn. A resumed session gets only what is new; a fresh one gets the task, and
 * when the task has history (a restart, a lost session, a driver that cannot resume) its summary.
 */
async function promptFor(deps: TurnDeps, task: TaskRecord, project: EngineProject, resuming: boolean, steering: string): Promise<string> {
  if (resuming) return steering || RESTARTED;
  const testCommand = verifyCommandFor(task, project);
  const first = taskPrompt(task.input, { ...(testCommand && { testCommand }), ...(task.memory && { context: task.memory }) });
  const seed = task.runs > 0 ? summaryPrompt(await deps.summarise(task.id)) : '';
  return [first, seed, steering].filter(Boolean).join('\n\n');
}

/** One agent process: the first prompt, a follow-up, a fix-up, or a continuation after a restart. */
export async function runTurn(deps: TurnDeps, task: TaskRecord, project: EngineProject, driver: AgentDriver, fixup?: string): Promise<TurnOutcome> {
  const { store, context, clock, log, agentEnv, redact, graceMs = 10_000, timeLimitMs, changed } = deps;
  const followUps = fixup === undefined ? store.pendingFollowUps(task.id) : [];
  // PR feedback comes as the runner's own prompt, its untrusted parts already fenced as data.
  const steering = fixup ?? followUps.map((f) => (f.kind === 'pr_feedback' ? f.text : followUpPrompt(f.text, f.author))).join('\n\n');
  const resuming = driver.resumable && task.session_id !== null;
  const prompt = await promptFor(deps, task, project, resuming, steering);

  const runId = `${task.id}.${task.runs + 1}`;
  store.startRun(task.id, runId, clock.now());
  const last = followUps.at(-1);
  if (last) {
    store.pickFollowUps(task.id, last.id, clock.now());
    const external = followUps.flatMap((f) => (f.external_id ? [f.external_id] : []));
    if (external.length > 0) deps.onFollowUpsPicked?.(task.id, external);
  }
  changed(task.id);

  const run = driver.run({
    runId,
    cwd: task.worktree ?? project.path,
    prompt,
    env: agentEnv,
    ...(deps.sandbox && { sandbox: deps.sandbox }),
    redact,
    ...(resuming && task.session_id && { sessionId: task.session_id }),
    log: log.child({ task: task.id }),
    clock,
    graceMs,
    ...(timeLimitMs !== undefined && { timeLimitMs }),
  });
  const release = deps.attach(run);

  const recorder = new EventRecorder((batch) => context.append(task.id, batch), clock);
  const tracker = new TurnTracker();
  let current = store.require(task.id);
  for await (const event of run.events) {
    recorder.add(event);
    tracker.see(event);
    if (event.type === 'session_started') {
      store.setSession(task.id, event.sessionId, clock.now());
      current = store.require(task.id);
    }
    changed(task.id, event, current);
  }
  const outcome = tracker.outcome(await run.exited, timeLimitMs);
  release();
  if (outcome.state === 'finished') {
    if (!tracker.finished) recorder.add(outcome.summary === undefined ? { type: 'turn_finished' } : { type: 'turn_finished', summary: outcome.summary });
    const question = askedQuestion(outcome.summary);
    if (question) {
      recorder.add({ type: 'question', text: question });
      changed(task.id, { type: 'question', text: question });
    }
  } else if (!tracker.fatal && outcome.error) {
    recorder.add({ type: 'error', message: outcome.error, fatal: true });
  }
  recorder.flush();
  return outcome;
}
