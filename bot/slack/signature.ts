import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';

/** Slack's replay window: a request stamped further than this from our clock, either way, is refused. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

const signedHeaders = z.object({
  'x-slack-request-timestamp': z
    .string()
    .regex(/^\d{1,12}$/)
    .transform(Number),
  'x-slack-signature': z.string().regex(/^v0=[0-9a-f]{64}$/),
});

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks `X-Slack-Signature` (v0, HMAC-SHA256 of `v0:<timestamp>:<body>`) and that
 * `X-Slack-Request-Timestamp` is within five minutes of now in either direction: Bolt's own
 * check only refuses old timestamps, so a signed request stamped in the future could be replayed
 * until that time came.
 */
export function checkSlackSignature(signingSecret: string, headers: IncomingHttpHeaders, body: Buffer, nowMs: number): SignatureCheck {
  const parsed = signedHeaders.safeParse(headers);
  if (!parsed.success) return { ok: false, reason: 'missing or malformed X-Slack-Signature / X-Slack-Request-Timestamp' };
  const { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature } = parsed.data;
  if (Math.abs(Math.floor(nowMs / 1000) - timestamp) > MAX_CLOCK_SKEW_SECONDS) {
    return { ok: false, reason: 'X-Slack-Request-Timestamp is more than five minutes from the bot’s clock' };
  }
  const expected = createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(body).digest();
  const given = Buffer.from(signature.slice(3), 'hex');
  if (!timingSafeEqual(given, expected)) return { ok: false, reason: 'signature mismatch' };
  return { ok: true };
}
