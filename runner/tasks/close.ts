import { DirectorError } from '../../shared/errors.ts';
import type { TaskState } from '../../shared/task-states.ts';
import type { Worktrees } from '../worktrees.ts';
import type { EngineProject } from './project.ts';
import type { TaskStore } from './store.ts';

/** States whose worktree may go: nothing runs, and no pull request waits for a steer that would need it. */
const CLOSABLE = { failed: true, cancelled: true, interrupted: true, finished: true } satisfies Partial<Record<TaskState, true>>;
const closable = (state: TaskState): boolean => Object.hasOwn(CLOSABLE, state);

/**
 * Removes a settled task's worktree and local branch (the pushed branch and its pull request stay).
 * Resolves with what was removed; refuses, saying why, a task that is running or awaiting review.
 */
export async function closeTask(
  deps: { store: TaskStore; worktrees: Worktrees; projects: ReadonlyMap<string, EngineProject>; now: () => number },
  taskId: string,
): Promise<{ worktree: string; branch: string | null }> {
  const task = deps.store.get(taskId);
  if (!task) throw new DirectorError('task_not_closable', `this runner has no task "${taskId}" (director runner status lists them)`);
  if (!closable(task.state))
    throw new DirectorError(
      'task_not_closable',
      `task ${taskId} is ${task.state.replace('_', ' ')}: stop it first${task.state === 'awaiting_review' ? ', or merge or close its pull request' : ''}, then close it`,
    );
  if (!task.worktree) throw new DirectorError('task_not_closable', `task ${taskId} has no worktree left: it is closed already`);
  const project = deps.projects.get(task.project);
  if (!project)
    throw new DirectorError(
      'task_not_closable',
      `task ${taskId} belongs to project "${task.project}", which is no longer in PROJECTS: add it back to close the task`,
    );
  await deps.worktrees.remove(project, { path: task.worktree, branch: task.branch ?? '' });
  deps.store.clearWorktree(taskId, deps.now());
  return { worktree: task.worktree, branch: task.branch };
}
