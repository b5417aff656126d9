// chat.* methods: post (rate-limited per channel), update, delete, ephemeral, permalink.
import { z } from 'zod';
import { checkMessageBlocks } from './blocks.ts';
import { formBool, formStr, jsonArg, structured } from './params.ts';
import { apiMessage, permalink } from './render.ts';
import type { Workspace } from './store.ts';
import type { MessageMetadata } from './types.ts';
import { botChannel, fail, ok, parseArgs } from './web-api-kit.ts';
import type { ApiDeps, ApiReply, MethodSpec } from './web-api-kit.ts';

/** Slack truncates message text beyond this many characters. */
export const MAX_TEXT = 40_000;

const optionalTs = formStr.optional().transform((v) => (v === '' ? undefined : v));

const PostArgs = z.object({
  channel: formStr.default(''),
  text: z.string().optional(),
  blocks: structured.optional(),
  attachments: structured.optional(),
  thread_ts: optionalTs,
  reply_broadcast: formBool.optional(),
  metadata: structured.optional(),
});

const UpdateArgs = z.object({
  channel: formStr.default(''),
  ts: formStr.default(''),
  text: z.string().optional(),
  blocks: structured.optional(),
  attachments: structured.optional(),
  metadata: structured.optional(),
});

const DeleteArgs = z.object({ channel: formStr.default(''), ts: formStr.default('') });

const EphemeralArgs = z.object({
  channel: formStr.default(''),
  user: formStr.default(''),
  text: z.string().optional(),
  blocks: structured.optional(),
  attachments: structured.optional(),
  thread_ts: optionalTs,
});

const PermalinkArgs = z.object({ channel: formStr.default(''), message_ts: formStr.default('') });

const Metadata = z.object({ event_type: z.string().min(1), event_payload: z.record(z.string(), z.unknown()) });

/** Decodes `metadata`: bad JSON → invalid_metadata_format, wrong shape → invalid_metadata_schema. */
function checkMetadata(raw: unknown): { ok: true; value: MessageMetadata | undefined } | { ok: false; reply: ApiReply } {
  if (raw === undefined || raw === '') return { ok: true, value: undefined };
  const decoded = jsonArg(raw);
  if (!decoded.ok) return { ok: false, reply: fail('invalid_metadata_format') };
  const parsed = Metadata.safeParse(decoded.value);
  if (!parsed.success) return { ok: false, reply: fail('invalid_metadata_schema') };
  return { ok: true, value: parsed.data };
}

/** Resolves thread_ts to the thread's root; unknown → invalid_thread_ts. */
function threadRoot(store: Workspace, channel: string, threadTs: string | undefined): { ok: true; ts: string | undefined } | { ok: false; reply: ApiReply } {
  if (threadTs === undefined) return { ok: true, ts: undefined };
  const target = store.find(channel, threadTs);
  if (!target) return { ok: false, reply: fail('invalid_thread_ts') };
  // Slack asks for the parent's ts; a reply's ts still lands in the same thread.
  return { ok: true, ts: target.thread_ts ?? target.ts };
}

function postMessage(args: Record<string, unknown>, deps: ApiDeps): ApiReply {
  const parsed = parseArgs(PostArgs, args);
  if (!parsed.ok) return parsed.reply;
  const a = parsed.data;
  const target = botChannel(deps, a.channel);
  if (!target.ok) return target.reply;
  const channel = target.channel.id;
  const budget = deps.limiter.take(channel);
  if (!budget.ok) {
    return { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(budget.retryAfterSec) } };
  }
  const blocks = checkMessageBlocks(a.blocks);
  if (!blocks.ok) return { status: 200, body: blocks.body };
  if ((a.text ?? '') === '' && blocks.blocks === undefined && a.attachments === undefined) return fail('no_text');
  const metadata = checkMetadata(a.metadata);
  if (!metadata.ok) return metadata.reply;
  const thread = threadRoot(deps.store, channel, a.thread_ts);
  if (!thread.ok) return thread.reply;
  const { config } = deps;
  const message = deps.store.post(channel, {
    ...(thread.ts !== undefined && a.reply_broadcast === true ? { subtype: 'thread_broadcast' } : {}),
    user: config.botUserId,
    bot_id: config.botId,
    app_id: config.appId,
    text: (a.text ?? '').slice(0, MAX_TEXT),
    ...(blocks.blocks === undefined ? {} : { blocks: blocks.blocks }),
    ...(thread.ts === undefined ? {} : { thread_ts: thread.ts }),
    ...(metadata.value === undefined ? {} : { metadata: metadata.value }),
  });
  return ok({ channel, ts: message.ts, message: apiMessage(deps.store, config, message, { metadata: true }) });
}

function update(args: Record<string, unknown>, deps: ApiDeps): ApiReply {
  const parsed = parseArgs(UpdateArgs, args);
  if (!parsed.ok) return parsed.reply;
  const a = parsed.data;
  const target = botChannel(deps, a.channel);
  if (!target.ok) return target.reply;
  const channel = target.channel.id;
  const message = deps.store.find(channel, a.ts);
  if (!message) return fail('message_not_found');
  if (message.user !== deps.config.botUserId) return fail('cant_update_message');
  const blocks = checkMessageBlocks(a.blocks);
  if (!blocks.ok) return { status: 200, body: blocks.body };
  if (a.text === undefined && a.blocks === undefined && a.attachments === undefined) return fail('no_text');
  const metadata = checkMetadata(a.metadata);
  if (!metadata.ok) return metadata.reply;
  message.text = (a.text ?? '').slice(0, MAX_TEXT);
  // Omitted blocks keep the previous ones; an empty array removes them (chat.update docs).
  if (a.blocks !== undefined) {
    if (blocks.blocks === undefined) delete message.blocks;
    else message.blocks = blocks.blocks;
  }
  if (metadata.value !== undefined) message.metadata = metadata.value;
  message.edited = { user: deps.config.botUserId, ts: deps.store.nextTs() };
  message.edits += 1;
  const rendered = apiMessage(deps.store, deps.config, message, { metadata: true });
  return ok({ channel, ts: message.ts, text: message.text, message: rendered });
}

function remove(args: Record<string, unknown>, deps: ApiDeps): ApiReply {
  const parsed = parseArgs(DeleteArgs, args);
  if (!parsed.ok) return parsed.reply;
  const target = botChannel(deps, parsed.data.channel);
  if (!target.ok) return target.reply;
  const message = deps.store.find(target.channel.id, parsed.data.ts);
  if (!message) return fail('message_not_found');
  if (message.user !== deps.config.botUserId) return fail('cant_delete_message');
  deps.store.remove(target.channel.id, message.ts);
  return ok({ channel: target.channel.id, ts: message.ts });
}

function postEphemeral(args: Record<string, unknown>, deps: ApiDeps): ApiReply {
  const parsed = parseArgs(EphemeralArgs, args);
  if (!parsed.ok) return parsed.reply;
  const a = parsed.data;
  const target = botChannel(deps, a.channel);
  if (!target.ok) return target.reply;
  if (!target.channel.members.has(a.user)) return fail('user_not_in_channel');
  const blocks = checkMessageBlocks(a.blocks);
  if (!blocks.ok) return { status: 200, body: blocks.body };
  if ((a.text ?? '') === '' && blocks.blocks === undefined && a.attachments === undefined) return fail('no_text');
  const ephemeral = deps.store.addEphemeral({
    channel: target.channel.id,
    user: a.user,
    text: (a.text ?? '').slice(0, MAX_TEXT),
    ...(blocks.blocks === undefined ? {} : { blocks: blocks.blocks }),
    ...(a.thread_ts === undefined ? {} : { thread_ts: a.thread_ts }),
    from: deps.config.botUserId,
    source: 'chat.postEphemeral',
  });
  return ok({ message_ts: ephemeral.ts });
}

function getPermalink(args: Record<string, unknown>, deps: ApiDeps): ApiReply {
  const parsed = parseArgs(PermalinkArgs, args);
  if (!parsed.ok) return parsed.reply;
  const channel = deps.store.channel(parsed.data.channel);
  if (!channel) return fail('channel_not_found');
  const message = deps.store.find(channel.id, parsed.data.message_ts);
  if (!message) return fail('message_not_found');
  return ok({ channel: channel.id, permalink: permalink(deps.config, channel.id, message) });
}

/** chat.* handlers by method name. */
export const chatMethods: Record<string, MethodSpec> = {
  'chat.postMessage': { token: 'bot', handle: postMessage },
  'chat.update': { token: 'bot', handle: update },
  'chat.delete': { token: 'bot', handle: remove },
  'chat.postEphemeral': { token: 'bot', handle: postEphemeral },
  'chat.getPermalink': { token: 'bot', handle: getPermalink },
};
