import { escapeMrkdwn } from '../slack/mrkdwn.ts';
import type { ParsedCommand } from './parse.ts';
import { usageText } from './usage.ts';

/** The text answering a parsed command (ephemeral for slash commands, a thread reply for mentions). */
export function replyFor(command: ParsedCommand, slashCommand = '/director'): string {
  switch (command.kind) {
    case 'help':
      return usageText(slashCommand);
    case 'unknown': {
      const shown = escapeMrkdwn(command.input.length > 60 ? `${command.input.slice(0, 60)}…` : command.input);
      const hint = command.suggestion ? ` Did you mean \`${slashCommand} ${command.suggestion}\`?` : '';
      return `I don't know the command \`${shown}\`.${hint}\n\n${usageText(slashCommand)}`;
    }
  }
}
