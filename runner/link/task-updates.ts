import type { Clock } from '../../shared/clock.ts';
import type { RunnerEndpoint } from '../../shared/link/sides.ts';
import type { Redactor } from '../../shared/redact.ts';
import { milestoneFor } from '../tasks/milestones.ts';
import type { TaskRecord } from '../tasks/store.ts';
import type { TaskEvent } from '../tasks/task-events.ts';
import { ThreadBudget } from './thread-budget.ts';
import { TokenUsage } from './token-usage.ts';

/** Progress lines go to the bot at most this often per task; state changes and posts always do. */
const PROGRESS_EVERY_MS = 2000;

/**
 * Turns the engine's changes into frames for the bot: task.update for state changes and
 * milestones (progress rate-limited; a finished task's carries its digest for the channel's
 * memory), and runner.status when the number of running tasks changes.
 */
export function taskUpdates({
  endpoint,
  clock,
  capacity,
  running,
  digest,
  redact,
}: {
  endpoint: RunnerEndpoint;
  clock: Clock;
  capacity: number;
  running: () => number;
  digest?: (taskId: string) => string;
  redact?: Redactor;
}) {
  const lastProgress = new Map<string, number>();
  const lastState = new Map<string, string>();
  const lastPlan = new Map<string, string>();
  let lastRunning = -1;
  const budget = new ThreadBudget();
  const tokens = new TokenUsage();
  return (task: TaskRecord, event?: TaskEvent): void => {
    tokens.see(task, event);
    let milestone = budget.shape(task, milestoneFor(task, event, redact));
    // A plan is posted when its steps change, not each time one is ticked off.
    if (milestone?.kind === 'plan' && event?.type === 'plan') {
      const steps = event.steps.map((step) => step.text).join('\n');
      if (lastPlan.get(task.id) === steps) milestone = { ...milestone, post: false };
      lastPlan.set(task.id, steps);
    }
    const stateChanged = lastState.get(task.id) !== task.state;
    if (!stateChanged && !milestone) return;
    // Only card-only progress is thinned out: a progress worth a thread post (a blocked push) always goes.
    if (milestone?.kind === 'progress' && !milestone.post && !stateChanged) {
      const now = clock.now();
      if (now - (lastProgress.get(task.id) ?? 0) < PROGRESS_EVERY_MS) return;
      lastProgress.set(task.id, now);
    }
    lastState.set(task.id, task.state);
    const done = stateChanged && !event && (task.state === 'finished' || task.state === 'awaiting_review');
    endpoint.send({
      type: 'task.update',
      taskId: task.id,
      state: task.state,
      agent: task.agent,
      ...(milestone && { milestone }),
      ...(task.pr_url && { prUrl: task.pr_url }),
      ...(task.input.kind === 'issue' && { title: task.input.issue.title }),
      startedAt: task.created_at,
      ...(tokens.of(task.id) && { tokens: tokens.of(task.id) }),
      ...(done && digest && { digest: digest(task.id) }),
    });
    if (running() !== lastRunning) {
      lastRunning = running();
      endpoint.send({ type: 'runner.status', running: lastRunning, capacity });
    }
  };
}
