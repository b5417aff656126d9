// Read methods: auth.test, apps.connections.open, users.info, conversations.info/history/replies, and conversations.open.
import { z } from 'zod';
import { compareTs, tsMicros } from './ids.ts';
import { formBool, formInt, formStr } from './params.ts';
import { apiMessage } from './render.ts';
import type { JsonObject, StoredMessage } from './types.ts';
import { botChannel, fail, ok, parseArgs } from './web-api-kit.ts';
import type { ApiDeps, ApiReply, MethodSpec } from './web-api-kit.ts';

const HistoryArgs = z.object({
  channel: formStr.default(''),
  oldest: formStr.optional(),
  latest: formStr.optional(),
  inclusive: formBool.optional(),
  limit: formInt.optional(),
  cursor: z.string().optional(),
  include_all_metadata: formBool.optional(),
});

const RepliesArgs = HistoryArgs.extend({ ts: formStr.default('') });

function authTest(_args: JsonObject, deps: ApiDeps): ApiReply {
  const c = deps.config;
  return ok({
    url: `https://${c.teamDomain}.slack.com/`,
    team: c.teamName,
    user: c.botName,
    team_id: c.teamId,
    user_id: c.botUserId,
    bot_id: c.botId,
    is_enterprise_install: false,
  });
}

function connectionsOpen(_args: JsonObject, deps: ApiDeps): ApiReply {
  const ws = deps.baseUrl().replace(/^http/, 'ws');
  return ok({ url: `${ws}/link/?ticket=${deps.issueTicket()}&app_id=${deps.config.appId}` });
}

function usersInfo(args: JsonObject, deps: ApiDeps): ApiReply {
  const parsed = parseArgs(z.object({ user: formStr.default('') }), args);
  if (!parsed.ok) return parsed.reply;
  const user = deps.store.users.get(parsed.data.user);
  if (!user) return fail('user_not_found');
  return ok({
    user: {
      id: user.id,
      team_id: deps.config.teamId,
      name: user.name,
      deleted: false,
      real_name: user.realName,
      is_bot: user.isBot,
      is_app_user: false,
      profile: { display_name: user.name, real_name: user.realName, team: deps.config.teamId },
    },
  });
}

/** Opens (or finds) the app's direct message with one person; needs `im:write`. Multi-person DMs are not emulated. */
function conversationsOpen(args: JsonObject, deps: ApiDeps): ApiReply {
  const parsed = parseArgs(z.object({ users: formStr.default(''), return_im: formBool.optional() }), args);
  if (!parsed.ok) return parsed.reply;
  const users = parsed.data.users.split(',').filter(Boolean);
  if (users.length === 0) return fail('users_list_not_supplied');
  if (users.length > 1) return fail('not_implemented');
  const [userId = ''] = users;
  if (!deps.store.users.has(userId)) return fail('user_not_found');
  const channel = deps.store.directMessage(userId);
  return ok({ channel: { id: channel.id, ...(parsed.data.return_im && { is_im: true, user: userId, created: channel.created }) } });
}

function conversationsInfo(args: JsonObject, deps: ApiDeps): ApiReply {
  const parsed = parseArgs(z.object({ channel: formStr.default('') }), args);
  if (!parsed.ok) return parsed.reply;
  const channel = deps.store.channel(parsed.data.channel);
  const isMember = channel?.members.has(deps.config.botUserId) ?? false;
  if (!channel || (channel.isPrivate && !isMember)) return fail('channel_not_found');
  return ok({
    channel: {
      id: channel.id,
      name: channel.name,
      name_normalized: channel.name,
      is_channel: !channel.isIm,
      is_group: false,
      is_im: channel.isIm ?? false,
      is_private: channel.isPrivate,
      is_member: isMember,
      is_archived: false,
      is_general: false,
      created: channel.created,
    },
  });
}

/** Opaque cursor like Slack's: base64 of "next_ts:<ts>". */
function encodeCursor(ts: string): string {
  return Buffer.from(`next_ts:${ts}`).toString('base64');
}

function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  return text.startsWith('next_ts:') ? text.slice('next_ts:'.length) : undefined;
}

/** Keeps messages inside (oldest, latest), bounds included only when `inclusive`. */
function inRange(m: StoredMessage, oldest: string | undefined, latest: string | undefined, inclusive: boolean): boolean {
  const t = tsMicros(m.ts);
  const lo = oldest === undefined ? Number.NEGATIVE_INFINITY : tsMicros(oldest);
  const hi = latest === undefined ? Number.POSITIVE_INFINITY : tsMicros(latest);
  return (inclusive ? t >= lo : t > lo) && (inclusive ? t <= hi : t < hi);
}

/** One page of an ordered list, continuing at the cursor's ts. */
function page(
  ordered: StoredMessage[],
  cursor: string | undefined,
  limit: number | undefined,
  newestFirst: boolean,
): { items: StoredMessage[]; next: string | undefined } {
  const from = decodeCursor(cursor);
  const started = from === undefined ? ordered : ordered.filter((m) => (newestFirst ? compareTs(m.ts, from) <= 0 : compareTs(m.ts, from) >= 0));
  const size = limit === undefined || limit <= 0 ? 100 : Math.min(limit, 999);
  const items = started.slice(0, size);
  const rest = started[size];
  return { items, next: rest === undefined ? undefined : encodeCursor(rest.ts) };
}

function history(args: JsonObject, deps: ApiDeps): ApiReply {
  const parsed = parseArgs(HistoryArgs, args);
  if (!parsed.ok) return parsed.reply;
  const a = parsed.data;
  const target = botChannel(deps, a.channel);
  if (!target.ok) return target.reply;
  const ordered = deps.store
    .topLevel(target.channel.id)
    .filter((m) => inRange(m, a.oldest, a.latest, a.inclusive ?? false))
    .reverse();
  const { items, next } = page(ordered, a.cursor, a.limit, true);
  const metadata = a.include_all_metadata ?? false;
  return ok({
    messages: items.map((m) => apiMessage(deps.store, deps.config, m, { metadata })),
    has_more: next !== undefined,
    pin_count: 0,
    response_metadata: { next_cursor: next ?? '' },
  });
}

function replies(args: JsonObject, deps: ApiDeps): ApiReply {
  const parsed = parseArgs(RepliesArgs, args);
  if (!parsed.ok) return parsed.reply;
  const a = parsed.data;
  const target = botChannel(deps, a.channel);
  if (!target.ok) return target.reply;
  const channel = target.channel.id;
  const found = deps.store.find(channel, a.ts);
  const root = found?.thread_ts !== undefined ? deps.store.find(channel, found.thread_ts) : found;
  if (!root) return fail('thread_not_found');
  const thread = deps.store.replies(channel, root.ts).filter((m) => inRange(m, a.oldest, a.latest, a.inclusive ?? false));
  const { items, next } = page([root, ...thread], a.cursor, a.limit, false);
  const metadata = a.include_all_metadata ?? false;
  return ok({
    messages: items.map((m) => apiMessage(deps.store, deps.config, m, { metadata })),
    has_more: next !== undefined,
    response_metadata: { next_cursor: next ?? '' },
  });
}

/** Read-only handlers by method name. */
export const readMethods: Record<string, MethodSpec> = {
  'auth.test': { token: 'bot', handle: authTest },
  'apps.connections.open': { token: 'app', handle: connectionsOpen },
  'users.info': { token: 'bot', handle: usersInfo },
  'conversations.info': { token: 'bot', handle: conversationsInfo },
  'conversations.open': { token: 'bot', handle: conversationsOpen },
  'conversations.history': { token: 'bot', handle: history },
  'conversations.replies': { token: 'bot', handle: replies },
};
