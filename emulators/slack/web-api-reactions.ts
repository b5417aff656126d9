// reactions.add / reactions.remove on behalf of the bot.
import { z } from 'zod';
import { formStr } from './params.ts';
import { botChannel, fail, ok, parseArgs } from './web-api-kit.ts';
import type { ApiDeps, ApiReply, MethodSpec } from './web-api-kit.ts';

/** Emoji names as Slack accepts them: no colons, optional skin tone suffix. */
const EMOJI_NAME = /^[a-z0-9_+'-]+(::skin-tone-[2-6])?$/;

const ReactionArgs = z.object({
  channel: formStr.default(''),
  timestamp: formStr.default(''),
  name: z.string().default(''),
});

function react(kind: 'add' | 'remove') {
  return (args: Record<string, unknown>, deps: ApiDeps): ApiReply => {
    const parsed = parseArgs(ReactionArgs, args);
    if (!parsed.ok) return parsed.reply;
    const a = parsed.data;
    if (!EMOJI_NAME.test(a.name)) return fail('invalid_name');
    const target = botChannel(deps, a.channel);
    if (!target.ok) return target.reply;
    const message = deps.store.find(target.channel.id, a.timestamp);
    if (!message) return fail('message_not_found');
    const bot = deps.config.botUserId;
    const result = kind === 'add' ? deps.store.addReaction(message, a.name, bot) : deps.store.removeReaction(message, a.name, bot);
    return result === 'ok' ? ok() : fail(result);
  };
}

/** reactions.* handlers by method name. */
export const reactionMethods: Record<string, MethodSpec> = {
  'reactions.add': { token: 'bot', handle: react('add') },
  'reactions.remove': { token: 'bot', handle: react('remove') },
};
