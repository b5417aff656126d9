// GitHub-looking identifiers, timestamps and tokens.
import { randomBytes } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A classic personal access token: "ghp_" + 36 alphanumerics. */
export function newToken(): string {
  const bytes = randomBytes(36);
  let out = 'ghp_';
  for (const byte of bytes) out += ALNUM.charAt(byte % ALNUM.length);
  return out;
}

/** Issues increasing ids; one sequence per emulator so ids never collide across kinds. */
export class IdSequence {
  private next: number;

  constructor(start = 1_000_001) {
    this.next = start;
  }

  take(): number {
    const id = this.next;
    this.next += 1;
    return id;
  }
}

/** A node_id in GitHub's "<prefix>_<base64>" form (opaque to clients). */
export function nodeId(prefix: string, id: number): string {
  return `${prefix}_kwDO${Buffer.from(`${prefix}:${id}`).toString('base64url')}`;
}

/** GitHub timestamps are ISO 8601 without milliseconds: "2011-01-26T19:01:12Z". */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** ms from an ISO string or a ms number; NaN when unparseable. */
export function toMs(value: string | number): number {
  return typeof value === 'number' ? value : Date.parse(value);
}
