/**
 * Secret redaction for every string that leaves a process boundary (logs now; milestones, PR
 * bodies and errors later). Two layers: known token shapes, and exact values of known secrets.
 */

/** Token shapes from the services Director touches. Each match is replaced whole. */
const TOKEN_PATTERNS: readonly RegExp[] = [
  /\bxox[abposr]-[A-Za-z0-9-]{8,}/g, // Slack bot/user/legacy tokens
  /\bxapp-[A-Za-z0-9-]{8,}/g, // Slack app-level tokens
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g, // GitHub fine-grained tokens
  /\bsk-ant-[A-Za-z0-9_-]{16,}/g, // Anthropic keys
  /\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}/g, // OpenAI keys
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, // AWS access key ids
  /\bph[cx]_[A-Za-z0-9]{20,}/g, // PostHog keys
  /\bdrt_[0-9a-f]{12}_[A-Za-z0-9_-]{20,}/g, // Director runner tokens
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\b(Bearer|token)\s+[A-Za-z0-9._~+/=-]{12,}/gi, // Authorization header values
];

export const REDACTED = '[REDACTED]';

export interface Redactor {
  /** Returns `text` with every secret replaced by [REDACTED]. */
  (text: string): string;
}

/**
 * Builds a redactor for token shapes plus the given secret values. Values shorter than 6
 * characters are ignored: they would redact ordinary words.
 */
export function createRedactor(secretValues: Iterable<string> = []): Redactor {
  const values = [...new Set([...secretValues].filter((v) => v.length >= 6))].sort((a, b) => b.length - a.length);
  return (text: string): string => {
    let out = text;
    for (const value of values) out = out.split(value).join(REDACTED);
    for (const pattern of TOKEN_PATTERNS) {
      out = out.replace(pattern, (match: string, scheme?: string) =>
        typeof scheme === 'string' && /^(bearer|token)$/i.test(scheme) ? `${scheme} ${REDACTED}` : REDACTED,
      );
    }
    return out;
  };
}
