import type { ParsedCommand } from '../director/command.ts';
import { parseCommand, stripMention } from './parse.ts';

/** What `@director …` in a task's thread asks for. */
export type ThreadMention =
  /** A command answered in the thread (`stop`, `retry`, `restart` act on the thread's task). */
  | { kind: 'command'; command: ParsedCommand }
  /** Where the thread's task stands. */
  | { kind: 'status' }
  /** An instruction for the thread's task: it re-opens a settled one. */
  | { kind: 'steer'; text: string };

const ON_THIS_TASK = { stop: 'stop', retry: 'retry', resume: 'retry', restart: 'restart' } as const;
const isOnThisTask = (word: string): word is keyof typeof ON_THIS_TASK => Object.hasOwn(ON_THIS_TASK, word);

/**
 * Reads a mention of the bot in the thread of task `taskId`. `stop`, `retry`, `restart` and
 * `status` alone act on that task; `continue …` and any other words are an explicit instruction
 * for its agent; a command with its own arguments (`stop t4`, `help`) is answered as anywhere.
 */
export function readThreadMention(text: string, taskId: string): ThreadMention {
  const rest = stripMention(text).trim();
  const words = rest.split(/\s+/).filter(Boolean);
  const first = (words[0] ?? '').toLowerCase().replace(/[?!.]+$/, '');
  if (words.length <= 1) {
    if (first === '' || first === 'status') return { kind: 'status' };
    if (isOnThisTask(first)) return { kind: 'command', command: { kind: ON_THIS_TASK[first], task: taskId } };
    if (first === 'help') return { kind: 'command', command: { kind: 'help' } };
  }
  if (first === 'continue') return { kind: 'steer', text: rest.slice(words[0]?.length ?? 0).trim() || 'Continue where you left off.' };
  if (first === 'status' || isOnThisTask(first)) return { kind: 'command', command: parseCommand(rest) };
  return { kind: 'steer', text: rest };
}
