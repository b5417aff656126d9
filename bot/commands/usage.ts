/** One command a person can type after `/director`. */
export interface CommandHelp {
  name: string;
  /** Arguments as typed, e.g. `fix top <n> issues`. */
  usage: string;
  summary: string;
}

/** Every command the bot understands, in the order the usage lists them. */
export const commands: readonly CommandHelp[] = [
  { name: 'connect', usage: 'connect', summary: 'pair a runner on your machine (shows you a one-time code)' },
  { name: 'runners', usage: 'runners', summary: 'list runners: online, last seen, running/capacity' },
  { name: 'runners revoke', usage: 'runners revoke <name>', summary: 'revoke a runner: disconnect it and refuse its token' },
  { name: 'help', usage: 'help', summary: 'show this message' },
];

/** The usage, as mrkdwn for Slack. */
export function usageText(slashCommand = '/director'): string {
  const lines = commands.map((c) => `• \`${slashCommand} ${c.usage}\` — ${c.summary}`);
  return [`*Director* runs coding agents for this channel. Usage:`, ...lines].join('\n');
}
