import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import type { TaskState } from '../../shared/task-states.ts';
import { killRun } from '../process/kill.ts';
import { verifyRunId } from './ids.ts';
import type { StateDetails, TaskRecord, TaskStore } from './store.ts';

export interface RecoveryDeps {
  store: TaskStore;
  clock: Clock;
  log: Logger;
  /** Between SIGTERM and SIGKILL. */
  graceMs: number;
  /** Sets the task's state, tells the listeners, returns the fresh record. */
  transition: (taskId: string, state: TaskState, details?: StateDetails) => TaskRecord;
}

/** After a crash: ends the agent and test processes a task left behind and marks it interrupted. */
export async function recoverTasks({ store, clock, log, graceMs, transition }: RecoveryDeps): Promise<TaskRecord[]> {
  const interrupted: TaskRecord[] = [];
  for (const task of store.inStates(['preparing', 'running', 'verifying', 'publishing'])) {
    for (const runId of [task.run_id, verifyRunId(task.id)]) {
      if (!runId) continue;
      const left = await killRun(runId, graceMs, clock);
      if (left.length > 0) log.error({ task: task.id, pids: left }, 'leftover agent processes would not die');
    }
    interrupted.push(transition(task.id, 'interrupted', { error: 'the runner stopped while this task was running' }));
  }
  return interrupted;
}
