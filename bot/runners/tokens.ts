import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { REDACTED } from '../../shared/redact.ts';

/** sha256 in hex: what the bot stores instead of a token or a pairing code. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares two hex hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A runner token: `drt_<runner id>_<secret>`; the id finds the row, the secret proves possession. */
export function newRunnerToken(): { id: string; token: string; secretHash: string } {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `drt_${id}_${secret}`, secretHash: hashSecret(secret) };
}

export { splitRunnerToken } from '../../shared/runner-token.ts';

// Crockford's base32 without look-alikes: easy to read aloud and type; 8 characters ≈ 40 bits.
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A one-time pairing code such as `7KQ2-M9XD`. */
export function newPairingCode(): string {
  const chars = Array.from({ length: 8 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)] ?? '0');
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}

/** A pairing code as the bot shows it (upper case, with the dash), anywhere in a text. */
const CODE_IN_TEXT = new RegExp(`\\b[${CODE_ALPHABET}]{4}-[${CODE_ALPHABET}]{4}\\b`, 'g');

/**
 * `redact`, then every pairing-code-shaped string too. Bolt and the Web API client log reply
 * texts at debug level (ack bodies, `http request body: …`), and `/director connect` replies
 * with a code.
 */
export function alsoRedactingPairingCodes(redact: (text: string) => string): (text: string) => string {
  return (text) => redact(text).replace(CODE_IN_TEXT, REDACTED);
}

/** Accepts a code typed in lower case, with or without the dash, with O for 0 and I/L for 1. */
export function normalizePairingCode(input: string): string {
  const plain = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return plain.length === 8 ? `${plain.slice(0, 4)}-${plain.slice(4)}` : plain;
}
