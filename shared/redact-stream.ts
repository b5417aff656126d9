import type { Redactor } from './redact.ts';

/** How far around a cut a secret that the cut would split is looked for (private keys are handled apart). */
const SPAN_WINDOW = 1024;

/** Characters a token can be made of: a cut inside a run of them could split a secret. */
const TOKEN_CHAR = /[A-Za-z0-9_\-./+=~:]/;

/** The start of a URL whose userinfo is not over yet ("postgres:", "https://user:pa"). */
const URL_START = /[A-Za-z][A-Za-z0-9+.-]*:(?:\/\/[^\s/?#@"'<>]*)?$/;

export interface StreamRedactor {
  /** Takes the next chunk; returns the redacted text that is safe to pass on now. */
  push(chunk: string): string;
  /** The end of the stream: the redacted rest. */
  end(): string;
}

/**
 * Redacts a stream whose chunks may split a secret in two. It holds back the end of the text
 * until it can no longer be the start of a secret: at least `holdBack` characters (longer than
 * any configured secret value), the whole run of token characters at the cut, a "Bearer "/"token "
 * prefix before it, everything after an unterminated private key header, and any secret the cut
 * would split.
 */
export function createStreamRedactor(redact: Redactor, minHoldBack = 256): StreamRedactor {
  const holdBack = Math.max(minHoldBack, redact.longestValue + 1);
  let buffer = '';
  return {
    push(chunk) {
      buffer += chunk;
      if (buffer.length <= holdBack) return '';
      const cut = safeCut(buffer, holdBack, redact);
      if (cut <= 0) return '';
      const ready = redact(buffer.slice(0, cut));
      buffer = buffer.slice(cut);
      return ready;
    },
    end() {
      const rest = redact(buffer);
      buffer = '';
      return rest;
    },
  };
}

function safeCut(text: string, holdBack: number, redact: Redactor): number {
  let cut = text.length - holdBack;
  if (cut <= 0) return 0;
  const key = text.lastIndexOf('-----BEGIN ');
  if (key !== -1 && text.indexOf('PRIVATE KEY-----', key) !== -1 && !/-----END [A-Z ]*PRIVATE KEY-----/.test(text.slice(key))) cut = Math.min(cut, key);
  while (cut > 0 && TOKEN_CHAR.test(text.charAt(cut - 1)) && TOKEN_CHAR.test(text.charAt(cut))) cut--;
  const before = /(?:bearer|token|authorization:?)\s*$/i.exec(text.slice(Math.max(0, cut - 32), cut));
  if (before) cut -= before[0].length;
  // Inside a URL's scheme or userinfo: its password is found only with what comes before it.
  const url = URL_START.exec(text.slice(Math.max(0, cut - 256), cut));
  if (url) cut -= url[0].length;
  // Never cut through a secret that is already complete in the buffer.
  const from = Math.max(0, cut - SPAN_WINDOW);
  for (const [start, end] of redact.spans(text.slice(from, cut + SPAN_WINDOW)).reverse()) {
    if (from + start < cut && cut < from + end) cut = from + start;
  }
  return Math.max(0, cut);
}

/** Redacts every string inside a JSON-like value (frames, milestones) before it leaves the runner. */
export function redactDeep<T>(value: T, redact: Redactor): T {
  return mapStrings(value, redact) as T;
}

function mapStrings(value: unknown, redact: Redactor): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, redact));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, redact)]));
  }
  return value;
}
