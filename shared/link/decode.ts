import { z } from 'zod';
import { linkFrameSchema, linkFrameTypes, type ErrorFrame, type LinkFrame } from '../protocol.ts';

export type Decoded<T> = { ok: true; frame: T } | { ok: false; error: ErrorFrame };

const typed = z.object({ type: z.string() });

function summarize(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'frame'}: ${issue.message}`)
    .join('; ');
}

/** Parses one WebSocket message into a link frame, or says exactly what is wrong with it. */
export function decodeLinkFrame(text: string): Decoded<LinkFrame> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: { type: 'error', code: 'malformed_json', message: `not JSON: ${JSON.stringify(text.slice(0, 40))}` } };
  }
  const head = typed.safeParse(json);
  if (!head.success) return { ok: false, error: { type: 'error', code: 'invalid_frame', message: 'a frame must be a JSON object with a string "type"' } };
  if (!linkFrameTypes.has(head.data.type)) {
    return { ok: false, error: { type: 'error', code: 'unknown_type', message: `unknown frame type ${JSON.stringify(head.data.type.slice(0, 40))}` } };
  }
  const parsed = linkFrameSchema.safeParse(json);
  if (!parsed.success)
    return { ok: false, error: { type: 'error', code: 'invalid_frame', message: `invalid ${head.data.type} frame: ${summarize(parsed.error)}` } };
  return { ok: true, frame: parsed.data };
}

/** The application frames one side receives: their schema and the types it knows. */
export interface FrameSchema<F> {
  schema: z.ZodType<F, unknown>;
  types: ReadonlySet<string>;
}

/** A received-frame schema from a discriminated union of frames. */
export function frameSchema<F>(schema: z.ZodType<F, unknown> & { options: readonly { shape: { type: { value: string } } }[] }): FrameSchema<F> {
  return { schema, types: new Set(schema.options.map((option) => option.shape.type.value)) };
}

/** Parses the body of a data frame into an application frame of the receiving side. */
export function decodeAppFrame<F>(body: unknown, seq: number, frames: FrameSchema<F>): Decoded<F> {
  const head = typed.safeParse(body);
  if (head.success && !frames.types.has(head.data.type)) {
    return {
      ok: false,
      error: { type: 'error', code: 'unknown_type', message: `unknown application frame type ${JSON.stringify(head.data.type.slice(0, 40))}`, seq },
    };
  }
  const parsed = frames.schema.safeParse(body);
  if (!parsed.success)
    return { ok: false, error: { type: 'error', code: 'invalid_body', message: `invalid application frame: ${summarize(parsed.error)}`, seq } };
  return { ok: true, frame: parsed.data };
}

const versioned = z.object({ type: z.enum(['hello', 'welcome']), protocol: z.number() });

/**
 * The protocol version a hello or welcome announces, read before the full schema: a peer of
 * another version may shape the rest of its frame differently, and still deserves a clear refusal.
 */
export function announcedProtocol(text: string): number | undefined {
  try {
    const parsed = versioned.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.protocol : undefined;
  } catch {
    return undefined;
  }
}
