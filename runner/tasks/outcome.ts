import type { AgentEvent } from '../agents/events.ts';
import { tail } from '../../shared/text.ts';
import type { RunExit } from '../process/spawn.ts';
import type { TaskState } from '../../shared/task-states.ts';
import type { RestartReason } from './task-events.ts';

/** What one agent turn amounted to, from its events and how its process ended. */
export interface TurnOutcome {
  state: Extract<TaskState, 'finished' | 'awaiting_review' | 'failed' | 'cancelled' | 'interrupted'>;
  summary?: string;
  error?: string;
  /** The session should give way to a fresh one seeded with the task's summary. */
  restart?: RestartReason;
}

/** Collects what decides a turn's outcome while its events stream by. */
export class TurnTracker {
  summary: string | undefined;
  lastMessage: string | undefined;
  /** A command agent's last line: its summary by convention (its other lines are never shown). */
  lastOutput: string | undefined;
  fatal: string | undefined;
  contextExhausted = false;
  finished = false;

  see(event: AgentEvent): void {
    if (event.type === 'agent_message') this.lastMessage = event.text;
    if (event.type === 'output' && event.text.trim()) this.lastOutput = event.text;
    if (event.type === 'turn_finished') {
      this.finished = true;
      this.summary = event.summary ?? this.lastMessage ?? this.lastOutput;
    }
    if (event.type === 'error' && event.fatal) {
      this.fatal = event.message;
      this.contextExhausted ||= event.contextExhausted === true;
    }
  }

  outcome(exit: RunExit, timeLimitMs?: number): TurnOutcome {
    if (exit.stoppedBy === 'cancel') return { state: 'cancelled', error: 'cancelled' };
    if (exit.stoppedBy === 'restart') return { state: 'interrupted', restart: 'requested' };
    if (exit.stoppedBy === 'shutdown') return { state: 'interrupted', error: 'the runner shut down while this task was running' };
    if (exit.stoppedBy === 'timeout') {
      return { state: 'failed', error: `stopped: the task's time limit (${Math.round((timeLimitMs ?? 0) / 60_000)} min) was reached` };
    }
    if (this.fatal !== undefined) return { state: 'failed', error: this.fatal, ...(this.contextExhausted && { restart: 'context_exhausted' as const }) };
    if (exit.exitCode !== 0) {
      const how = exit.signal ? `was killed by ${exit.signal}` : exit.exitCode === null ? 'ended without an exit status' : `exited with code ${exit.exitCode}`;
      // stderr comes redacted from spawnAgent; its last lines are the evidence, under the one-sentence reason.
      const stderr = tail(exit.stderr.trim(), 1000).split('\n').slice(-5).join('\n');
      // Killed from outside (out of memory, a person's kill): the session died, the task need not.
      return {
        state: 'failed',
        error: `the agent ${how}${stderr ? `\n${stderr}` : ''}`,
        ...(exit.signal && { restart: 'session_died' as const }),
      };
    }
    const summary = this.summary ?? this.lastMessage ?? this.lastOutput;
    return summary === undefined ? { state: 'finished' } : { state: 'finished', summary };
  }
}

/** A final message that ends in a question asks a person before the agent can go on. */
export function askedQuestion(summary: string | undefined): string | undefined {
  if (!summary) return undefined;
  const last =
    summary
      .trim()
      .split('\n')
      .filter((l) => l.trim())
      .at(-1) ?? '';
  return /\?\s*$/.test(last) ? last.trim() : undefined;
}
