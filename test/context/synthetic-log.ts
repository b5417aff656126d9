/**
 * A synthetic task log for the compaction tests and bench: a long, realistic run of agent chatter,
 * commands, file edits, plans and usage, with must-keep facts planted at known positions (early,
 * middle and late). Deterministic (seeded PRNG) and streamed, so a 200,000-event log never sits in
 * memory at once.
 */
import type { TaskEvent } from '../../runner/tasks/task-events.ts';

/** The task the log belongs to: what the summary's header shows. */
export const SYNTHETIC_TASK = {
  title: 'Make the config parser stream large files',
  goal: 'Make parseConfig() stream files larger than 50 MB without loading them whole; keep UTF-8 BOM handling and the include directive working.',
  requestedBy: 'U0ALICE',
  branch: 'director/t42-make-the-config-parser-stream',
  worktree: '/tmp/director-synthetic/worktrees/t42',
  pr: { number: 4821, url: 'https://github.com/acme/widgets/pull/4821', headSha: '9f1c2ab5e7d04c1e8b3a6f0d2c4e6a8b0d1f3e5a' },
} as const;

/** Human follow-ups, verbatim (one with CJK and an emoji). */
export const PLANTED_INSTRUCTIONS = [
  { author: 'alice', text: 'Please keep the public API of parseConfig() unchanged — the downstream CLI tools import it directly (ticket DIR-4821).' },
  { author: 'bob', text: 'Use the fixtures under test/fixtures/big-configs for the 50 MB case, do not generate them at test time.' },
  { author: 'chen', text: 'Don’t touch the Windows path handling 🙏 — 先别改 Windows 路径处理，下个版本再说。' },
  { author: 'alice', text: 'Before you open the PR, squash the fixup commits and mention DIR-4821 in its description.' },
] as const;

/** Sentences in which the agent states a decision (each matches the fold's decision pattern). */
export const PLANTED_DECISIONS = [
  'I decided to keep the v1 parser because the v2 one drops BOM handling.',
  'Root cause: the loader caches the resolved include path per process, so tests that chdir see stale values.',
  'Going with a streaming tokenizer instead of splitting on newlines, since config files can exceed 50 MB.',
  'Turns out the flaky snapshot test depends on TZ; I opted to pin TZ=UTC in the test setup.',
] as const;

/** A command that fails early and is never fixed, and the last line of its output. */
export const PLANTED_FAILURE = {
  command: 'npm run lint:licenses',
  exitCode: 2,
  lastLine: "license-checker: unknown license 'WTFPL-2.1' in vendor/minimist-fork (package.json)",
} as const;

/** The last verification: failing tests by name. */
export const PLANTED_VERIFICATION = {
  command: 'npm test',
  passed: 412,
  failed: 2,
  failing: ['parser › handles a UTF-8 BOM inside nested includes', 'config loader › resolves relative includes after chdir'],
} as const;

/** The agent's question near the end, which nobody answers. */
export const PLANTED_QUESTION = 'Should the deprecated --legacy-bom flag be removed in this PR or in a follow-up release?';

/** Strings that must appear in the rendered summary of the log (any length ≥ 1,000). */
export const MUST_KEEP: readonly string[] = [
  SYNTHETIC_TASK.goal,
  SYNTHETIC_TASK.branch,
  SYNTHETIC_TASK.pr.url,
  `#${SYNTHETIC_TASK.pr.number}`,
  ...PLANTED_INSTRUCTIONS.map((i) => i.text),
  ...PLANTED_DECISIONS,
  PLANTED_FAILURE.command,
  PLANTED_FAILURE.lastLine,
  ...PLANTED_VERIFICATION.failing,
  PLANTED_QUESTION,
];

/** The paths the agent edits (a bounded set, as in a real task). */
export const SYNTHETIC_PATHS: readonly string[] = [
  ...['parser', 'tokenizer', 'loader', 'include', 'bom', 'stream', 'errors', 'paths', 'cache', 'index'].map((m) => `src/config/${m}.ts`),
  ...['parser', 'tokenizer', 'loader', 'include', 'bom', 'stream', 'errors', 'paths', 'cache', 'cli'].map((m) => `test/config/${m}.test.ts`),
  ...['args', 'main', 'output', 'help', 'version'].map((m) => `src/cli/${m}.ts`),
  ...['README.md', 'CHANGELOG.md', 'docs/config.md', 'docs/streaming.md', 'package.json'],
  ...['small', 'bom', 'nested', 'windows', 'huge'].map((m) => `test/fixtures/configs/${m}.conf`),
  ...['read', 'utf8', 'tmp', 'log', 'timer'].map((m) => `src/util/${m}.ts`),
];

/** Where the planted facts go, for a log of `events` events (1-based positions). */
export function plantedPositions(events: number): Map<number, TaskEvent> {
  const at = (fraction: number) => Math.max(1, Math.round(events * fraction));
  const planted = new Map<number, TaskEvent>();
  const put = (position: number, event: TaskEvent) => {
    let p = position;
    while (planted.has(p)) p++;
    planted.set(p, event);
  };
  put(10, { type: 'instruction', ...PLANTED_INSTRUCTIONS[0] });
  put(40, {
    type: 'command_finished',
    id: 'planted-lint',
    command: PLANTED_FAILURE.command,
    exitCode: PLANTED_FAILURE.exitCode,
    output: `> acme-widgets@3.4.0 lint:licenses\n> license-checker --onlyAllow 'MIT;ISC;Apache-2.0'\n\n${PLANTED_FAILURE.lastLine}\n`,
  });
  put(at(0.05), { type: 'agent_message', text: `Compared both parsers on the BOM fixtures. ${PLANTED_DECISIONS[0]} Next I will wire the tokenizer into it.` });
  put(at(0.3), { type: 'instruction', ...PLANTED_INSTRUCTIONS[1] });
  put(at(0.4), { type: 'turn_finished', summary: `${PLANTED_DECISIONS[1]}\nI moved the cache into the loader instance.` });
  put(at(0.5), {
    type: 'verification',
    ok: true,
    command: 'npm test',
    durationMs: 41_000,
    passed: 398,
    failed: 0,
    skipped: 3,
    failing: [],
    timedOut: false,
    output: 'Tests: 398 passed, 3 skipped',
  });
  put(at(0.6), { type: 'agent_message', text: `${PLANTED_DECISIONS[2]}\nThe tokenizer now yields one entry at a time.` });
  put(at(0.7), { type: 'instruction', ...PLANTED_INSTRUCTIONS[2] });
  put(at(0.85), { type: 'agent_message', text: `${PLANTED_DECISIONS[3]} Rerunning the suite now.` });
  put(at(0.95), { type: 'instruction', ...PLANTED_INSTRUCTIONS[3] });
  put(events - 300, {
    type: 'verification',
    ok: false,
    command: PLANTED_VERIFICATION.command,
    durationMs: 44_000,
    passed: PLANTED_VERIFICATION.passed,
    failed: PLANTED_VERIFICATION.failed,
    skipped: 3,
    failing: [...PLANTED_VERIFICATION.failing],
    timedOut: false,
    output: `FAIL ${PLANTED_VERIFICATION.failing.join('\nFAIL ')}\nTests: 2 failed, 412 passed`,
  });
  put(events - 200, {
    type: 'published',
    prNumber: SYNTHETIC_TASK.pr.number,
    prUrl: SYNTHETIC_TASK.pr.url,
    headSha: SYNTHETIC_TASK.pr.headSha,
    updated: false,
  });
  put(events - 50, { type: 'question', text: PLANTED_QUESTION });
  return planted;
}

/** mulberry32: a small, fast, seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Progress chatter: none of it states a decision (the fold must not keep any of it).
const CHATTER = [
  'Reading {file} to see how {thing} is wired.',
  'Running the tests for {file} again.',
  'Updating {file} to handle {thing}.',
  'Looking at {file} next.',
  'The {thing} tests pass locally now; moving on to {file}.',
  'Adding a case for {thing} in {file}.',
  'Tidying the imports in {file}.',
  'Still working through {thing}; {file} needs another pass.',
];
const REASONING = [
  'Considering how {thing} interacts with {file}.',
  'The stream should stay bounded while {thing} is parsed.',
  'Need to check whether {file} reads the whole input first.',
  'Maybe {thing} belongs in {file}; checking the callers.',
];
const THINGS = [
  'BOM handling',
  'nested includes',
  'CRLF line endings',
  'the include cache',
  'relative paths',
  'large inputs',
  'error positions',
  'comment stripping',
];
const COMMANDS = ['git status --short', 'npx tsc --noEmit', 'git diff --stat', 'npm run build', 'ls test/fixtures/configs'];
const FILE_COMMANDS = ['npx vitest run {file}', 'cat {file}', 'rg -n "include" {file}', 'npx eslint {file}'];
/** Commands that sometimes fail and later pass (a bounded set, like a real run's flaky steps). */
const FLAKY = [
  'npx vitest run test/config/parser.test.ts',
  'npx vitest run test/config/loader.test.ts',
  'npx tsc --noEmit',
  'npm run build',
  'npx eslint src/config',
];
const TURN_EVERY = 3000;

const fill = (template: string, pick: <T>(list: readonly T[]) => T) => template.replace('{file}', pick(SYNTHETIC_PATHS)).replace('{thing}', pick(THINGS));

/** Filler output of about `size` characters: test-runner style lines. */
function outputOf(random: () => number, size: number, last: string): string {
  const lines: string[] = [];
  let length = 0;
  let n = 0;
  while (length < size) {
    const line = ` ✓ test/config/case-${n++}.test.ts (${Math.floor(random() * 40) + 1} tests) ${Math.floor(random() * 900) + 10}ms`;
    lines.push(line);
    length += line.length + 1;
  }
  lines.push(last);
  return lines.join('\n');
}

export interface SyntheticLogOptions {
  /** Events in the log (default 100,000). */
  events?: number;
  seed?: number;
}

/** The log, one event at a time: exactly `events` events, the planted ones at their positions. */
export function* syntheticLog({ events = 100_000, seed = 42 }: SyntheticLogOptions = {}): Generator<TaskEvent> {
  if (events < 1000) throw new Error('the synthetic log needs at least 1,000 events to plant its facts');
  const random = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const planted = plantedPositions(events);
  const pending: TaskEvent[] = [];
  let commandId = 0;
  let turn = 0;
  let nextTurnEnd = TURN_EVERY + Math.floor(random() * 500);
  let inputTokens = 0;

  const randomStep = (position: number): void => {
    if (position === 1) {
      pending.push({ type: 'session_started', sessionId: `sess-${seed}` });
      return;
    }
    if (position >= nextTurnEnd) {
      turn++;
      nextTurnEnd = position + TURN_EVERY + Math.floor(random() * 500);
      pending.push({ type: 'usage', inputTokens, cachedInputTokens: Math.floor(inputTokens / 2), outputTokens: Math.floor(inputTokens / 20) });
      pending.push({
        type: 'turn_finished',
        summary: `Turn ${turn} done: edited ${pick(SYNTHETIC_PATHS)} and reran the suite. Next I look at ${pick(THINGS)}.`,
      });
      return;
    }
    const r = random();
    if (r < 0.16) pending.push({ type: 'agent_message', text: fill(pick(CHATTER), pick) });
    else if (r < 0.3) pending.push({ type: 'reasoning', text: fill(pick(REASONING), pick) });
    else if (r < 0.72) {
      const id = `cmd-${++commandId}`;
      const flaky = random() < 0.12;
      const command = flaky ? pick(FLAKY) : random() < 0.5 ? pick(COMMANDS) : fill(pick(FILE_COMMANDS), pick);
      const fails = flaky && random() < 0.4;
      const size = 200 + Math.floor(random() * 1300);
      pending.push({ type: 'command_started', id, command });
      pending.push({
        type: 'command_finished',
        id,
        command,
        exitCode: fails ? 1 : 0,
        output: fails ? outputOf(random, size, `Error: ${pick(THINGS)} check failed in ${pick(SYNTHETIC_PATHS)}`) : outputOf(random, size, 'done'),
      });
    } else if (r < 0.86) {
      const n = 1 + Math.floor(random() * 3);
      pending.push({
        type: 'file_changed',
        changes: Array.from({ length: n }, () => ({ path: pick(SYNTHETIC_PATHS), kind: random() < 0.05 ? 'add' : 'update' })),
      });
    } else if (r < 0.88) {
      const steps = [
        'Read the parser and loader',
        'Write a streaming tokenizer',
        'Keep BOM handling',
        'Fix include resolution after chdir',
        'Run the whole suite',
        'Open the PR',
      ];
      const done = Math.floor(random() * steps.length);
      pending.push({ type: 'plan', steps: steps.map((text, i) => ({ text, done: i < done })) });
    } else {
      inputTokens += 500 + Math.floor(random() * 5000);
      pending.push({ type: 'usage', inputTokens, cachedInputTokens: Math.floor(inputTokens / 2), outputTokens: Math.floor(inputTokens / 20) });
    }
  };

  for (let position = 1; position <= events; position++) {
    const plant = planted.get(position);
    if (plant) {
      yield plant;
      continue;
    }
    if (pending.length === 0) randomStep(position);
    const next = pending.shift();
    if (next) yield next;
  }
}

/** Batches of `size` events with their times, as the engine's recorder writes them. */
export function* batches(log: Iterable<TaskEvent>, size = 500, start = 1_700_000_000_000): Generator<{ at: number; event: TaskEvent }[]> {
  let batch: { at: number; event: TaskEvent }[] = [];
  let at = start;
  for (const event of log) {
    batch.push({ at: at++, event });
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
