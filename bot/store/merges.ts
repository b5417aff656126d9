import { z } from 'zod';
import type { Db } from '../../shared/db/open.ts';
import { parseRow } from '../../shared/db/rows.ts';
import { prStateFrame, type PrState } from '../../shared/protocol.ts';

/** Where a merge asked in Slack stands: asked (sent), waiting (merge when green), or how it ended. */
export const mergeStateSchema = z.enum(['asked', 'waiting', 'merged', 'moved', 'refused', 'gave_up']);
export type MergeState = z.infer<typeof mergeStateSchema>;

const mergeRow = z.object({
  task_id: z.string(),
  request_id: z.string(),
  state: mergeStateSchema,
  /** The head the click was pinned to. */
  sha: z.string(),
  by_user: z.string(),
  merge_sha: z.string().nullable(),
  reason: z.string().nullable(),
  updated_at: z.number(),
});
/** The latest merge asked for a task. */
export type TaskMerge = z.output<typeof mergeRow>;

const prRow = z.object({ state: z.string().transform((s) => prStateFrame.parse(JSON.parse(s))) });

/** A merge in flight or done holds the task: a second click is told who has it. */
const HOLDING: ReadonlySet<MergeState> = new Set(['asked', 'waiting', 'merged']);

/** Each task's PR as its runner last described it, and the merge asked for it. */
export class MergeStore {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      setPr: db.prepare(
        'INSERT INTO task_prs (task_id, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (task_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
      ),
      pr: db.prepare('SELECT state FROM task_prs WHERE task_id = ?'),
      merge: db.prepare('SELECT * FROM task_merges WHERE task_id = ?'),
      claim: db.prepare(
        `INSERT INTO task_merges (task_id, request_id, state, sha, by_user, updated_at) VALUES (@task_id, @request_id, 'asked', @sha, @by_user, @now)
         ON CONFLICT (task_id) DO UPDATE SET request_id = excluded.request_id, state = 'asked', sha = excluded.sha, by_user = excluded.by_user,
           merge_sha = NULL, reason = NULL, updated_at = excluded.updated_at`,
      ),
      settle: db.prepare(
        'UPDATE task_merges SET state = @state, merge_sha = COALESCE(@merge_sha, merge_sha), reason = @reason, updated_at = @now WHERE task_id = @task_id AND request_id = @request_id',
      ),
    };
  }

  setPr(state: PrState, now: number): void {
    this.s.setPr.run(state.taskId, JSON.stringify(state), now);
  }

  pr(taskId: string): PrState | undefined {
    return parseRow(prRow, this.s.pr.get(taskId))?.state;
  }

  merge(taskId: string): TaskMerge | undefined {
    return parseRow(mergeRow, this.s.merge.get(taskId));
  }

  /** Claims the task's merge for this click; the holder when another click has it (atomic: one of two clicks wins). */
  claim(input: { task_id: string; request_id: string; sha: string; by_user: string }, now: number): { ok: true } | { ok: false; holder: TaskMerge } {
    return this.db.transaction(() => {
      const current = this.merge(input.task_id);
      if (current && HOLDING.has(current.state)) return { ok: false as const, holder: current };
      this.s.claim.run({ ...input, now });
      return { ok: true as const };
    })();
  }

  /** Records what the runner said of a request; false when the task has moved on to another request. */
  settle(taskId: string, requestId: string, state: MergeState, now: number, extra: { merge_sha?: string; reason?: string } = {}): boolean {
    return (
      this.s.settle.run({ task_id: taskId, request_id: requestId, state, merge_sha: extra.merge_sha ?? null, reason: extra.reason ?? null, now }).changes === 1
    );
  }
}
