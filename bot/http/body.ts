import type { IncomingMessage, ServerResponse } from 'node:http';
import { refuse, type Refusal } from './reply.ts';

/** A request body read with a size cap and a deadline. */
export type BodyRead = { ok: true; body: Buffer } | { ok: false; refusal: Refusal };

export interface BodyLimits {
  /** Largest body kept. */
  maxBytes: number;
  /** Largest body read and dropped before a refusal is sent (see `refuseAfterBody`). */
  drainBytes: number;
  /** The whole body must arrive within this long. */
  deadlineMs: number;
}

const tooLarge = (maxBytes: number): Refusal => ({
  status: 413,
  error: 'too_large',
  message: `the request body is too large (the limit here is ${maxBytes} bytes)`,
});
// A client this slow is let go at once rather than waited for again.
const tooSlow: Refusal = {
  status: 408,
  error: 'too_slow',
  message: 'the request body did not arrive in time: send it in one go',
  headers: { connection: 'close' },
};
const cutOff: Refusal = { status: 400, error: 'aborted', message: 'the request body was cut off' };

/**
 * Reads a body to its end, or stops early at `deadlineMs`, past `limit` bytes, or when the client
 * goes away. Chunks are kept only when `keep` is set.
 */
function consume(
  req: IncomingMessage,
  limit: number,
  deadlineMs: number,
  keep: boolean,
): Promise<{ chunks: Buffer[]; size: number; end: 'whole' | 'over' | 'slow' | 'gone' }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (end: 'whole' | 'over' | 'slow' | 'gone'): void => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onGone).off('close', onClose);
      // Whatever still comes is dropped as it arrives: the stream keeps flowing, unbuffered.
      if (end !== 'whole') req.resume();
      resolve({ chunks, size, end });
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) finish('over');
      else if (keep) chunks.push(chunk);
    };
    const onEnd = (): void => finish('whole');
    const onGone = (): void => finish('gone');
    const onClose = (): void => {
      if (!req.complete) finish('gone');
    };
    const timer = setTimeout(() => finish('slow'), deadlineMs);
    req.on('data', onData).on('end', onEnd).on('error', onGone).on('close', onClose);
  });
}

/** Reads at most `maxBytes` of a body; a bigger one (declared or sent) is refused with 413 without being kept. */
export async function readBody(req: IncomingMessage, { maxBytes, deadlineMs }: BodyLimits): Promise<BodyRead> {
  if (Number(req.headers['content-length']) > maxBytes) return { ok: false, refusal: tooLarge(maxBytes) };
  const { chunks, size, end } = await consume(req, maxBytes, deadlineMs, true);
  if (end === 'whole') return { ok: true, body: Buffer.concat(chunks, size) };
  return { ok: false, refusal: end === 'over' ? tooLarge(maxBytes) : end === 'slow' ? tooSlow : cutOff };
}

/**
 * Answers `refusal` once the client has finished sending (up to `drainBytes`, within the
 * deadline). A server that answers and closes while the client is still sending makes the client
 * see a reset (EPIPE, ECONNRESET) instead of the 413 or 503; past the cap the connection is cut.
 * A refusal that closes the connection anyway is sent at once.
 */
export async function refuseAfterBody(req: IncomingMessage, res: ServerResponse, refusal: Refusal, { drainBytes, deadlineMs }: BodyLimits): Promise<void> {
  const now = req.complete || req.destroyed || refusal.headers?.connection === 'close';
  const { end } = now ? { end: 'whole' } : await consume(req, drainBytes, deadlineMs, false);
  refuse(res, end === 'whole' ? refusal : { ...refusal, headers: { ...refusal.headers, connection: 'close' } });
}
