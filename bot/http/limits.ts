/**
 * What a stranger can make the bot's HTTP port do before proving who they are. Every number
 * here bounds memory or time spent on a request that has not yet passed a signature or a code.
 */
export interface HttpLimits {
  /**
   * Largest body `/slack/events` reads. Slack's payloads are small: a message holds at most
   * 40,000 characters and 50 blocks, a view 100 blocks; 512 KB leaves room for form encoding
   * (non-ASCII text triples when percent-encoded). Larger bodies get 413 without being read.
   */
  slackBodyBytes: number;
  /** Largest `/runner/pair` body: `{"code","name"}` is under 200 bytes. */
  pairBodyBytes: number;
  /**
   * A refused body is read and dropped up to this size before the answer goes out, so a client
   * still sending sees the 413 or 503 rather than a reset; past it the connection is cut.
   */
  drainBytes: number;
  /** A body must arrive within this long (Slack sends at once and wants an answer in 3 s). */
  bodyDeadlineMs: number;
  /** `/slack/events` requests read or checked at the same time before their signature is known; the rest get 503. */
  unverifiedSlackRequests: number;
  /** `/runner/pair` requests handled at the same time; the rest get 503. */
  concurrentPairings: number;
  /** Node's own limits: all headers within this long, the whole request within `requestTimeoutMs`. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

/** Together these cap unverified bodies in memory at 16 × 512 KB + 8 × 4 KB, about 8 MB. */
export const HTTP_LIMITS: HttpLimits = {
  slackBodyBytes: 512 * 1024,
  pairBodyBytes: 4096,
  drainBytes: 8 * 1024 * 1024,
  bodyDeadlineMs: 10_000,
  unverifiedSlackRequests: 16,
  concurrentPairings: 8,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
};
