/** One command a person can type after `/director`. */
export interface CommandHelp {
  name: string;
  /** Arguments as typed, e.g. `fix top <n> issues`. */
  usage: string;
  summary: string;
}

/** Every command the bot understands, in the order the usage lists them. */
export const commands: readonly CommandHelp[] = [
  {
    name: 'init',
    usage:
      'init owner/repo [--runner name] [--owner @person] [--maintainers @a,@b] [--steer members|maintainers] [--concurrency n] [--verify name] [--review codex|claude|agent|off] [--feedback auto|ask|off]',
    summary: 'bind this channel to a repository and a runner (someone else’s runner asks its owner), or change its settings (maintainers)',
  },
  { name: 'fix', usage: 'fix top <n> issues [label:x] [by:newest|comments|reactions] [agent:codex|claude]', summary: 'start one task per issue' },
  { name: 'fix #', usage: 'fix #12 #15', summary: 'start tasks for these issues' },
  {
    name: 'fix sentry',
    usage: 'fix sentry errors [users>N] [events>N] [since:24h] [top:N] [level:error]',
    summary: 'start one task per Sentry issue over the thresholds in the window (the runner reads Sentry)',
  },
  {
    name: 'every',
    usage: 'every <when> <command>',
    summary: 'run a task command on a schedule, e.g. `every day 09:00 fix sentry errors users>20` (maintainers)',
  },
  {
    name: 'automations',
    usage: 'automations [pause|resume|delete|run <id>]',
    summary: 'this channel’s automations: next runs, last result; pause, resume, delete or run one now (maintainers)',
  },
  { name: 'do', usage: 'do <request>', summary: 'start one task from a request ("fix the login page crash" or "add a --version flag" works too)' },
  {
    name: 'status',
    usage: 'status [task]',
    summary: 'all tasks of this channel, or where one task stands (from its summary; `status?` in its thread does the same)',
  },
  { name: 'stop', usage: 'stop <task>|all', summary: 'stop a task, or every task of this channel (maintainers)' },
  { name: 'retry', usage: 'retry <task>', summary: 'run a failed, stopped or interrupted task again, in its worktree' },
  { name: 'close', usage: 'close <task>', summary: 'remove a finished, failed or stopped task’s worktree and local branch on its runner' },
  { name: 'restart', usage: 'restart <task>', summary: 'end the agent’s session and start a fresh one from the task’s summary, in the same worktree' },
  { name: 'memory', usage: 'memory', summary: 'what this channel’s project memory holds (new tasks get the relevant part)' },
  { name: 'remember', usage: 'remember <fact>', summary: 'add a fact to the project memory' },
  { name: 'forget', usage: 'forget <n>', summary: 'remove entry n from the project memory' },
  {
    name: 'feature',
    usage: 'feature track "<name>" event:<event> [flag:<key>] [goal:<n> users/week] [since:<date>]',
    summary: 'track a feature in PostHog for the weekly report; `feature drop <name>` stops (maintainers)',
  },
  { name: 'features', usage: 'features', summary: 'the features this channel tracks, and when its report runs' },
  {
    name: 'report',
    usage: 'report now|off|weekly [mon 09:00] [tz:Europe/Berlin]',
    summary: 'the PostHog feature report: now, every week, or no more (maintainers)',
  },
  { name: 'connect', usage: 'connect', summary: 'pair a runner on your machine (shows you a one-time code)' },
  { name: 'runners', usage: 'runners', summary: 'this channel’s runner and yours: online, last seen, running/capacity' },
  { name: 'runners revoke', usage: 'runners revoke <name>', summary: 'revoke your runner: disconnect it, refuse its token, unbind its channels' },
  { name: 'claim', usage: 'claim <code>', summary: 'take ownership of the runner `director local` started (it printed the code)' },
  { name: 'audit', usage: 'audit', summary: 'the last changes of this channel’s binding and settings' },
  { name: 'help', usage: 'help', summary: 'show this message' },
];

/** The usage, as mrkdwn for Slack. */
export function usageText(slashCommand = '/director'): string {
  const lines = commands.map((c) => `• \`${slashCommand} ${c.usage}\` — ${c.summary}`);
  return [`*Director* runs coding agents for this channel. Usage:`, ...lines].join('\n');
}
