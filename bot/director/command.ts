/** The commands people type, as the Director and the Slack handlers see them (parsed in `bot/commands/parse.ts`). */
import type { ReportCommand } from '../reports/command.ts';

/** What a person asked for, from the text after `/director` or after mentioning the bot. */
export type ParsedCommand =
  /** `help`, or nothing at all. */
  | { kind: 'help' }
  /** `connect`: pair a runner. */
  | { kind: 'connect' }
  /** `runners`: list them. */
  | { kind: 'runners' }
  /** `runners revoke <name>`. */
  | { kind: 'revoke-runner'; name: string }
  /**
   * `init owner/repo [--runner name] [--owner @person] [--project name] [--agent name] [--maintainers @a,@b]
   * [--steer members|maintainers] [--concurrency n] [--verify name]`: binds the channel, or changes its
   * settings; a setting left out keeps its current value.
   */
  | {
      kind: 'init';
      repo: string;
      runner?: string;
      /** Whose runner, when several people have one of that name (a user id). */
      owner?: string;
      project?: string;
      agent?: string;
      /** User ids. */
      maintainers?: string[];
      steer?: 'members' | 'maintainers';
      concurrency?: number;
      /** The name of one of the runner's verification commands for the project. */
      verify?: string;
      /** Who may approve merges (user ids), instead of the maintainers. */
      mergers?: string[];
      /** How PRs are merged. */
      merge?: 'squash' | 'merge' | 'rebase';
      /** Who reviews before the PR: an agent (name or kind) of the runner's, or `off`. */
      review?: string;
      /** What the runner does with feedback on the open PR. */
      feedback?: 'auto' | 'ask' | 'off';
    }
  /** `claim <code>`: take ownership of the runner `director local` started (it printed the code). */
  | { kind: 'claim'; code: string }
  /** `audit`: the channel's last binding, setting and runner changes. */
  | { kind: 'audit' }
  /** `fix top N issues [label:x] [by:newest|comments|reactions] [agent:x]`. */
  | {
      kind: 'fix-top';
      limit: number;
      order: 'newest' | 'comments' | 'reactions';
      label?: string;
      agent?: string;
      /** More than the most one batch takes: `limit` is capped, and the answer says so. */
      requested?: number;
    }
  /** `fix sentry errors [users>N] [events>N] [since:24h] [top:N] [level:error] [agent:x]`: thresholds within the window. */
  | {
      kind: 'fix-sentry';
      usersOver?: number;
      eventsOver?: number;
      /** Sentry's statsPeriod, e.g. `24h`. */
      since: string;
      top: number;
      level?: 'fatal' | 'error' | 'warning' | 'info' | 'debug';
      agent?: string;
    }
  /** `every <when> <command>`: a maintainer's automation; `text` is everything after `every`. */
  | { kind: 'every'; text: string }
  /** `automations` (list) or `automations pause|resume|delete|run <id>`. */
  | { kind: 'automations'; action: 'list' }
  | { kind: 'automations'; action: 'pause' | 'resume' | 'delete' | 'run'; id: string }
  /** `fix #12 #15`. */
  | { kind: 'fix-issues'; numbers: number[]; agent?: string }
  /** `do <free text>`: one task from a request. */
  | { kind: 'do'; text: string; agent?: string }
  /** `status`. */
  | { kind: 'status' }
  /** `status <task>`: where the task stands, from its summary. */
  | { kind: 'task-status'; task: string }
  /** `restart <task>`: a fresh agent session seeded with the task's summary. */
  | { kind: 'restart'; task: string }
  /** `memory`: the channel's project memory. */
  | { kind: 'memory' }
  /** `remember <fact>`. */
  | { kind: 'remember'; fact: string }
  /** `forget <n>`. */
  | { kind: 'forget'; n: number }
  /** `stop <task>` or `stop all`. */
  | { kind: 'stop'; task: string }
  /** `retry <task>`: run a failed, stopped or interrupted task again. */
  | { kind: 'retry'; task: string }
  /** `close <task>`: the runner removes a settled task's worktree and local branch. */
  | { kind: 'close'; task: string }
  /** `feature …`, `features`, `report …`: PostHog reports. */
  | ReportCommand
  /** A known command used wrongly; `problem` says how. */
  | { kind: 'invalid'; problem: string }
  /** Something the bot does not understand; `suggestion` is the closest known command. */
  | { kind: 'unknown'; input: string; suggestion?: string };

/** Who typed a command, and where. */
export interface CommandContext {
  channel: string;
  user: string;
  /** The person's workspace (Slack team id): a runner's owner is a person within one workspace. */
  team: string;
  /** The slash command as typed (`/director`), for help texts. */
  slashCommand: string;
}

/** The commands a channel's Director answers. */
export type DirectorCommand = Extract<
  ParsedCommand,
  {
    kind:
      'init' | 'fix-top' | 'fix-sentry' | 'fix-issues' | 'do' | 'status' | 'stop' | 'retry' | 'close' | 'restart' | 'memory' | 'remember' | 'forget' | 'audit';
  }
>;
