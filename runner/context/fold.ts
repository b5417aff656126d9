import { handleTaskEvent, type TaskEvent, type TaskEventHandlers } from '../tasks/task-events.ts';
import { LIMITS, newEpisode, type ContextState, type Digest } from './state.ts';
import { clip, oneLine } from '../../shared/text.ts';

/** Sentences where an agent states a decision or a conclusion. */
const DECISION =
  /\b(?:decided|decision|decide to|conclu(?:de|ded|sion)|chose|choosing|opted|going with|will use|root cause|the cause|turns out|trade-?off|instead of|because)\b/i;

/** Sentences of a message that state a decision or conclusion, whole. */
export function statedDecisions(text: string): string[] {
  if (!DECISION.test(text)) return [];
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.replace(/^[-*•\d.)\s]+/, '').trim())
    .filter((s) => s.length > 0 && DECISION.test(s))
    .map((s) => oneLine(s, LIMITS.statement));
}

/** cyrb53: a 53-bit string hash (collisions among a few thousand paths are vanishingly rare). */
function pathHash(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** The hashes of a state's unlisted paths as a set, built once per loaded state. */
const otherPathSets = new WeakMap<number[], Set<number>>();

/** Counts a changed path that is not listed, once however often it changes (up to `countedFiles`). */
function countOtherPath(state: ContextState, path: string): void {
  const hashes = (state.otherPaths ??= []);
  let seen = otherPathSets.get(hashes);
  if (!seen || seen.size !== hashes.length) {
    seen = new Set(hashes);
    otherPathSets.set(hashes, seen);
  }
  const hash = pathHash(path);
  if (seen.has(hash)) return;
  // Past the limit a path cannot be told from one seen before: the count stops one over it, which reads "more than".
  if (Object.keys(state.files).length + hashes.length > LIMITS.countedFiles) return;
  hashes.push(hash);
  seen.add(hash);
  state.moreFiles++;
}

function addDecision(state: ContextState, decision: string): void {
  const at = state.decisions.indexOf(decision);
  if (at >= 0) state.decisions.splice(at, 1);
  state.decisions.push(decision);
  while (state.decisions.length > LIMITS.decisions) {
    const old = state.decisions.shift();
    if (old !== undefined) state.episode.folded = [...state.episode.folded, oneLine(old, 80)].slice(-LIMITS.foldedPerDigest);
  }
}

function addInstruction(state: ContextState, author: string, text: string): void {
  state.instructions.push({ author, text });
  let chars = state.instructions.reduce((n, i) => n + i.text.length, 0);
  // The newest instruction stays even when it alone is over the limit.
  while (chars > LIMITS.instructionChars && state.instructions.length > 1) {
    chars -= state.instructions.shift()?.text.length ?? 0;
    state.droppedInstructions++;
  }
  // A person answered: the agent's questions are no longer open.
  state.questions = [];
}

/** Ends the current stretch of the log: it becomes a digest; too many digests merge the oldest two. */
function closeEpisode(state: ContextState): void {
  const e = state.episode;
  if (state.events < e.from) return;
  state.digests.push({ ...e, to: state.events });
  state.episode = newEpisode(state.events + 1);
  if (state.digests.length <= LIMITS.digests) return;
  const [a, b] = state.digests.splice(0, 2);
  if (!a || !b) return;
  const merged: Digest = {
    from: a.from,
    to: b.to,
    commands: a.commands + b.commands,
    failedCommands: a.failedCommands + b.failedCommands,
    fileChanges: a.fileChanges + b.fileChanges,
    messages: a.messages + b.messages,
    said: '',
    // Decisions pushed out of the kept list stay, shortened, a few of the newest per merged stretch.
    folded: [...a.folded, ...b.folded].slice(-LIMITS.foldedPerDigest),
  };
  state.digests.unshift(merged);
}

/** How each event changes the context (in place: the hot path, no copies). */
const FOLD: TaskEventHandlers<ContextState, void> = {
  instruction: (event, state) => addInstruction(state, event.author, event.text),
  agent_message: (event, state) => {
    state.episode.messages++;
    state.episode.said = oneLine(event.text.split('\n')[0] ?? '', 120);
    for (const d of statedDecisions(event.text)) addDecision(state, d);
  },
  // A command agent's raw lines: counted, and a stated decision kept (it seeds a restart); never quoted as "said".
  output: (event, state) => {
    state.episode.messages++;
    for (const d of statedDecisions(event.text)) addDecision(state, d);
  },
  plan: (event, state) => {
    state.plan = event.steps.slice(0, 20).map((s) => ({ text: oneLine(s.text, 160), done: s.done }));
  },
  command_finished: (event, state) => {
    state.commands++;
    state.episode.commands++;
    const command = oneLine(event.command, 200);
    const at = state.failedCommands.findIndex((f) => f.command === command);
    if (event.exitCode === 0) {
      const known = state.failedCommands[at];
      if (known) known.fixed = true;
      return;
    }
    state.episode.failedCommands++;
    const lastLine = oneLine(event.output.trim().split('\n').at(-1) ?? '', 200);
    const previous = at >= 0 ? state.failedCommands.splice(at, 1)[0] : undefined;
    state.failedCommands.push({ command, exitCode: event.exitCode, lastLine, times: (previous?.times ?? 0) + 1, fixed: false });
    if (state.failedCommands.length > LIMITS.failedCommands) state.failedCommands.shift();
  },
  file_changed: (event, state) => {
    for (const change of event.changes) {
      state.episode.fileChanges++;
      // Own properties only: a path such as "constructor" or "__proto__" is a file like any other.
      const known = Object.hasOwn(state.files, change.path) ? state.files[change.path] : undefined;
      if (known) {
        known.kind = change.kind;
        known.n++;
      } else if (state.moreFiles === 0 && Object.keys(state.files).length < LIMITS.files) state.files[change.path] = { kind: change.kind, n: 1 };
      else countOtherPath(state, change.path);
    }
  },
  question: (event, state) => {
    const question = oneLine(event.text, LIMITS.statement);
    state.questions = [...state.questions.filter((q) => q !== question), question].slice(-LIMITS.questions);
  },
  turn_finished: (event, state) => {
    state.turns++;
    if (event.summary) {
      state.conclusion = clip(event.summary.trim(), LIMITS.conclusion);
      for (const d of statedDecisions(event.summary)) addDecision(state, d);
    }
    closeEpisode(state);
  },
  error: (event, state) => {
    if (event.fatal) state.lastError = oneLine(event.message, LIMITS.statement);
  },
  verification: (event, state) => {
    state.verifications++;
    state.verification = {
      ok: event.ok,
      command: event.command,
      ...(event.passed !== undefined && { passed: event.passed }),
      ...(event.failed !== undefined && { failed: event.failed }),
      failing: event.failing.slice(0, 50).map((name) => oneLine(name, 200)),
      timedOut: event.timedOut,
    };
  },
  published: (event, state) => {
    state.pr = { number: event.prNumber, url: event.prUrl, headSha: event.headSha };
  },
  restarted: (_event, state) => {
    state.restarts++;
    closeEpisode(state);
  },
  // Counted in the episode's events only.
  reasoning: () => undefined,
  command_started: () => undefined,
  usage: () => undefined,
  session_started: () => undefined,
  verification_started: () => undefined,
  // Its outcome shows as the fix-up turn's instruction or the task's failure.
  push_blocked: () => undefined,
  // The fix-up turns they lead to carry their substance; the PR body and the thread hold the rest.
  reviewed: () => undefined,
  feedback_round: () => undefined,
  feedback_addressed: () => undefined,
};

/** Folds one event into the task's context. Mutates `state` (the hot path: no copies). */
export function foldEvent(state: ContextState, event: TaskEvent): void {
  state.events++;
  const episode = state.episode;
  handleTaskEvent(FOLD, event, state);
  // An episode the event did not end itself (a turn's end, a restart) ends when it grows too long.
  if (state.episode === episode && state.events - episode.from + 1 >= LIMITS.episodeEvents) closeEpisode(state);
}
