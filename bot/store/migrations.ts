import type { Migration } from '../../shared/db/open.ts';
import { linkTablesSql } from '../../shared/link/store.ts';

/** The bot's schema, in order. Append only: a released migration never changes. */
export const botMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'slack deliveries and outbox messages',
    sql: `
      CREATE TABLE slack_deliveries (
        delivery_id TEXT PRIMARY KEY,
        received_at INTEGER NOT NULL
      );
      CREATE INDEX slack_deliveries_received ON slack_deliveries (received_at);

      CREATE TABLE slack_messages (
        key TEXT PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,
        channel TEXT NOT NULL,
        thread_key TEXT,
        thread_ts TEXT,
        body TEXT NOT NULL,
        version INTEGER NOT NULL,
        ts TEXT,
        shown_version INTEGER NOT NULL DEFAULT 0,
        attempt_version INTEGER,
        attempted_at INTEGER,
        failed TEXT,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX slack_messages_pending ON slack_messages (channel, seq) WHERE ts IS NULL AND failed IS NULL;
    `,
  },
  {
    version: 2,
    name: 'runners, pairing codes and the runner link',
    sql: `
      CREATE TABLE runners (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        revoked_at INTEGER,
        last_seen INTEGER,
        capacity INTEGER NOT NULL DEFAULT 0,
        running INTEGER NOT NULL DEFAULT 0,
        agents TEXT NOT NULL DEFAULT '[]',
        version TEXT
      );
      CREATE UNIQUE INDEX runners_active_name ON runners (name) WHERE revoked_at IS NULL;

      CREATE TABLE pairing_codes (
        code_hash TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
      );
      ${linkTablesSql}
    `,
  },
  {
    version: 3,
    name: 'channel directors, tasks, batches and follow-ups',
    sql: `
      CREATE TABLE channels (
        channel TEXT PRIMARY KEY,
        repo TEXT NOT NULL,
        project TEXT NOT NULL,
        runner TEXT,
        agent TEXT,
        maintainers TEXT NOT NULL DEFAULT '[]',
        steer TEXT NOT NULL DEFAULT 'members',
        concurrency INTEGER,
        verify TEXT,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        runner_id TEXT NOT NULL,
        issue_number INTEGER,
        title TEXT NOT NULL,
        url TEXT,
        agent TEXT,
        state TEXT NOT NULL,
        starter TEXT NOT NULL,
        batch_id TEXT,
        pr_url TEXT,
        milestone TEXT,
        start_frame TEXT,
        started_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX tasks_channel ON tasks (channel, created_at);
      CREATE TABLE batches (
        id TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        title TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE followups (
        id TEXT PRIMARY KEY,
        task_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        message_ts TEXT NOT NULL,
        picked INTEGER NOT NULL DEFAULT 0
      );
    `,
  },
  {
    version: 4,
    name: 'project memory of each channel',
    sql: `
      CREATE TABLE channel_memory (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL,
        task_id TEXT UNIQUE,
        text TEXT NOT NULL,
        author TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX channel_memory_channel ON channel_memory (channel, id);
    `,
  },
  {
    version: 5,
    name: 'owners of runners, bindings by runner id, binding requests, the audit log',
    sql: `
      ALTER TABLE runners ADD COLUMN owner_team TEXT;
      -- Names are unique per owner now: two people may each have a "laptop".
      DROP INDEX runners_active_name;
      CREATE UNIQUE INDEX runners_active_owner_name ON runners (created_by, name) WHERE revoked_at IS NULL AND created_by != '';
      -- A runner paired without a person (director local) is claimed with a one-time code.
      ALTER TABLE runners ADD COLUMN claim_hash TEXT;
      ALTER TABLE pairing_codes ADD COLUMN team TEXT;
      ALTER TABLE channels ADD COLUMN runner_id TEXT;
      ALTER TABLE channels ADD COLUMN team TEXT;
      UPDATE channels SET runner_id = (SELECT id FROM runners WHERE runners.name = channels.runner AND runners.revoked_at IS NULL) WHERE runner IS NOT NULL;
      CREATE TABLE binding_requests (
        id TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        team TEXT NOT NULL,
        runner_id TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        settings TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        decided_at INTEGER,
        decision TEXT,
        decided_by TEXT
      );
      CREATE INDEX binding_requests_open ON binding_requests (channel, runner_id) WHERE decided_at IS NULL;
      CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        channel TEXT,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        text TEXT NOT NULL
      );
      CREATE INDEX audit_channel ON audit (channel, id);
    `,
  },
  {
    version: 6,
    name: 'a channel names a verification command; it never holds a command line',
    sql: `
      -- Shell text from before named verification commands would be refused by every runner: the project's default applies.
      UPDATE channels SET verify = NULL WHERE verify GLOB '*[^a-z0-9_-]*' OR verify GLOB '[_-]*' OR length(verify) > 32;
    `,
  },
  {
    version: 7,
    name: 'what each runner said of its sandbox',
    sql: `ALTER TABLE runners ADD COLUMN sandbox TEXT;`,
  },
  {
    version: 8,
    name: 'schedules and the slots they fired',
    sql: `
      CREATE TABLE schedules (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        channel TEXT NOT NULL,
        cron TEXT NOT NULL,
        tz TEXT NOT NULL,
        label TEXT NOT NULL,
        paused INTEGER NOT NULL DEFAULT 0,
        next_at INTEGER,
        last_slot INTEGER,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX schedules_due ON schedules (next_at) WHERE paused = 0;
      CREATE TABLE schedule_fires (
        schedule_id TEXT NOT NULL,
        slot INTEGER NOT NULL,
        fired_at INTEGER NOT NULL,
        PRIMARY KEY (schedule_id, slot)
      );
    `,
  },
  {
    version: 9,
    name: 'short task handles per channel, the last activity and the plan on the card; the projects a runner has',
    sql: `
      ALTER TABLE tasks ADD COLUMN handle INTEGER;
      ALTER TABLE tasks ADD COLUMN last_activity_at INTEGER;
      ALTER TABLE tasks ADD COLUMN plan TEXT;
      ALTER TABLE runners ADD COLUMN projects TEXT;
      ALTER TABLE tasks ADD COLUMN tokens_in INTEGER;
      ALTER TABLE tasks ADD COLUMN tokens_out INTEGER;
      UPDATE tasks SET handle = (
        SELECT COUNT(*) FROM tasks AS earlier
        WHERE earlier.channel = tasks.channel AND (earlier.created_at < tasks.created_at OR (earlier.created_at = tasks.created_at AND earlier.rowid <= tasks.rowid))
      );
      CREATE UNIQUE INDEX tasks_handle ON tasks (channel, handle);
    `,
  },
  {
    version: 10,
    name: 'what each runner said of its last doctor check',
    sql: `ALTER TABLE runners ADD COLUMN doctor TEXT;`,
  },
  {
    version: 11,
    name: 'merges from Slack: who may merge, how, the PR each card shows and each merge asked',
    sql: `
      ALTER TABLE channels ADD COLUMN mergers TEXT;
      ALTER TABLE channels ADD COLUMN merge_method TEXT;
      CREATE TABLE task_prs (
        task_id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE task_merges (
        task_id TEXT PRIMARY KEY,
        request_id TEXT NOT NULL,
        state TEXT NOT NULL,
        sha TEXT NOT NULL,
        by_user TEXT NOT NULL,
        merge_sha TEXT,
        reason TEXT,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 12,
    name: 'evidence gates: the channel’s reviewer and what happens to PR feedback',
    sql: `
      ALTER TABLE channels ADD COLUMN review TEXT;
      ALTER TABLE channels ADD COLUMN feedback TEXT;
    `,
  },
  {
    version: 13,
    name: 'automations (scheduled commands) and the Sentry issue of a task',
    sql: `
      ALTER TABLE tasks ADD COLUMN sentry_issue TEXT;
      CREATE TABLE automations (
        schedule_id TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        team TEXT NOT NULL,
        command TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_run_at INTEGER,
        last_outcome TEXT,
        last_detail TEXT,
        last_batch TEXT,
        failures INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE automation_runs (
        id INTEGER PRIMARY KEY,
        schedule_id TEXT NOT NULL,
        slot INTEGER NOT NULL,
        at INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT NOT NULL
      );
      CREATE INDEX automation_runs_schedule ON automation_runs (schedule_id, id);
    `,
  },
  {
    version: 14,
    name: 'PostHog reports: tracked features, weekly report settings, report runs, when PRs opened',
    sql: `
      CREATE TABLE report_features (
        channel TEXT NOT NULL,
        name TEXT NOT NULL COLLATE NOCASE,
        events TEXT NOT NULL,
        flag TEXT,
        goal INTEGER,
        since INTEGER,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (channel, name)
      );
      CREATE TABLE report_settings (
        channel TEXT PRIMARY KEY,
        schedule_id TEXT,
        cron TEXT NOT NULL,
        tz TEXT NOT NULL,
        label TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE report_runs (
        id TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        message_key TEXT NOT NULL,
        as_of INTEGER NOT NULL,
        runner_id TEXT NOT NULL,
        requested_by TEXT,
        state TEXT NOT NULL,
        result TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX report_runs_channel ON report_runs (channel, created_at);
      CREATE TABLE report_prs (
        task_id TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        opened_at INTEGER NOT NULL,
        merged_at INTEGER
      );
    `,
  },
];
