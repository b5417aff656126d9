import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** A short task id people can type: `t` and seven letters or digits. */
export function newTaskId(): string {
  return `t${[...randomBytes(7)].map((b) => ALPHABET[b % ALPHABET.length] ?? 'a').join('')}`;
}

/** The run id of a task's test run (one at a time), so recovery can find its processes. */
export const verifyRunId = (taskId: string) => `${taskId}.verify`;
