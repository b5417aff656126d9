/**
 * Secret redaction for every string that leaves a process boundary (logs now; milestones, PR
 * bodies and errors later). Two layers: known token shapes, and exact values of known secrets.
 */

import { isSecretName, URL_PASSWORD_SOURCE, urlPasswords } from './secret-names.ts';

/**
 * Token shapes from the services Director touches. Each match is replaced whole. No leading word
 * boundary: a token glued to a word (`Bearerghp_…`) is still a token.
 */
const TOKEN_SOURCES: readonly string[] = [
  String.raw`\b(Bearer|bearer|BEARER|token|Token|TOKEN)\s+[A-Za-z0-9._~+/=-]{12,}`, // Authorization values (group 1 keeps the scheme)
  String.raw`xox[abposr]-[A-Za-z0-9-]{8,}`, // Slack bot/user/legacy tokens
  String.raw`xapp-[A-Za-z0-9-]{8,}`, // Slack app-level tokens
  String.raw`gh[pousr]_[A-Za-z0-9]{20,}`, // GitHub tokens
  String.raw`github_pat_[A-Za-z0-9_]{20,}`, // GitHub fine-grained tokens
  String.raw`sk-ant-[A-Za-z0-9_-]{16,}`, // Anthropic keys
  String.raw`sk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}`, // OpenAI keys
  String.raw`(?:AKIA|ASIA)[A-Z0-9]{16}`, // AWS access key ids
  String.raw`ph[cx]_[A-Za-z0-9]{20,}`, // PostHog keys
  String.raw`sntry[usa]_[A-Za-z0-9+/=_-]{20,}`, // Sentry auth tokens
  String.raw`drt_[0-9a-f]{12}_[A-Za-z0-9_-]{20,}`, // Director runner tokens
  String.raw`-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)`, // private keys
];

/** All shapes in one expression, so a text is scanned once. */
const TOKENS = new RegExp(TOKEN_SOURCES.join('|'), 'g');
const STICKY = new RegExp(TOKEN_SOURCES.join('|'), 'y');
/** Where a token could begin inside another match. */
const TOKEN_PREFIX = /xox|xapp|gh[pousr]|github_pat|sk|AKIA|ASIA|ph[cx]|sntry|drt|-----BEGIN/g;
const HAS_TOKEN_PREFIX = new RegExp(TOKEN_PREFIX.source);
/**
 * The password of a URL with userinfo (postgres://user:pass@host): only the password goes. A pass
 * of its own, only over text with "://": as one more alternative it halved the redactor's speed.
 */
const URL_PASSWORDS = new RegExp(URL_PASSWORD_SOURCE, 'g');

export const REDACTED = '[REDACTED]';

export interface Redactor {
  /** Returns `text` with every secret replaced by [REDACTED]. */
  (text: string): string;
  /** Where secrets occur in `text`, as [start, end) pairs (for cutting streams safely). */
  spans(text: string): Array<[number, number]>;
  /** Length of the longest configured secret value. */
  longestValue: number;
}

/**
 * The secrets of `env`, for `createRedactor`: values of secret-named variables (the same names
 * agents never see) and the passwords of URLs in any value; 6 characters or more (shorter ones
 * would redact ordinary words, and the URL shape catches short passwords in place).
 */
export function secretValuesFromEnv(env: NodeJS.ProcessEnv): string[] {
  const values = Object.entries(env).flatMap(([name, value]) => (value ? [...(isSecretName(name) ? [value] : []), ...urlPasswords(value)] : []));
  return values.filter((value) => value.length >= 6);
}

/**
 * Builds a redactor for token shapes plus the given secret values. Values shorter than 6
 * characters are ignored: they would redact ordinary words.
 */
export function createRedactor(secretValues: Iterable<string> = []): Redactor {
  const values = [...new Set([...secretValues].filter((v) => v.length >= 6))].sort((a, b) => b.length - a.length);
  // One pass for all configured values, one for all token shapes: 10 MB stays well under a second.
  const valuePattern = values.length > 0 ? new RegExp(values.map(escapeRegExp).join('|'), 'g') : undefined;
  const spans = (text: string): Array<[number, number]> => {
    const found: Array<[number, number]> = [];
    if (valuePattern) for (const m of text.matchAll(valuePattern)) found.push([m.index, m.index + m[0].length]);
    if (text.includes('://')) for (const m of text.matchAll(URL_PASSWORDS)) found.push([m.index, m.index + m[0].length]);
    for (const m of text.matchAll(TOKENS)) {
      const end = m.index + m[0].length;
      // An Authorization value keeps its scheme: "Bearer [REDACTED]".
      const start = m[1] === undefined ? m.index : m.index + (/^\S+\s+/.exec(m[0])?.[0].length ?? 0);
      found.push([start, end]);
      // A token glued to the end of another ("…ghp_x…xapp-…") hides in the first match's tail.
      // Look a little past the end: the first match may have eaten only part of the next prefix.
      for (const inner of text.slice(m.index + 1, end + 12).matchAll(TOKEN_PREFIX)) {
        if (m.index + 1 + inner.index >= end) break;
        STICKY.lastIndex = m.index + 1 + inner.index;
        const glued = STICKY.exec(text);
        if (glued) found.push([glued.index, glued.index + glued[0].length]);
      }
    }
    return merge(found);
  };
  // Fast path: native replace. A token glued to the next one needs the span merge (rare).
  const redact = (text: string): string => {
    let glued = false;
    const replaced = (valuePattern ? text.replace(valuePattern, REDACTED) : text).replace(
      TOKENS,
      (match: string, scheme: string | undefined, offset: number, whole: string) => {
        if (HAS_TOKEN_PREFIX.test(whole.slice(offset + 1, offset + match.length + 12))) glued = true;
        return scheme === undefined ? REDACTED : `${/^\S+\s+/.exec(match)?.[0] ?? ''}${REDACTED}`;
      },
    );
    if (glued) return applySpans(text, spans(text));
    return replaced.includes('://') ? replaced.replace(URL_PASSWORDS, REDACTED) : replaced;
  };
  return Object.assign(redact, { spans, longestValue: values[0]?.length ?? 0 });
}

/** `text` up to `end` with each of the (sorted, disjoint) spans replaced by [REDACTED]. */
export function applySpans(text: string, spans: ReadonlyArray<readonly [number, number]>, end = text.length): string {
  let out = '';
  let from = 0;
  for (const [start, stop] of spans) {
    if (stop > end) break;
    out += text.slice(from, start) + REDACTED;
    from = stop;
  }
  return out + text.slice(from, end);
}

/** Sorted, non-overlapping spans covering all of `spans`. */
function merge(spans: Array<[number, number]>): Array<[number, number]> {
  if (spans.length < 2) return spans;
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const span of sorted) {
    const last = out.at(-1);
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else out.push([span[0], span[1]]);
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
