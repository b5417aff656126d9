/**
 * The reviewer gate between passing tests and the PR: P0/P1 findings become a fix-up turn for the
 * task's agent (then the tests and the reviewer again), within the same bound as test fix-ups;
 * P2/P3 go into the PR body; a reviewer that could not review is said so, and publishing goes on.
 */
import type { TurnOutcome } from '../tasks/outcome.ts';
import type { EngineProject } from '../tasks/project.ts';
import type { TaskRecord, TaskStore } from '../tasks/store.ts';
import type { ReviewedEvent, TaskEvent } from '../tasks/task-events.ts';
import { blocking } from './findings.ts';
import { reviewFixupPrompt } from './prompt.ts';
import type { Review } from './reviewer.ts';

/** What the gate remembers across the task's verify-and-publish loop. */
export interface GateState {
  /** Fix-up turns given for findings so far. */
  fixups: number;
  /** Blocking findings handed to those turns. */
  fixed: number;
  /** The review the PR is published with, once there is one. */
  accepted?: ReviewedEvent;
}

export interface GateDeps {
  review: Review;
  store: TaskStore;
  /** The same bound as fix-up turns for failing tests (default 2). */
  fixupTurns?: number;
  record: (taskId: string, event: TaskEvent) => void;
  fixup: (task: TaskRecord, prompt: string) => Promise<TurnOutcome>;
}

/** Publish with this review (undefined: reviews are off), go round again after a fix-up turn, or end the task. */
export type GateStep = { publish: ReviewedEvent | undefined } | { again: string | undefined } | { ended: TurnOutcome };

export async function reviewGate(deps: GateDeps, task: TaskRecord, project: EngineProject, state: GateState): Promise<GateStep> {
  if (state.accepted) return { publish: state.accepted };
  const verdict = await deps.review(deps.store.require(task.id), project);
  if (!verdict) return { publish: undefined };
  if ('problem' in verdict)
    return { publish: accept(deps, task, state, { type: 'reviewed', reviewer: verdict.reviewer, fixed: state.fixed, noted: [], problem: verdict.problem }) };
  const blockers = verdict.findings.filter(blocking);
  if (blockers.length > 0 && state.fixups < (deps.fixupTurns ?? 2)) {
    state.fixups++;
    state.fixed += blockers.length;
    const fix = await deps.fixup(deps.store.require(task.id), reviewFixupPrompt(blockers));
    if (fix.state !== 'finished') return { ended: fix };
    return { again: fix.summary };
  }
  // Blocking findings still there when the bound is reached are noted for people, first.
  const noted = [...blockers, ...verdict.findings.filter((f) => !blocking(f))];
  return { publish: accept(deps, task, state, { type: 'reviewed', reviewer: verdict.reviewer, fixed: state.fixed, noted }) };
}

function accept(deps: GateDeps, task: TaskRecord, state: GateState, event: ReviewedEvent): ReviewedEvent {
  state.accepted = event;
  deps.record(task.id, event);
  return event;
}
