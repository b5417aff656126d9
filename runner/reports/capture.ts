// Director's own events in PostHog (POSTHOG_CAPTURE=1): ids, agents and durations only; never task text or secrets.
import type { Logger } from '../../shared/log.ts';
import type { TaskRecord } from '../tasks/store.ts';

/** The part of posthog-node's client Director uses (one honest implementation: `new PostHog(…)`). */
export interface CaptureClient {
  capture(message: { distinctId: string; event: string; properties?: Record<string, string | number | boolean>; timestamp?: Date }): void;
  shutdown(timeoutMs?: number): Promise<void>;
}

export interface DirectorCaptureOptions {
  client: CaptureClient;
  /** Who the events are from: the runner's name. */
  runner: string;
  now: () => number;
  log: Logger;
}

/**
 * Turns task changes into `director_task_started` and `director_pr_opened`, and a merge into
 * `director_pr_merged`. Capturing only queues (posthog-node sends in the background), and a
 * failure is logged, so it never holds up or fails a task.
 */
export class DirectorCapture {
  private readonly started = new Set<string>();
  private readonly opened = new Set<string>();

  constructor(private readonly options: DirectorCaptureOptions) {}

  /** The engine's onChange: one event per task start and per PR. */
  taskChanged(task: Pick<TaskRecord, 'id' | 'project' | 'agent' | 'state' | 'pr_url' | 'created_at'>): void {
    const base = { task_id: task.id, agent: task.agent, project: task.project };
    if (task.state === 'running' && !this.started.has(task.id)) {
      this.started.add(task.id);
      this.send('director_task_started', { ...base, waited_ms: Math.max(0, this.options.now() - task.created_at) });
    }
    if (task.pr_url && !this.opened.has(task.id)) {
      this.opened.add(task.id);
      this.send('director_pr_opened', { ...base, duration_ms: Math.max(0, this.options.now() - task.created_at) });
    }
  }

  /** A task's PR was merged (`openedAt`: when its task was created, ms). */
  prMerged(taskId: string, createdAt: number): void {
    this.send('director_pr_merged', { task_id: taskId, duration_ms: Math.max(0, this.options.now() - createdAt) });
  }

  private send(event: string, properties: Record<string, string | number | boolean>): void {
    try {
      this.options.client.capture({
        distinctId: `director-runner:${this.options.runner}`,
        event,
        properties: { ...properties, $process_person_profile: false },
      });
    } catch (error) {
      this.options.log.warn({ err: error, event }, 'capturing a Director event failed');
    }
  }

  /** Sends what is queued (at shutdown), waiting at most `timeoutMs`. */
  async flush(timeoutMs = 5000): Promise<void> {
    try {
      await this.options.client.shutdown(timeoutMs);
    } catch (error) {
      this.options.log.warn({ err: error }, 'flushing Director events to PostHog failed');
    }
  }
}
