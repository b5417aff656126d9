import type { Logger } from '../../shared/log.ts';
import type { RunnerStore } from '../store/runners.ts';
import type { HomeQueries } from './queries.ts';
import { homeView, type HomeData } from './view.ts';

export interface AppHomeOptions {
  runners: RunnerStore;
  /** Whether a runner is connected now. */
  isOnline: (runnerId: string) => boolean;
  queries: HomeQueries;
  /** views.publish for one person. */
  publish: (user: string, view: ReturnType<typeof homeView>) => Promise<void>;
  now: () => number;
  log: Logger;
  /** Changes within this window are published once (default 3 s). */
  throttleMs?: number;
}

/**
 * Each person's Home tab: published when they open it, and again (at most once per window) when
 * something of theirs changes. Only people who opened it are kept up to date.
 */
export class AppHome {
  /** The workspace of each person who opened the Home tab, to read their runners. */
  private readonly viewers = new Map<string, string>();
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: AppHomeOptions) {}

  /** Builds and publishes one person's Home now. */
  async show(user: string, team: string): Promise<void> {
    this.viewers.set(user, team);
    await this.options.publish(user, homeView(this.data(user, team)));
  }

  /** Something of `user`'s changed: republish after the throttle window, once. */
  changed(user: string): void {
    const team = this.viewers.get(user);
    if (team === undefined || this.pending.has(user)) return;
    const timer = setTimeout(() => {
      this.pending.delete(user);
      this.show(user, team).catch((error: unknown) => this.options.log.warn({ err: error, user }, 'App Home not refreshed'));
    }, this.options.throttleMs ?? 3000);
    timer.unref();
    this.pending.set(user, timer);
  }

  /** The owner of a runner (its Home shows it). */
  runnerChanged(runnerId: string): void {
    const owner = this.options.runners.byId(runnerId)?.created_by;
    if (owner) this.changed(owner);
  }

  close(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private data(user: string, team: string): HomeData {
    const { runners, queries, isOnline, now } = this.options;
    const own = runners.ownedBy(user, team);
    const channels = queries.channelsMaintainedBy(user);
    const runnerNames = new Map<string, string>();
    for (const c of channels) {
      const name = c.runner_id ? runners.byId(c.runner_id)?.name : undefined;
      if (c.runner_id && name) runnerNames.set(c.runner_id, name);
    }
    const names = new Map(own.map((r) => [r.id, r.name]));
    return {
      runners: own.map((runner) => ({ runner, online: isOnline(runner.id) })),
      requests: queries.openRequestsFor(own.map((r) => r.id)).map((request) => ({ request, runnerName: names.get(request.runner_id) ?? 'your runner' })),
      tasks: queries.tasksStartedBy(user),
      channels,
      runnerNames,
      now: now(),
    };
  }
}
