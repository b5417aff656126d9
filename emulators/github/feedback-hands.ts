// The test's hands for the review loop: who may write, check runs with annotations and logs, and
// the rate limit as the emulator counts it.
import type { ApiDeps } from './api-kit.ts';
import { feedbackData, type AnnotationInput, type Permission } from './feedback-data.ts';
import type { CoreLimit } from './rate-limit.ts';
import type { CheckRunInput } from './types.ts';

export type { AnnotationInput, Permission } from './feedback-data.ts';

/** Base of TestHands: the review loop's setup. */
export class FeedbackHands {
  constructor(protected readonly deps: ApiDeps) {}

  /** Sets a user's permission on a repository (default: owner admin, token owner write, others none). */
  setPermission(owner: string, repo: string, login: string, permission: Permission): void {
    const key = `${owner}/${repo}`.toLowerCase();
    const { permissions } = feedbackData(this.deps.store);
    const users = permissions.get(key) ?? new Map<string, Permission>();
    users.set(login.toLowerCase(), permission);
    permissions.set(key, users);
  }

  /** Adds one check run on a sha (beside those there), with annotations and a job log; returns its id. */
  addCheckRun(owner: string, repo: string, sha: string, run: CheckRunInput & { annotations?: AnnotationInput[]; log?: string }): number {
    const record = this.deps.store.mustRepo(owner, repo);
    const { annotations, log, ...input } = run;
    const now = this.deps.config.now();
    const id = this.deps.store.ids.take();
    record.checkRuns.set(sha, [
      ...(record.checkRuns.get(sha) ?? []),
      { ...input, id, headSha: sha, startedAt: now, completedAt: input.status === 'completed' ? now : null },
    ]);
    const data = feedbackData(this.deps.store);
    if (annotations) data.annotations.set(id, annotations);
    if (log !== undefined) data.logs.set(id, log);
    return id;
  }

  /** The core rate limit as the emulator has counted it (304s are not counted). */
  rateLimit(): CoreLimit {
    return this.deps.limiter.core();
  }
}
