import type { App } from '@slack/bolt';
import type { Logger } from '../../shared/log.ts';
import type { SlackOutbox } from '../slack/outbox.ts';
import { parseCommand, stripMention, type ParsedCommand } from './parse.ts';
import { staticReply } from './reply.ts';
import { connectReply, revokeReply, runnersReply, type RunnerCommandDeps } from './runners.ts';

export interface CommandHandlerDeps extends RunnerCommandDeps {
  outbox: SlackOutbox;
  log: Logger;
}

/** Who typed a command, and where. */
interface CommandContext {
  channel: string;
  user: string;
  slashCommand: string;
}

function reply(command: ParsedCommand, ctx: CommandContext, deps: CommandHandlerDeps): string {
  switch (command.kind) {
    case 'connect':
      return connectReply(deps, ctx.channel, ctx.user);
    case 'runners':
      return runnersReply(deps);
    case 'revoke-runner':
      return revokeReply(deps, command.name);
    default:
      return staticReply(command, ctx.slashCommand);
  }
}

/** `/director …` answered ephemerally, and the same text after a mention answered in the thread. */
export function registerCommandHandlers(app: App, deps: CommandHandlerDeps): void {
  const { outbox, log } = deps;
  app.command('/director', async ({ command, ack }) => {
    const parsed = parseCommand(command.text);
    log.info({ channel: command.channel_id, user: command.user_id, command: parsed.kind }, 'slash command');
    const text = reply(parsed, { channel: command.channel_id, user: command.user_id, slashCommand: command.command }, deps);
    await ack({ response_type: 'ephemeral', text });
  });

  app.event('app_mention', async ({ event }) => {
    const parsed = parseCommand(stripMention(event.text));
    log.info({ channel: event.channel, user: event.user, command: parsed.kind }, 'mention');
    const user = event.user ?? 'unknown';
    // A pairing code is for the asker's eyes only: never in a thread.
    if (parsed.kind === 'connect') {
      await outbox.ephemeral({ channel: event.channel, user, text: reply(parsed, { channel: event.channel, user, slashCommand: '/director' }, deps) });
      return;
    }
    const text = reply(parsed, { channel: event.channel, user, slashCommand: '/director' }, deps);
    const threadTs = event.thread_ts ?? event.ts;
    await outbox.show(`mention:${event.channel}:${event.ts}`, { channel: event.channel, thread: { ts: threadTs } }, { text });
  });
}
