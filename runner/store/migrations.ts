import type { Migration } from '../../shared/db/open.ts';
import { linkTablesSql } from '../../shared/link/store.ts';

/** The runner's schema, in order. Append only: a released migration never changes. */
export const runnerMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'runner link and state',
    sql: `
      ${linkTablesSql}
      CREATE TABLE runner_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'tasks, follow-ups and the event log',
    sql: `
      CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,
        project TEXT NOT NULL,
        agent TEXT NOT NULL,
        title TEXT NOT NULL,
        input TEXT NOT NULL,
        state TEXT NOT NULL,
        branch TEXT,
        worktree TEXT,
        session_id TEXT,
        run_id TEXT,
        runs INTEGER NOT NULL DEFAULT 0,
        summary TEXT,
        error TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX tasks_state ON tasks (state, seq);

      CREATE TABLE task_followups (
        id INTEGER PRIMARY KEY,
        task_id TEXT NOT NULL REFERENCES tasks (id),
        text TEXT NOT NULL,
        author TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        picked_at INTEGER
      );
      CREATE INDEX task_followups_pending ON task_followups (task_id, id) WHERE picked_at IS NULL;

      CREATE TABLE task_events (
        id INTEGER PRIMARY KEY,
        task_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        event TEXT NOT NULL
      );
      CREATE INDEX task_events_task ON task_events (task_id, id);
    `,
  },
  {
    version: 3,
    name: 'pull requests of tasks',
    sql: `
      ALTER TABLE tasks ADD COLUMN pr_number INTEGER;
      ALTER TABLE tasks ADD COLUMN pr_url TEXT;
    `,
  },
  {
    version: 4,
    name: 'follow-up ids from the bot',
    sql: `ALTER TABLE task_followups ADD COLUMN external_id TEXT;`,
  },
  {
    version: 5,
    name: 'per-task verification command',
    sql: `ALTER TABLE tasks ADD COLUMN verify_command TEXT;`,
  },
  {
    version: 6,
    name: 'folded task context, project memory in prompts, event retention',
    sql: `
      CREATE TABLE task_context (
        task_id TEXT PRIMARY KEY REFERENCES tasks (id),
        state TEXT NOT NULL,
        summary TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      ALTER TABLE tasks ADD COLUMN memory TEXT;
      ALTER TABLE tasks ADD COLUMN events_pruned_at INTEGER;
    `,
  },
  {
    version: 7,
    // Shell text a bot sent is never run again, so none is kept.
    name: 'verification chosen by name among the runner’s own commands',
    sql: `
      ALTER TABLE tasks ADD COLUMN verify TEXT;
      ALTER TABLE tasks DROP COLUMN verify_command;
    `,
  },
  {
    version: 8,
    name: 'evidence gates: review and PR feedback settings per task, the PR watcher’s ETags, seen feedback and rounds',
    sql: `
      ALTER TABLE tasks ADD COLUMN review TEXT;
      ALTER TABLE tasks ADD COLUMN feedback TEXT;
      ALTER TABLE task_followups ADD COLUMN kind TEXT;
      CREATE TABLE pr_watch_etags (
        task_id TEXT NOT NULL REFERENCES tasks (id),
        url TEXT NOT NULL,
        etag TEXT NOT NULL,
        PRIMARY KEY (task_id, url)
      );
      CREATE TABLE pr_feedback_items (
        task_id TEXT NOT NULL REFERENCES tasks (id),
        kind TEXT NOT NULL,
        item_id TEXT NOT NULL,
        head_sha TEXT NOT NULL,
        status TEXT NOT NULL,
        author TEXT NOT NULL,
        payload TEXT NOT NULL,
        round INTEGER,
        seen_at INTEGER NOT NULL,
        PRIMARY KEY (task_id, kind, item_id, head_sha)
      );
      CREATE TABLE pr_feedback_rounds (
        task_id TEXT NOT NULL REFERENCES tasks (id),
        round INTEGER NOT NULL,
        state TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        PRIMARY KEY (task_id, round)
      );
    `,
  },
];
