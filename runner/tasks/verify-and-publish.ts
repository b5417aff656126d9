import type { Clock } from '../../shared/clock.ts';
import { describeFindings, secretFixupPrompt, SecretsFoundError } from '../publish/secret-scan.ts';
import type { TaskState } from '../../shared/task-states.ts';
import { fixupPrompt } from '../agents/prompt.ts';
import { verifyRunId } from './ids.ts';
import type { TurnOutcome } from './outcome.ts';
import { verifyCommandFor, type EngineProject } from './project.ts';
import type { TaskRecord, TaskStore } from './store.ts';
import type { PublishedEvent, ReviewedEvent, TaskEvent, VerificationEvent } from './task-events.ts';
import { reviewGate, type GateState } from '../review/gate.ts';
import type { Review } from '../review/reviewer.ts';

/** Runs the project's tests in the task's worktree; undefined when the project has none. */
export type Verify = (task: TaskRecord, project: EngineProject, runId: string) => Promise<VerificationEvent | undefined>;

/** Commits, pushes and opens or updates the draft PR; 'nothing' when there is no change to publish. */
export type Publish = (
  task: TaskRecord,
  project: EngineProject,
  summary: string | undefined,
  verification: VerificationEvent | undefined,
  review?: ReviewedEvent,
) => Promise<Omit<PublishedEvent, 'type'> | 'nothing'>;

/** What the steps after a finished turn need from the engine. */
export interface VerifyAndPublishDeps {
  store: TaskStore;
  clock: Clock;
  verify?: Verify;
  publish?: Publish;
  /** The reviewer gate after passing tests; none when not configured. */
  review?: Review;
  /** Turns the agent gets to fix failing tests before the task fails (default 2). */
  fixupTurns?: number;
  /** Sets the task's state, tells the listeners, returns the fresh record. */
  transition: (taskId: string, state: TaskState) => TaskRecord;
  /** Logs a step of the runner's own in the task's events. */
  record: (taskId: string, event: TaskEvent) => void;
  /** Set when the task was stopped or the runner is shutting down: stop before the next step. */
  halted: (taskId: string) => TurnOutcome | undefined;
  /** One agent turn with this prompt in place of the follow-ups. */
  fixup: (task: TaskRecord, prompt: string) => Promise<TurnOutcome>;
}

/** Runs the tests, with fix-up turns while they fail: the verification to publish with, or how the task ends. */
async function verifyWithFixups(
  deps: VerifyAndPublishDeps & { verify: Verify },
  task: TaskRecord,
  project: EngineProject,
  summary: string | undefined,
): Promise<{ summary: string | undefined; verification: VerificationEvent | undefined } | { ended: TurnOutcome }> {
  const { store, verify, fixupTurns = 2, transition, record, halted } = deps;
  for (let fixups = 0; ; fixups++) {
    transition(task.id, 'verifying');
    const halt = halted(task.id);
    if (halt) return { ended: halt };
    const command = verifyCommandFor(task, project);
    record(task.id, { type: 'verification_started', ...(command && { command }) });
    const verification = await verify(store.require(task.id), project, verifyRunId(task.id));
    if (verification) record(task.id, verification);
    if (!verification || verification.ok) return { summary, verification };
    if (fixups >= fixupTurns) {
      const failing = verification.failing.length > 0 ? `: ${verification.failing.slice(0, 5).join(', ')}` : '';
      return {
        ended: {
          state: 'failed',
          error: `the tests still fail after ${fixups} fix-up turn(s) (\`${verification.command}\`${failing})`,
          ...(summary && { summary }),
        },
      };
    }
    const fix = await deps.fixup(store.require(task.id), fixupPrompt(verification));
    if (fix.state !== 'finished') return { ended: fix };
    summary = fix.summary ?? summary;
  }
}

/**
 * Tests the turn's work, gives the agent fix-up turns on failure, then publishes the draft PR.
 * A secret in the diff blocks the push: the agent gets one turn to remove it (then the tests run
 * again), and a second find fails the task. Nothing with a found secret is ever pushed.
 */
export async function verifyAndPublish(deps: VerifyAndPublishDeps, task: TaskRecord, project: EngineProject, turn: TurnOutcome): Promise<TurnOutcome> {
  const { store, clock, verify, publish, record, halted } = deps;
  if (!verify) return turn;
  let summary = turn.summary;
  const gate: GateState = { fixups: 0, fixed: 0 };
  for (let secretFixups = 0; ;) {
    const verified = await verifyWithFixups({ ...deps, verify }, task, project, summary);
    if ('ended' in verified) return verified.ended;
    summary = verified.summary;
    let review: ReviewedEvent | undefined;
    if (deps.review) {
      const halt = halted(task.id);
      if (halt) return halt;
      const step = await reviewGate({ ...deps, review: deps.review }, task, project, gate);
      if ('ended' in step) return step.ended;
      if ('again' in step) {
        summary = step.again ?? summary;
        continue;
      }
      review = step.publish;
    }
    if (!publish) return summary === undefined ? { state: 'finished' } : { state: 'finished', summary };
    const halt = halted(task.id);
    if (halt) return halt;
    let published: Awaited<ReturnType<Publish>>;
    try {
      published = await publish(deps.transition(task.id, 'publishing'), project, summary, verified.verification, review);
    } catch (error) {
      if (!(error instanceof SecretsFoundError)) throw error;
      const fixup = secretFixups++ < 1;
      record(task.id, { type: 'push_blocked', findings: error.findings, fixup });
      if (!fixup)
        return {
          state: 'failed',
          error: `a secret is still in the diff after a fix-up turn, so nothing was pushed:\n${describeFindings(error.findings)}`,
          ...(summary && { summary }),
        };
      const fix = await deps.fixup(store.require(task.id), secretFixupPrompt(error.findings));
      if (fix.state !== 'finished') return fix;
      summary = fix.summary ?? summary;
      continue;
    }
    if (published === 'nothing') return { state: 'finished', error: 'the agent changed nothing, so there is nothing to publish', ...(summary && { summary }) };
    store.setPull(task.id, published.prNumber, published.prUrl, clock.now());
    record(task.id, { type: 'published', ...published });
    return { state: 'awaiting_review', ...(summary && { summary }) };
  }
}
