import { join } from 'node:path';
import type { RunnerCliIo } from '../cli.ts';
import { parseRunnerConfig } from '../config.ts';
import { runnerDatabase } from '../store/database.ts';
import { closeTask } from '../tasks/close.ts';
import { engineProject } from '../tasks/project.ts';
import { TaskStore } from '../tasks/store.ts';
import { Worktrees } from '../worktrees.ts';

/** `director runner close <task>` */
export async function closeCommand(taskId: string, io: RunnerCliIo): Promise<number> {
  const config = parseRunnerConfig(await io.source());
  const db = runnerDatabase(config.home);
  try {
    const closed = await closeTask(
      {
        store: new TaskStore(db),
        worktrees: new Worktrees(join(config.home, 'worktrees')),
        projects: new Map(config.projects.map((p) => [p.name, engineProject(p)])),
        now: Date.now,
      },
      taskId,
    );
    io.out(`Closed task ${taskId}: removed ${closed.worktree}${closed.branch ? ` and the local branch ${closed.branch}` : ''}.`);
    return 0;
  } finally {
    db.close();
  }
}
