import { escapeMrkdwn, shorten } from '../../shared/text.ts';
import type { ParsedCommand } from '../director/command.ts';
import { usageText } from './usage.ts';

/** The answer to a command that needs nothing but its text: help, unknown and misused commands. */
export function staticReply(command: Extract<ParsedCommand, { kind: 'help' | 'unknown' | 'invalid' }>, slashCommand = '/director'): string {
  switch (command.kind) {
    case 'help':
      return usageText(slashCommand);
    case 'invalid':
      return `${command.problem}\n\n${usageText(slashCommand)}`;
    case 'unknown': {
      const shown = escapeMrkdwn(shorten(command.input, 61));
      const hint = command.suggestion ? ` Did you mean \`${slashCommand} ${command.suggestion}\`?` : '';
      return `I don't know the command \`${shown}\`.${hint}\n\n${usageText(slashCommand)}`;
    }
  }
}
