import { ErrorCode, type WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { MessageBody } from '../store/slack-messages.ts';

/** Why a Slack call failed, in the three ways that call for different handling. */
export type SlackCallFailure =
  /** 429: nothing happened; wait `retryAfterMs` and try again. */
  | { kind: 'rate_limited'; retryAfterMs: number }
  /** Slack answered ok:false: nothing happened and trying again will not help. */
  | { kind: 'refused'; error: string }
  /** No answer (network, 5xx): Slack may or may not have done it. */
  | { kind: 'unknown'; cause: unknown };

export class SlackCallError extends Error {
  override readonly name = 'SlackCallError';
  constructor(
    readonly method: string,
    readonly failure: SlackCallFailure,
  ) {
    super(`${method}: ${failure.kind === 'refused' ? failure.error : failure.kind}`, {
      cause: failure.kind === 'unknown' ? failure.cause : undefined,
    });
  }
}

/** Metadata that marks a message as the outbox's, so a post whose answer was lost can be found. */
export interface OutboxMetadata {
  event_type: 'director_message';
  event_payload: { key: string };
}

const historySchema = z.object({
  messages: z
    .array(
      z.object({
        ts: z.string(),
        metadata: z.object({ event_type: z.string(), event_payload: z.record(z.string(), z.unknown()).optional() }).optional(),
      }),
    )
    .default([]),
});

export type HistoryMessage = z.infer<typeof historySchema>['messages'][number];

/** The Slack calls the outbox makes. One implementation over WebClient; failures are SlackCallErrors. */
export interface SlackMessagesApi {
  postMessage(args: MessageBody & { channel: string; threadTs?: string; metadata: OutboxMetadata }): Promise<{ ts: string }>;
  update(args: MessageBody & { channel: string; ts: string }): Promise<void>;
  postEphemeral(args: MessageBody & { channel: string; user: string; threadTs?: string }): Promise<void>;
  addReaction(args: { channel: string; ts: string; name: string }): Promise<void>;
  /** Recent messages (thread replies when `threadTs` is set) since `oldest`, with their metadata. */
  recentMessages(args: { channel: string; oldest: string; threadTs?: string }): Promise<HistoryMessage[]>;
}

function classify(method: string, error: unknown): SlackCallError {
  const coded = z.object({ code: z.string() }).safeParse(error);
  if (coded.success && coded.data.code === String(ErrorCode.RateLimitedError)) {
    const { retryAfter } = z.object({ retryAfter: z.number() }).parse(error);
    return new SlackCallError(method, { kind: 'rate_limited', retryAfterMs: Math.max(1, retryAfter) * 1000 });
  }
  if (coded.success && coded.data.code === String(ErrorCode.PlatformError)) {
    const data = z.object({ data: z.object({ error: z.string() }) }).safeParse(error);
    return new SlackCallError(method, { kind: 'refused', error: data.success ? data.data.data.error : 'unknown_error' });
  }
  return new SlackCallError(method, { kind: 'unknown', cause: error });
}

/** Runs one Web API call, turning its failure into a SlackCallError. */
export async function call<T>(method: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw classify(method, error);
  }
}

/**
 * Slack through a WebClient built with `retryConfig: { retries: 0 }` and `rejectRateLimitedCalls: true`:
 * the outbox decides about retries, because a blind retry of chat.postMessage can post twice.
 */
export function webApiPort(client: WebClient): SlackMessagesApi {
  return {
    postMessage: ({ channel, text, blocks, threadTs, metadata }) =>
      call('chat.postMessage', async () => {
        const res = await client.chat.postMessage({ channel, text, ...(blocks && { blocks }), thread_ts: threadTs, metadata });
        return { ts: z.object({ ts: z.string() }).parse(res).ts };
      }),
    update: ({ channel, ts, text, blocks }) =>
      call('chat.update', async () => {
        await client.chat.update({ channel, ts, text, blocks: blocks ?? [] });
      }),
    postEphemeral: ({ channel, user, text, blocks, threadTs }) =>
      call('chat.postEphemeral', async () => {
        await client.chat.postEphemeral({ channel, user, text, ...(blocks && { blocks }), thread_ts: threadTs });
      }),
    addReaction: ({ channel, ts, name }) =>
      call('reactions.add', async () => {
        await client.reactions.add({ channel, timestamp: ts, name });
      }),
    recentMessages: ({ channel, oldest, threadTs }) =>
      call(threadTs ? 'conversations.replies' : 'conversations.history', async () => {
        const res = threadTs
          ? await client.conversations.replies({ channel, ts: threadTs, oldest, include_all_metadata: true, limit: 200 })
          : await client.conversations.history({ channel, oldest, include_all_metadata: true, limit: 200 });
        return historySchema.parse(res).messages;
      }),
  };
}
