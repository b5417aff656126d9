// response_url: where an app answers a slash command or interaction later (bolt's `respond()`),
// and how an answer (also a slash command's ack body) lands in the workspace.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { checkMessageBlocks } from './blocks.ts';
import type { Workspace } from './store.ts';
import type { EmulatorConfig, EphemeralMessage, EphemeralSource, JsonObject, StoredMessage } from './types.ts';

/** Slack accepts up to 5 responses per response_url… */
export const RESPONSE_URL_USES = 5;
/** …within 30 minutes. */
export const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;

/** What a response refers to: the command's channel/user, and the clicked message if any. */
export interface ResponseTarget {
  channel: string;
  user: string;
  /** The message whose button was clicked (absent for slash commands). */
  source?: { ts: string; ephemeral: boolean };
}

const flag = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true');

/** A message body as acks and response_url accept it. */
export const ReplyBody = z.looseObject({
  text: z.string().optional(),
  blocks: z.unknown().optional(),
  response_type: z.enum(['ephemeral', 'in_channel']).optional(),
  replace_original: flag.optional(),
  delete_original: flag.optional(),
  thread_ts: z.string().optional(),
});

/** What applying a reply did. */
export type ReplyEffect = { ok: true; ephemeral?: EphemeralMessage; message?: StoredMessage } | { ok: false; body: JsonObject };

/** Applies a reply: delete/replace the source, or post a new ephemeral (default) or in_channel message. */
export function applyReply(
  store: Workspace,
  config: EmulatorConfig,
  target: ResponseTarget,
  reply: z.output<typeof ReplyBody>,
  source: EphemeralSource,
): ReplyEffect {
  const blocks = checkMessageBlocks(reply.blocks);
  if (!blocks.ok) return { ok: false, body: blocks.body };
  const text = reply.text ?? '';
  const ephemeralSource = target.source?.ephemeral === true ? store.ephemerals.find((e) => e.ts === target.source?.ts) : undefined;
  const messageSource = target.source?.ephemeral === false ? store.find(target.channel, target.source.ts) : undefined;
  if (reply.delete_original === true) {
    if (messageSource) store.remove(target.channel, messageSource.ts);
    if (ephemeralSource) store.ephemerals.splice(store.ephemerals.indexOf(ephemeralSource), 1);
    return { ok: true };
  }
  if (reply.replace_original === true && (messageSource ?? ephemeralSource)) {
    const original = messageSource ?? ephemeralSource;
    if (original) {
      original.text = text;
      if (blocks.blocks === undefined) delete original.blocks;
      else original.blocks = blocks.blocks;
    }
    if (messageSource) messageSource.edits += 1;
    return { ok: true, ...(messageSource ? { message: messageSource } : {}), ...(ephemeralSource ? { ephemeral: ephemeralSource } : {}) };
  }
  if (text === '' && blocks.blocks === undefined) return { ok: true };
  const content = { text, ...(blocks.blocks === undefined ? {} : { blocks: blocks.blocks }) };
  const threadTs = reply.thread_ts;
  if (reply.response_type === 'in_channel') {
    const message = store.post(target.channel, {
      ...content,
      user: config.botUserId,
      bot_id: config.botId,
      app_id: config.appId,
      ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
    });
    return { ok: true, message };
  }
  const ephemeral = store.addEphemeral({
    channel: target.channel,
    user: target.user,
    ...content,
    ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
    from: config.botUserId,
    source,
  });
  return { ok: true, ephemeral };
}

interface Issued {
  target: ResponseTarget;
  at: number;
  uses: number;
}

/** Issues response URLs and serves `POST /response/<id>`. */
export class ResponseUrls {
  private readonly issued = new Map<string, Issued>();

  constructor(
    private readonly store: Workspace,
    private readonly config: EmulatorConfig,
    private readonly baseUrl: () => string,
  ) {}

  issue(target: ResponseTarget): string {
    const id = randomUUID();
    this.issued.set(id, { target, at: this.config.now(), uses: 0 });
    return `${this.baseUrl()}/response/${id}`;
  }

  /** Handles one POST to a response_url (JSON body, as bolt's respond() sends). */
  handle(id: string, rawBody: string): { status: number; body: JsonObject } {
    const entry = this.issued.get(id);
    if (!entry) return { status: 404, body: { ok: false, error: 'invalid_url' } };
    if (entry.uses >= RESPONSE_URL_USES || this.config.now() - entry.at > RESPONSE_URL_TTL_MS) {
      return { status: 404, body: { ok: false, error: 'expired_url' } };
    }
    let value: unknown;
    try {
      value = JSON.parse(rawBody);
    } catch {
      return { status: 400, body: { ok: false, error: 'invalid_payload' } };
    }
    const parsed = ReplyBody.safeParse(value);
    if (!parsed.success) return { status: 400, body: { ok: false, error: 'invalid_payload' } };
    entry.uses += 1;
    const effect = applyReply(this.store, this.config, entry.target, parsed.data, 'response_url');
    if (!effect.ok) return { status: 400, body: effect.body };
    return { status: 200, body: { ok: true } };
  }
}
