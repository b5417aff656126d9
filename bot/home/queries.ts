import { z } from 'zod';
import type { Db } from '../../shared/db/open.ts';
import { parseRows } from '../../shared/db/rows.ts';
import type { BindingRequest, BindingStore, ChannelBinding } from '../store/bindings.ts';
import type { BotTask, DirectorStore } from '../store/directors.ts';

const ids = z.object({ id: z.string() });

/** What one person's App Home shows, read across channels (each row parsed by its own store). */
export class HomeQueries {
  private readonly s;

  constructor(
    db: Db,
    private readonly stores: { tasks: DirectorStore; bindings: BindingStore },
  ) {
    this.s = {
      tasks: db.prepare('SELECT id FROM tasks WHERE starter = ? ORDER BY created_at DESC, rowid DESC LIMIT ?'),
      requests: db.prepare('SELECT id FROM binding_requests WHERE decided_at IS NULL AND runner_id IN (SELECT value FROM json_each(?)) ORDER BY created_at'),
      // A cheap filter on the JSON list; each candidate is checked against its parsed maintainers.
      maintained: db.prepare("SELECT channel AS id FROM channels WHERE maintainers LIKE '%' || ? || '%' ORDER BY channel"),
    };
  }

  /** The tasks this person started, newest first, in every channel. */
  tasksStartedBy(user: string, limit = 15): BotTask[] {
    return parseRows(ids, this.s.tasks.all(user, limit)).flatMap(({ id }) => this.stores.tasks.task(id) ?? []);
  }

  /** Binding requests waiting for an answer about these runners. */
  openRequestsFor(runnerIds: readonly string[]): BindingRequest[] {
    if (runnerIds.length === 0) return [];
    return parseRows(ids, this.s.requests.all(JSON.stringify(runnerIds))).flatMap(({ id }) => this.stores.bindings.requestById(id) ?? []);
  }

  /** Channels this person maintains. */
  channelsMaintainedBy(user: string): ChannelBinding[] {
    return parseRows(ids, this.s.maintained.all(JSON.stringify(user)))
      .flatMap(({ id }) => this.stores.bindings.binding(id) ?? [])
      .filter((binding) => binding.maintainers.includes(user));
  }
}
