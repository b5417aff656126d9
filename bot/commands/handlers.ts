import type { App } from '@slack/bolt';
import type { Logger } from '../../shared/log.ts';
import type { SlackOutbox } from '../slack/outbox.ts';
import { parseCommand, stripMention } from './parse.ts';
import { replyFor } from './reply.ts';

export interface CommandHandlerDeps {
  outbox: SlackOutbox;
  log: Logger;
}

/** `/director …` answered ephemerally, and the same text after a mention answered in the thread. */
export function registerCommandHandlers(app: App, { outbox, log }: CommandHandlerDeps): void {
  app.command('/director', async ({ command, ack }) => {
    const parsed = parseCommand(command.text);
    log.info({ channel: command.channel_id, user: command.user_id, command: parsed.kind }, 'slash command');
    await ack({ response_type: 'ephemeral', text: replyFor(parsed, command.command) });
  });

  app.event('app_mention', async ({ event }) => {
    const parsed = parseCommand(stripMention(event.text));
    log.info({ channel: event.channel, user: event.user, command: parsed.kind }, 'mention');
    const threadTs = event.thread_ts ?? event.ts;
    await outbox.show(`mention:${event.channel}:${event.ts}`, { channel: event.channel, thread: { ts: threadTs } }, { text: replyFor(parsed) });
  });
}
