import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** A short task id people can type: `t` and seven letters or digits. */
export function newTaskId(): string {
  return `t${[...randomBytes(7)].map((b) => ALPHABET[b % ALPHABET.length] ?? 'a').join('')}`;
}
