// Decides the next model response of a turn from the tool results the CLI has sent back.
// Stateless: every tool call gets an id derived from (turn, step), so the history alone says
// which steps are done — retries, resumes and parallel emulators need no server-side state.
import type { Failure, Step } from './types.ts';

/** A step answered with tool calls. */
export type ToolStep = Extract<Step, { shell: string } | { writeFile: unknown } | { plan: string[] }>;

/** How far a tool step got, according to the dialect (codex or claude). */
export type StepState<C> =
  | { state: 'done' }
  /** The CLI offers no tool for this step: it is left out. */
  | { state: 'skip' }
  /** Send these calls; `fresh` when nothing of the step was answered yet (reasoning and delay go first). */
  | { state: 'call'; calls: C[]; fresh: boolean };

/** Turns a tool step into the wire calls of one CLI. */
export interface Dialect<C> {
  step(step: ToolStep, key: string, answered: ReadonlySet<string>): StepState<C>;
}

/** How the response ends. */
export type Ending<C> = { kind: 'calls'; calls: C[] } | { kind: 'message'; text: string } | { kind: 'fail'; failure: Failure };

/** One model response to send. */
export interface Move<C> {
  delayMs: number;
  reasoning: string[];
  ending: Ending<C>;
}

/** What a turn says when its steps run out without a final message (and what unscripted turns say). */
export const DEFAULT_REPLY = 'ok';

type Plain = Exclude<Step, { delayMs: number }>;

function unwrap(step: Step): { delayMs: number; inner: Plain } {
  let delayMs = 0;
  let current = step;
  while ('delayMs' in current) {
    delayMs += current.delayMs;
    current = current.then;
  }
  return { delayMs, inner: current };
}

/** The key a step's call ids are derived from. */
export const stepKey = (turn: number, index: number): string => `t${turn}s${index}`;

/** The next response of turn `turn` given the call ids already answered in it. */
export function nextMove<C>(steps: readonly Step[], turn: number, answered: ReadonlySet<string>, dialect: Dialect<C>): Move<C> {
  let delayMs = 0;
  let reasoning: string[] = [];
  for (const [index, raw] of steps.entries()) {
    const { delayMs: ownDelay, inner } = unwrap(raw);
    const wait = delayMs + ownDelay;
    if ('reasoning' in inner) {
      // Reasoning rides along with the next response that has an action.
      reasoning.push(inner.reasoning);
      delayMs = wait;
      continue;
    }
    if ('message' in inner) return { delayMs: wait, reasoning, ending: { kind: 'message', text: inner.message } };
    if ('fail' in inner) return { delayMs: wait, reasoning, ending: { kind: 'fail', failure: inner.fail } };
    const state = dialect.step(inner, stepKey(turn, index), answered);
    if (state.state === 'skip') {
      delayMs = wait;
      continue;
    }
    if (state.state === 'done') {
      delayMs = 0;
      reasoning = [];
      continue;
    }
    const ending: Ending<C> = { kind: 'calls', calls: state.calls };
    return state.fresh ? { delayMs: wait, reasoning, ending } : { delayMs: 0, reasoning: [], ending };
  }
  return { delayMs, reasoning, ending: { kind: 'message', text: DEFAULT_REPLY } };
}
