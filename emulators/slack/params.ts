// Decoding Web API request bodies (form or JSON) and zod helpers for Slack's loosely typed arguments.
import { z } from 'zod';
import type { JsonObject } from './types.ts';

const JsonBody = z.record(z.string(), z.unknown());

/** Fields the WebClient sends as JSON strings inside a form body. */
const JSON_FIELDS = ['blocks', 'attachments', 'metadata', 'files', 'view', 'event_payload'];

/** A decoded request body, or the Slack error for an undecodable one. */
export type Decoded = { ok: true; params: JsonObject } | { ok: false; error: string };

/** Decodes `application/x-www-form-urlencoded` (the WebClient default) or `application/json`. */
export function decodeBody(contentType: string | undefined, raw: string, query: URLSearchParams): Decoded {
  const params: JsonObject = Object.fromEntries(query.entries());
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (raw.length === 0) return { ok: true, params };
  if (type === 'application/json') {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, error: 'invalid_json' };
    }
    const parsed = JsonBody.safeParse(value);
    if (!parsed.success) return { ok: false, error: 'invalid_json' };
    return { ok: true, params: { ...params, ...parsed.data } };
  }
  if (type === 'application/x-www-form-urlencoded' || type === '') {
    for (const [key, value] of new URLSearchParams(raw)) params[key] = value;
    return { ok: true, params };
  }
  return { ok: false, error: 'invalid_form_data' };
}

/** Copy of params for `emu.apiCalls`: token dropped, JSON-string fields decoded for easy asserts. */
export function recordableParams(params: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(params)) {
    if (key === 'token') continue;
    out[key] = JSON_FIELDS.includes(key) && typeof value === 'string' ? tryJson(value) : value;
  }
  return out;
}

function tryJson(value: string): unknown {
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed;
  } catch {
    return value;
  }
}

/** Parses a JSON-string argument (form) or passes a structured one (JSON body) through. */
export function jsonArg(value: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof value !== 'string') return { ok: true, value };
  try {
    const parsed: unknown = JSON.parse(value);
    return { ok: true, value: parsed };
  } catch {
    return { ok: false };
  }
}

/** Boolean argument: JSON true/false or form "true"/"false"/"1"/"0". */
export const formBool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', ''])]).transform((v) => v === true || v === 'true' || v === '1');

/** Integer argument: JSON number or form digits. */
export const formInt = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);

/** String argument that JSON callers sometimes send as a number (timestamps). */
export const formStr = z.union([z.string(), z.number().transform(String)]);

/** A structured argument: JSON string (form) or value (JSON body); decoded later with jsonArg. */
export const structured = z.unknown();

/** Slack's answer to arguments that fail their schema. */
export function invalidArguments(issues: readonly z.core.$ZodIssue[]): JsonObject {
  const messages = issues.map((issue) => {
    const field = issue.path.map(String).join('.');
    const what = issue.code === 'invalid_type' && issue.message.includes('undefined') ? 'missing required field' : issue.message;
    return `[ERROR] ${what}: ${field}`;
  });
  return { ok: false, error: 'invalid_arguments', response_metadata: { messages } };
}
