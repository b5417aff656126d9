import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { Logger } from '../../shared/log.ts';
import type { CommandContext, DirectorCommand, ParsedCommand } from '../director/command.ts';
import type { Director } from '../director/director.ts';
import type { Steering } from '../director/steering.ts';
import type { Automations } from '../automations/automations.ts';
import type { TaskSummaries } from '../director/task-summaries.ts';
import type { AppHome } from '../home/home.ts';
import type { Reports } from '../reports/reports.ts';
import type { SlackOutbox } from '../slack/outbox.ts';
import type { SlackMessageStore } from '../store/slack-messages.ts';
import { parseCommand, stripMention } from './parse.ts';
import { registerActions } from './actions.ts';
import { staticReply } from './reply.ts';
import { readThreadMention } from './thread-mention.ts';
import { claimReply, connectReply, revokeReply, runnersReply, type RunnerCommandDeps } from './runners.ts';

export interface CommandHandlerDeps extends RunnerCommandDeps {
  outbox: SlackOutbox;
  messages: SlackMessageStore;
  director: Director;
  steering: Steering;
  summaries: TaskSummaries;
  automations: Automations;
  reports: Reports;
  log: Logger;
  /** The Home tab, republished after a button pressed there. */
  home?: AppHome;
}

type Reply<K extends ParsedCommand['kind']> = (
  command: Extract<ParsedCommand, { kind: K }>,
  ctx: CommandContext,
  deps: CommandHandlerDeps,
) => string | Promise<string>;

/** A channel's commands go to its Director; a failure is answered with the reason. */
const directed = (command: DirectorCommand, ctx: CommandContext, deps: CommandHandlerDeps): Promise<string> =>
  deps.director.command(command, ctx).catch((error: unknown) => {
    deps.log.error({ err: error, command: command.kind }, 'command failed');
    return `That did not work: ${error instanceof Error ? error.message : String(error)}. \`/director status\` shows what did start.`;
  });

/** One answer per command: a command without one fails to compile. */
const replies = {
  help: (command, ctx) => staticReply(command, ctx.slashCommand),
  unknown: (command, ctx) => staticReply(command, ctx.slashCommand),
  invalid: (command, ctx) => staticReply(command, ctx.slashCommand),
  connect: (_command, ctx, deps) => connectReply(deps, ctx),
  runners: (_command, ctx, deps) => runnersReply(deps, ctx),
  'revoke-runner': (command, ctx, deps) => revokeReply(deps, ctx, command.name),
  claim: (command, ctx, deps) => claimReply(deps, ctx, command.code),
  // Only reads: it need not wait behind the channel's other commands (and they not behind it).
  'task-status': (command, ctx, deps) => deps.summaries.status(ctx.channel, command.task),
  init: directed,
  'fix-top': directed,
  'fix-sentry': directed,
  every: (command, ctx, deps) => deps.automations.create(ctx, command.text),
  automations: (command, ctx, deps) => deps.automations.command(ctx, command),
  'fix-issues': directed,
  do: directed,
  status: directed,
  stop: directed,
  retry: directed,
  close: directed,
  restart: directed,
  memory: directed,
  remember: directed,
  forget: directed,
  audit: directed,
  features: (command, ctx, deps) => deps.reports.command(command, ctx),
  'feature-track': (command, ctx, deps) => deps.reports.command(command, ctx),
  'feature-drop': (command, ctx, deps) => deps.reports.command(command, ctx),
  'report-now': (command, ctx, deps) => deps.reports.command(command, ctx),
  'report-weekly': (command, ctx, deps) => deps.reports.command(command, ctx),
  'report-off': (command, ctx, deps) => deps.reports.command(command, ctx),
} satisfies { [K in ParsedCommand['kind']]: Reply<K> };

function reply(command: ParsedCommand, ctx: CommandContext, deps: CommandHandlerDeps): Promise<string> {
  const answer = replies[command.kind] as Reply<ParsedCommand['kind']>;
  return Promise.resolve(answer(command, ctx, deps));
}

/** A thread reply that only asks where the task stands. */
export function isStatusQuestion(text: string): boolean {
  return /^\s*(?:status|what'?s the status|where are we|where does it stand|how is it going)\s*\?+\s*$/i.test(text.replace(/[’]/g, "'"));
}

const threadReply = z.object({
  channel: z.string(),
  user: z.string(),
  text: z.string(),
  ts: z.string(),
  thread_ts: z.string(),
});

/** `/director …`, mentions, thread replies (steering) and the buttons. */
export function registerCommandHandlers(app: App, deps: CommandHandlerDeps): void {
  const { outbox, log, director, summaries, messages, steering } = deps;
  app.command('/director', async ({ command, ack, respond }) => {
    const parsed = parseCommand(command.text);
    log.info({ channel: command.channel_id, user: command.user_id, command: parsed.kind }, 'slash command');
    const ctx = { channel: command.channel_id, user: command.user_id, team: command.team_id, slashCommand: command.command };
    if ((parsed.kind === 'fix-top' || parsed.kind === 'fix-sentry' || parsed.kind === 'task-status') && director.isBound(ctx.channel)) {
      // These ask the runner: acknowledge within Slack's 3 s, answer when it replies.
      const asking = {
        'fix-top': 'Asking the runner for the issues…',
        'fix-sentry': 'Asking the runner for Sentry issues…',
        'task-status': 'Asking the runner for the task’s summary…',
      };
      await ack({ response_type: 'ephemeral', text: asking[parsed.kind] });
      await respond({ response_type: 'ephemeral', text: await reply(parsed, ctx, deps) });
      return;
    }
    await ack({ response_type: 'ephemeral', text: await reply(parsed, ctx, deps) });
  });

  app.event('app_mention', async ({ event, context }) => {
    const user = event.user ?? 'unknown';
    const ctx = { channel: event.channel, user, team: event.team ?? context.teamId ?? '', slashCommand: '/director' };
    // In a task's thread, the mention is about that task.
    const taskId = event.thread_ts ? director.taskOfThread(messages.keyForTs(event.channel, event.thread_ts)) : undefined;
    const inThread = taskId ? readThreadMention(event.text, taskId) : undefined;
    if (taskId && inThread?.kind === 'status') return summaries.answerInThread(event.channel, taskId, event.ts);
    if (taskId && inThread?.kind === 'steer') return void steering.steer(event.channel, taskId, user, inThread.text, event.ts);
    const parsed = inThread?.kind === 'command' ? inThread.command : parseCommand(stripMention(event.text));
    log.info({ channel: event.channel, user: event.user, command: parsed.kind }, 'mention');
    const text = await reply(parsed, ctx, deps);
    // A pairing code is for the asker's eyes only: never in a thread.
    if (parsed.kind === 'connect') {
      await outbox.ephemeral({ channel: event.channel, user, text });
      return;
    }
    await outbox.show(`mention:${event.channel}:${event.ts}`, { channel: event.channel, thread: { ts: event.thread_ts ?? event.ts } }, { text });
  });

  app.message(({ message, context }) => {
    // Only people's replies in threads; the bot's own messages and other bots' are not steering.
    const human = !('subtype' in message && message.subtype !== undefined) && !('bot_id' in message && message.bot_id);
    const parsed = threadReply.safeParse(message);
    if (!human || !parsed.success || parsed.data.thread_ts === parsed.data.ts) return Promise.resolve();
    // A mention of the bot is answered by the app_mention handler, commands and instructions alike.
    const { botUserId } = context;
    if (botUserId && parsed.data.text.includes(`<@${botUserId}`)) return Promise.resolve();
    const taskId = director.taskOfThread(messages.keyForTs(parsed.data.channel, parsed.data.thread_ts));
    if (!taskId) return Promise.resolve();
    // "status?" is answered from the task's summary; it is not an instruction for the agent.
    if (isStatusQuestion(parsed.data.text)) summaries.answerInThread(parsed.data.channel, taskId, parsed.data.ts);
    else steering.reply(parsed.data.channel, taskId, parsed.data.user, parsed.data.text, parsed.data.ts, botUserId);
    return Promise.resolve();
  });

  registerActions(app, deps);
}
