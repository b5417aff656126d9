// What Web API method handlers share: their dependencies, reply helpers and argument parsing.
import type { z } from 'zod';
import { invalidArguments } from './params.ts';
import type { TokenBuckets } from './rate-limit.ts';
import type { Channel, Workspace } from './store.ts';
import type { Triggers } from './triggers.ts';
import type { EmulatorConfig, JsonObject } from './types.ts';

/** An HTTP answer to a Web API call. */
export interface ApiReply {
  status: number;
  body: JsonObject;
  headers?: Record<string, string>;
}

/** Everything a method handler may touch. */
export interface ApiDeps {
  config: EmulatorConfig;
  store: Workspace;
  limiter: TokenBuckets;
  triggers: Triggers;
  /** "http://127.0.0.1:PORT" of the running emulator. */
  baseUrl: () => string;
  /** Issues a one-time Socket Mode ticket for apps.connections.open. */
  issueTicket: () => string;
}

/** A method handler: arguments as decoded from the body (JSON fields may still be strings). */
export type MethodHandler = (args: JsonObject, deps: ApiDeps) => ApiReply | Promise<ApiReply>;

/** A method and the token type it requires. */
export interface MethodSpec {
  token: 'bot' | 'app';
  handle: MethodHandler;
}

/** A successful answer: `{ok:true, ...body}`. */
export function ok(body: JsonObject = {}): ApiReply {
  return { status: 200, body: { ok: true, ...body } };
}

/** A Slack error: HTTP 200 with `{ok:false, error}` (Slack doesn't use status codes for errors). */
export function fail(error: string, extra: JsonObject = {}): ApiReply {
  return { status: 200, body: { ok: false, error, ...extra } };
}

/** Parses arguments with a zod schema; a mismatch is Slack's invalid_arguments. */
export function parseArgs<T extends z.ZodType>(schema: T, args: JsonObject): { ok: true; data: z.output<T> } | { ok: false; reply: ApiReply } {
  const parsed = schema.safeParse(args);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, reply: { status: 200, body: invalidArguments(parsed.error.issues) } };
}

/** The channel a bot call targets, or the error Slack gives (unknown, or bot not in it). */
export function botChannel(deps: ApiDeps, idOrName: string): { ok: true; channel: Channel } | { ok: false; reply: ApiReply } {
  const channel = idOrName === '' ? undefined : deps.store.channel(idOrName);
  if (!channel) return { ok: false, reply: fail('channel_not_found') };
  if (!channel.members.has(deps.config.botUserId)) {
    // Slack hides private channels the bot isn't in entirely.
    return { ok: false, reply: fail(channel.isPrivate ? 'channel_not_found' : 'not_in_channel') };
  }
  return { ok: true, channel };
}
