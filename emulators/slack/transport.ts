// The contract between the delivery dispatcher and the two ways of reaching the bot.
import type { DeliveryKind, DeliveryStatus, JsonObject } from './types.ts';

/** One attempt to hand a payload to the bot. */
export interface AttemptRequest {
  kind: DeliveryKind;
  /** The event_callback / slash command / interaction payload, identical across retries. */
  payload: JsonObject;
  retryNum: number;
  /** "" on first attempts; Slack's reason on retries. */
  retryReason: string;
}

/** How an attempt ended. */
export interface AttemptResult {
  status: DeliveryStatus;
  envelopeId?: string;
  httpStatus?: number;
  ackPayload?: unknown;
  /** HTTP mode: why it failed, which becomes the next retry's X-Slack-Retry-Reason. */
  failure?: 'http_timeout' | 'http_error' | 'connection_failed';
  /** The app answered X-Slack-No-Retry: 1. */
  noRetry?: boolean;
}

/** Socket Mode or HTTP: makes one attempt and reports back (never rejects). */
export interface Transport {
  attempt(request: AttemptRequest): Promise<AttemptResult>;
}
