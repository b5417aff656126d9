// Slack-looking identifiers and message timestamps.
import { randomBytes, randomInt } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `prefix` followed by uppercase letters/digits, like U0ABC123 or Ev0123ABCD. */
export function slackId(prefix: string, length = 10): string {
  let out = prefix;
  for (let i = 0; i < length; i += 1) out += ALNUM.charAt(randomInt(ALNUM.length));
  return out;
}

/** Trigger ids look like "1234567890.1234567890.0123456789abcdef0123456789abcdef". */
export function triggerId(nowMs: number): string {
  const a = String(Math.floor(nowMs / 1000));
  const b = String(randomInt(1_000_000_000, 9_999_999_999));
  return `${a}.${b}.${randomBytes(16).toString('hex')}`;
}

/** Issues unique, strictly increasing message timestamps ("1700000000.000100") from a ms clock. */
export class TsClock {
  private lastMicros = 0;

  constructor(private readonly now: () => number) {}

  next(): string {
    let micros = Math.floor(this.now()) * 1000;
    if (micros <= this.lastMicros) micros = this.lastMicros + 1;
    this.lastMicros = micros;
    return formatTs(micros);
  }
}

/** Formats microseconds since the epoch as Slack's "seconds.micros" string. */
export function formatTs(micros: number): string {
  const seconds = Math.floor(micros / 1_000_000);
  const rest = micros % 1_000_000;
  return `${seconds}.${String(rest).padStart(6, '0')}`;
}

/** Compares two Slack timestamps numerically (they are fixed-point strings). */
export function compareTs(a: string, b: string): number {
  return tsMicros(a) - tsMicros(b);
}

/** Parses "1700000000.000100" (or a looser "1700000000.1") into microseconds. */
export function tsMicros(ts: string): number {
  const [sec = '0', frac = ''] = ts.split('.');
  const micros = (frac + '000000').slice(0, 6);
  const secNum = Number(sec);
  const microNum = Number(micros);
  if (!Number.isFinite(secNum) || !Number.isFinite(microNum)) return Number.NaN;
  return secNum * 1_000_000 + microNum;
}
