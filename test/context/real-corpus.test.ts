// The folded context and its summary, fed by real agent runs: the real codex and claude CLIs,
// scripted through the model emulator, driven by the task engine. What a long session must keep
// in its summary, and what a fresh session (a restart) is given to go on with.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type EmulatorUrls, type Playbook, type RecordedRequest, type Step } from '../../emulators/model/index.ts';
import { useRealAgentWorld } from '../support/real-agent-world.ts';
import { request } from '../support/engine-harness.ts';
import { git } from '../support/git-repo.ts';
import { until } from '../../emulators/support/until.ts';
import type { TaskEvent } from '../../runner/tasks/task-events.ts';

type ErrorEvent = Extract<TaskEvent, { type: 'error' }>;

/** `npm test` with flags: `--lockfile` fails with a distinctive stderr line, `--suite=x` passes. */
const TEST_JS = `const args = process.argv.slice(2);
if (args.includes('--lockfile')) {
  process.stderr.write('E_LOCKFILE_DRIFT: package-lock.json does not match package.json\\n');
  process.exit(2);
}
const suite = (args.find((a) => a.startsWith('--suite=')) ?? '--suite=all').slice('--suite='.length);
console.log(suite + ': 3 passed, 0 failed');
`;

const files = {
  'package.json': JSON.stringify({ name: 'ledger', private: true, scripts: { test: 'node test.js' } }),
  'test.js': TEST_JS,
  'src/app.js': 'export const answer = 42;\n',
};

/** Allowed to claude too (its driver allows `npm test` and `sleep` only). */
const FAILING = 'npm test --silent -- --lockfile';
const FAILING_LINE = 'E_LOCKFILE_DRIFT: package-lock.json does not match package.json';
const HEADING = 'Summary of the task so far';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
/** A block of text as the summary quotes it (indented two spaces). */
const quoted = (text: string) =>
  text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const write = (path: string, content = `// ${path}\nexport {};\n`): Step => ({ writeFile: { path, content } });
const shell = (command: string): Step => ({ shell: command });
const suite = (name: string): Step => shell(`npm test --silent -- --suite=${name}`);

/** The first request of every conversation, in order (one per agent session). */
const sessionStarts = (requests: RecordedRequest[]) => requests.filter((r) => r.turn === 0 && r.toolResults.length === 0);

// ---------------------------------------------------------------------------------------------
// The corpus: one long task, four turns, every kind of step.

const CORPUS = 'corpus-csv-importer';
const GOAL = `${CORPUS}: build a CSV import pipeline for the ledger — parse uploaded CSV files, validate every row, and write the valid rows to the ledger store.`;

/** A person pasting what they saw: many lines, some of them not ASCII. */
const pasted = (what: string, n: number) =>
  Array.from({ length: n }, (_, i) => `  ${what} ${i + 1}: amount=-${12 + i}.50 € from Zürich — imported as a credit ✗`).join('\n');

const INSTRUCTIONS = [
  {
    author: 'alice',
    text: `Keep the validator free of network calls; rows with a negative amount must be rejected with error code NEG_AMOUNT.\nThis is what last night's upload did:\n${pasted('row', 24)}`,
  },
  {
    author: 'bob',
    text: `Use ISO-8601 dates only (YYYY-MM-DD) — the finance team rejects anything else.\nDo not touch src/app.js.\nThe rejected dates, for reference:\n${pasted('date row', 16)}`,
  },
  { author: 'carol', text: 'Last thing: add a CHANGELOG entry under "Unreleased", then tell us what is still open.' },
];

const DECISIONS = [
  'I decided to use the streaming parser because the DOM parser loads the whole file.',
  'I chose to keep validation synchronous instead of async since the validator may not make network calls.',
  'Error codes live in one module because the validator, the parser and the store all report them.',
  'The root cause of the date bug was the locale-dependent Date constructor.',
  'I decided against a date library: a strict regular expression is enough for YYYY-MM-DD.',
  'Going with batch inserts of 500 rows as a trade-off between memory and speed.',
  'I concluded that the lockfile drift predates this task, so I left package-lock.json alone.',
];

const QUESTION = 'Should the importer skip invalid rows and report them, or abort the whole file on the first invalid row?';

const WRITTEN = [
  'src/importer/parser.js',
  'src/importer/validator.js',
  'src/importer/index.js',
  'docs/importer.md',
  'src/importer/errors.js',
  'test/validator.test.js',
  'test/parser.test.js',
  'src/importer/dates.js',
  'test/dates.test.js',
  'src/importer/store.js',
  'CHANGELOG.md',
  'src/importer/README.md',
  'test/store.test.js',
  'src/importer/types.js',
  'test/errors.test.js',
  'docs/dates.md',
  'docs/batching.md',
  'test/changelog.test.js',
];

const corpus: Playbook = {
  turns: [
    {
      steps: [
        { reasoning: 'Start with the parser, then the validator.' },
        { plan: ['Sketch the importer', 'Write the parser', 'Write the validator', 'Run the tests'] },
        write('src/importer/parser.js', 'export function* parse(stream) {\n  yield* stream;\n}\n'),
        write('src/importer/validator.js', 'export const validate = (row) => row.length > 0;\n'),
        shell('npm test'),
        write('src/importer/index.js', "export { parse } from './parser.js';\nexport { validate } from './validator.js';\n"),
        suite('parser'),
        shell(FAILING),
        write('docs/importer.md', '# CSV importer\n\nStreams rows, validates them, stores the valid ones.\n'),
        suite('importer'),
        write('src/importer/types.js', '/** @typedef {{ date: string, amount: number }} Row */\nexport {};\n'),
        suite('types'),
        {
          message: `Wrote the parser, the validator and the importer entry point.\n${DECISIONS[0] ?? ''} The lockfile check still fails (E_LOCKFILE_DRIFT); I left it for now.`,
        },
      ],
    },
    {
      steps: [
        { plan: ['Reject negative amounts', 'Keep the validator offline', 'Test the validator'] },
        write('src/importer/validator.js', "export const validate = (row) => (row.amount < 0 ? 'NEG_AMOUNT' : null);\n"),
        write('src/importer/errors.js', "export const NEG_AMOUNT = 'NEG_AMOUNT';\n"),
        write('test/validator.test.js', "import { validate } from '../src/importer/validator.js';\nvalidate({ amount: -1 });\n"),
        suite('validator'),
        write('test/parser.test.js', "import { parse } from '../src/importer/parser.js';\nparse([]);\n"),
        suite('parser'),
        write('test/errors.test.js', "import { NEG_AMOUNT } from '../src/importer/errors.js';\nif (NEG_AMOUNT !== 'NEG_AMOUNT') throw new Error('code');\n"),
        suite('errors'),
        shell('sleep 0'),
        shell('npm test'),
        {
          message: `Negative amounts are now rejected with NEG_AMOUNT, and the validator makes no network calls.\n${DECISIONS[1] ?? ''} ${DECISIONS[2] ?? ''}`,
        },
      ],
    },
    {
      steps: [
        { plan: ['Parse ISO-8601 dates strictly', 'Test the date parser', 'Check the lockfile again'] },
        write('src/importer/dates.js', 'export const parseDate = (s) => (/^\\d{4}-\\d{2}-\\d{2}$/.test(s) ? s : null);\n'),
        write('test/dates.test.js', "import { parseDate } from '../src/importer/dates.js';\nparseDate('2024-01-31');\n"),
        suite('dates'),
        write(
          'src/importer/parser.js',
          "import { parseDate } from './dates.js';\nexport function* parse(stream) {\n  for (const row of stream) yield { ...row, date: parseDate(row.date) };\n}\n",
        ),
        shell(FAILING),
        suite('importer'),
        write('docs/dates.md', '# Dates\n\nOnly YYYY-MM-DD is accepted.\n'),
        suite('docs'),
        shell('npm test'),
        { message: `Dates are parsed strictly as YYYY-MM-DD; src/app.js is untouched.\n${DECISIONS[3] ?? ''}\n${DECISIONS[4] ?? ''}` },
      ],
    },
    {
      steps: [
        {
          plan: [
            'Write the changelog entry under "Unreleased" for the CSV import pipeline, with one line per user-visible change',
            'Batch the inserts into the ledger store, 500 rows at a time, in one transaction per batch',
            'Cover the batching with a test that stores 1,001 rows and checks that exactly three batches are written',
            'Document the batching trade-off between memory and speed in docs/batching.md, with the numbers measured',
            'Check that the changelog mentions NEG_AMOUNT and the ISO-8601 date rule in words the finance team uses',
            'Run the whole suite once more and read its output for warnings, not only for failures',
            'Look again at the lockfile drift (E_LOCKFILE_DRIFT) without running npm install or touching the lockfile',
            'List what is still open for the people in the thread, most important first',
            'Ask how invalid rows should be handled: skip and report them, or abort the whole file on the first one',
            'Note in the summary which files changed in this turn and which test suites cover each of them',
            'Keep src/app.js untouched, as bob asked, and say so explicitly in the summary of this turn',
            'Leave the validator offline, as alice asked, and keep NEG_AMOUNT as the error code for negative amounts',
            'Make sure every date in the fixtures is YYYY-MM-DD before finishing, including the ones in the docs',
            'Read the importer README once more so that it matches the code after the batching change',
            'Check that docs/importer.md and docs/dates.md link to each other and to the changelog entry',
            'Confirm that no new dependency was added to package.json while the lockfile drift is still open',
            'Finish with a short summary: what changed, why, and the one question that is still open',
          ],
        },
        write('src/importer/store.js', 'export const BATCH = 500;\n'),
        write('test/store.test.js', "import { BATCH } from '../src/importer/store.js';\nif (BATCH !== 500) throw new Error('batch');\n"),
        suite('store'),
        write('CHANGELOG.md', '# Changelog\n\n## Unreleased\n\n- CSV import pipeline for the ledger.\n'),
        write('src/importer/README.md', '# importer\n\nparse → validate → store, 500 rows at a time.\n'),
        write('docs/batching.md', '# Batching\n\nRows are stored 500 at a time.\n'),
        suite('batching'),
        write('test/changelog.test.js', "import { readFileSync } from 'node:fs';\nreadFileSync('CHANGELOG.md', 'utf8');\n"),
        shell('npm test'),
        suite('all'),
        {
          message: [
            `Added the changelog entry under Unreleased. ${DECISIONS[5] ?? ''} ${DECISIONS[6] ?? ''}`,
            ...WRITTEN.map((path) => `- ${path}: written and covered by \`npm test\` (the ${path.split('/').at(-1) ?? path} suite passes).`),
            'Still open: the lockfile drift (E_LOCKFILE_DRIFT) and how invalid rows are handled.',
            QUESTION,
          ].join('\n'),
        },
      ],
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// Restarts: a first session with a follow-up and a decision, then a fresh one from the summary.

const RESTART_DECISION = 'I decided to export amounts in integer cents because floating point rounds badly.';
const RESTART_INSTRUCTION = 'Split the export at 1 MB per file; downstream tooling cannot read bigger ones.';

/** Turn 1 writes a file and makes a decision; turn 2 (the follow-up) writes another, then `last`. */
function firstSession(last: Step): Playbook {
  return {
    turns: [
      { steps: [write('src/export/first.js', 'export const first = 1;\n'), shell('npm test'), { message: `Wrote src/export/first.js. ${RESTART_DECISION}` }] },
      { steps: [write('src/export/split.js', 'export const LIMIT = 1024 * 1024;\n'), last] },
    ],
  };
}

/**
 * The fresh session's playbook. Its first prompt starts with the task prompt too, so the first
 * session's script matches it as well; scripts registered later win, so this one is registered
 * after it and keyed by the summary's heading, which only a fresh session's prompt holds. Being a
 * new conversation, it is answered from turn 0.
 */
const freshSession: Playbook = {
  turns: [
    {
      steps: [
        suite('export'),
        write('src/export/second.js', 'export const second = 2;\n'),
        { message: 'Continued from the summary: wrote src/export/second.js.' },
      ],
    },
  ],
};

/** Same worktree: the files of the first session and of the fresh one are all there. */
function expectBothSessionsWork(worktree: string): void {
  for (const path of ['src/export/first.js', 'src/export/split.js', 'src/export/second.js']) expect(existsSync(join(worktree, path)), path).toBe(true);
}

/** The summary, as quoted in a fresh session's first prompt, carries the follow-up and the decision. */
function expectSeeded(prompt: string): void {
  expect(prompt).toContain(`${HEADING}:`);
  expect(prompt).toContain(`## Human instructions (verbatim, newest first)\nalice:\n${quoted(RESTART_INSTRUCTION)}\n`);
  expect(prompt).toContain(`- ${RESTART_DECISION}\n`);
  expect(prompt).toContain('src/export/first.js');
  expect(prompt).toContain('src/export/split.js');
}

// ---------------------------------------------------------------------------------------------
// A context window that runs out. The emulator has no such failure, so a proxy in front of it
// answers as the real APIs do once a conversation's history holds `trigger`.

const OVERFLOW = {
  /** OpenAI: codex turns `context_length_exceeded` into "…ran out of room in the model's context window…". */
  responses: {
    error: {
      message: 'Your input exceeds the context window of this model. Please adjust your input and try again.',
      type: 'invalid_request_error',
      param: 'input',
      code: 'context_length_exceeded',
    },
  },
  /** Anthropic: Claude Code reports "Prompt is too long". */
  messages: { type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 212345 tokens > 200000 maximum' } },
};

interface OverflowProxy {
  urls: EmulatorUrls;
  /** Model requests answered with the overflow error. */
  refused: number;
  close(): Promise<void>;
}

async function overflowProxy(upstream: string, trigger: string): Promise<OverflowProxy> {
  const target = new URL(upstream);
  let refused = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = req.url ?? '/';
      const api = /^\/v1\/responses(\?|$)/.test(path) ? 'responses' : /^\/v1\/messages(\?|$)/.test(path) ? 'messages' : undefined;
      if (req.method === 'POST' && api && body.includes(trigger)) {
        refused++;
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify(OVERFLOW[api]));
        return;
      }
      const forward = httpRequest({ host: target.hostname, port: target.port, method: req.method, path, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      // A client that hangs up (a cancelled agent) hangs up on the emulator too.
      res.on('close', () => forward.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    urls: { openaiBaseUrl: `${url}/v1`, anthropicBaseUrl: url },
    get refused() {
      return refused;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.each(['codex', 'claude'] as const)('the folded context of real %s sessions', (kind) => {
  const world = useRealAgentWorld(kind, 'director-corpus-', files);
  /** The engine with the real CLI, talking to `model` (the emulator, or a proxy in front of it). */
  const engine = (model?: EmulatorUrls) => world.engine(model ? { model } : {});

  /** The fresh session after a restart: a new session, answered by the fresh-session script, whose first prompt carries the summary. */
  function freshPrompt(marker: string): string {
    const starts = sessionStarts(world.emu.conversation(marker));
    expect(starts).toHaveLength(2);
    const prompt = starts[1]?.humanMessages[0] ?? '';
    expect(starts[1]).toMatchObject({ matched: HEADING, humanMessages: [prompt] });
    expect(starts[1]?.sessionId).not.toBe(starts[0]?.sessionId);
    expectSeeded(prompt);
    return prompt;
  }

  it('keeps every must-keep fact of a long session in an 8 KB summary, folded incrementally as from scratch', async () => {
    world.emu.script(CORPUS, corpus);
    const { engine: e, store, context } = engine();
    const task = e.create({ project: 'demo', agent: kind, title: 'CSV importer', input: request(GOAL) });
    await e.idle();
    expect(store.require(task.id)).toMatchObject({ state: 'finished', runs: 1 });
    for (const [i, { author, text }] of INSTRUCTIONS.entries()) {
      e.steer(task.id, text, author);
      await e.idle();
      expect(store.require(task.id)).toMatchObject({ state: 'finished', runs: i + 2 });
    }
    const done = store.require(task.id);
    const branch = done.branch ?? '';
    expect(branch).not.toBe('');

    // The agent really did all of it, in one session resumed turn after turn.
    const requests = world.emu.conversation(CORPUS);
    // One request per model step (claude adds a Read before it overwrites a file).
    const modelSteps = corpus.turns.flatMap((t) => t.steps).filter((step) => !('reasoning' in step)).length;
    expect(modelSteps).toBeGreaterThanOrEqual(45);
    expect(requests.length).toBeGreaterThanOrEqual(modelSteps);
    expect(new Set(requests.map((r) => r.sessionId)).size).toBe(1);
    expect(requests.at(-1)?.humanMessages).toHaveLength(4);
    const failed = requests.flatMap((r) => r.toolResults).filter((t) => t.output.includes('E_LOCKFILE_DRIFT'));
    expect(failed.length).toBeGreaterThanOrEqual(2);
    expect(failed[0]?.exitCode).toBe(2);
    for (const path of WRITTEN) expect(existsSync(join(done.worktree ?? '', path)), path).toBe(true);
    expect(done.summary).toContain(QUESTION);

    const summary = context.summary(task.id);
    const stored = context.storedSummary(task.id) ?? '';
    // The log holds more than 8 KB of must-keep and nice-to-have text: the budget had to choose.
    expect(bytes(context.summary(task.id, { budget: 1 << 20 }))).toBeGreaterThan(8192);
    for (const text of [summary, stored]) {
      expect(bytes(text)).toBeLessThanOrEqual(8192);
      expect(text).toContain(`Goal:\n${quoted(GOAL)}`);
      for (const { author, text: instruction } of INSTRUCTIONS) expect(text).toContain(`${author}:\n${quoted(instruction)}`);
      for (const path of WRITTEN) expect(text).toContain(path);
      expect(text).toMatch(new RegExp(`\`[^\`\n]*${escape(FAILING)}[^\`\n]*\` \\(exit 2, 2 times\\): ${escape(FAILING_LINE)}\n`));
      for (const decision of DECISIONS) expect(text).toContain(`- ${decision}`);
      expect(text).toContain(`## Open questions\n- ${QUESTION}\n`);
      expect(text).toContain(`Branch: ${branch}\n`);
    }
    expect(summary).toContain('CSV importer — finished');

    // Folding event by event came to the same state as folding the whole log again.
    const state = context.state(task.id);
    expect(state).toEqual(context.fromScratch(task.id));
    expect(state).toMatchObject({ turns: 4, restarts: 0, instructions: INSTRUCTIONS, questions: [QUESTION], droppedInstructions: 0, moreFiles: 0 });
  });

  it('restarts a settled task from its summary: a fresh session, the same worktree and branch', async () => {
    const marker = 'restart-ledger-export';
    world.emu.script(marker, firstSession({ message: 'Split the export at 1 MB. I opted for newline-delimited JSON instead of CSV.' }));
    world.emu.script(HEADING, freshSession);
    const { engine: e, store, context } = engine();
    const task = e.create({ project: 'demo', agent: kind, title: 'Ledger export', input: request(`${marker}: export the ledger as files for the auditors.`) });
    await e.idle();
    e.steer(task.id, RESTART_INSTRUCTION, 'alice');
    await e.idle();
    const before = store.require(task.id);
    expect(before).toMatchObject({ state: 'finished', runs: 2 });
    const worktree = before.worktree ?? '';
    const branch = before.branch ?? '';

    await e.restart(task.id);
    await e.idle();
    const after = store.require(task.id);
    expect(after).toMatchObject({ state: 'finished', runs: 3, summary: 'Continued from the summary: wrote src/export/second.js.', worktree, branch });
    expect(after.session_id).not.toBe(before.session_id);
    expect(store.events(task.id)).toContainEqual({ type: 'restarted', reason: 'requested' });

    const prompt = freshPrompt(marker);
    expect(prompt).toContain('- I opted for newline-delimited JSON instead of CSV.\n');
    expect(prompt).toContain(`Branch: ${branch}\n`);

    expectBothSessionsWork(worktree);
    expect(readFileSync(join(worktree, 'src/export/second.js'), 'utf8')).toBe('export const second = 2;\n');
    expect(git(worktree, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe(branch);
    expect(context.state(task.id)).toEqual(context.fromScratch(task.id));
    expect(context.state(task.id)).toMatchObject({ restarts: 1, turns: 3 });
  });

  it('restarts a task in the middle of a turn: the turn ends and a fresh session picks up from the summary', async () => {
    const marker = 'restart-in-flight-export';
    // The follow-up's turn writes its file, then the model takes a minute to answer.
    world.emu.script(marker, firstSession({ delayMs: 60_000, then: { message: 'never sent' } }));
    world.emu.script(HEADING, freshSession);
    const { engine: e, store, changes, context } = engine();
    const task = e.create({ project: 'demo', agent: kind, title: 'Ledger export', input: request(`${marker}: export the ledger as files for the auditors.`) });
    await e.idle();
    const first = store.require(task.id);
    e.steer(task.id, RESTART_INSTRUCTION, 'alice');
    const wroteSplit = () =>
      changes.some((c) => c.task.id === task.id && c.event?.type === 'file_changed' && c.event.changes.some((f) => f.path === 'src/export/split.js'));
    await until(wroteSplit, 30_000, 'the second turn to write its file');
    // The model is "thinking" (the delayed step): the turn is in flight.
    await until(() => world.emu.conversation(marker).some((r) => r.turn === 1 && r.toolResults.length > 0), 10_000, 'the request after the write');
    expect(store.require(task.id).state).toBe('running');

    await e.restart(task.id);
    await e.idle();
    const after = store.require(task.id);
    expect(after).toMatchObject({
      state: 'finished',
      runs: 3,
      summary: 'Continued from the summary: wrote src/export/second.js.',
      worktree: first.worktree,
      branch: first.branch,
    });
    expect(after.session_id).not.toBe(first.session_id);
    const events = store.events(task.id);
    expect(events.filter((ev) => ev.type === 'restarted')).toEqual([{ type: 'restarted', reason: 'requested' }]);
    expect(events.some((ev) => ev.type === 'agent_message' && ev.text === 'never sent')).toBe(false);

    freshPrompt(marker);

    const worktree = after.worktree ?? '';
    expectBothSessionsWork(worktree);
    expect(git(worktree, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe(after.branch);
    expect(context.state(task.id)).toEqual(context.fromScratch(task.id));
  });

  it('starts a fresh session from the summary by itself when the agent reports its context window exhausted', async () => {
    const marker = 'overflowing-ledger-export';
    // The follow-up's turn runs a command whose output "fills the context": every later request
    // of that session is refused. A fresh session's history does not hold it.
    const trigger = 'filler-7f3a: 3 passed';
    world.emu.script(marker, firstSession(suite('filler-7f3a')));
    world.emu.script(HEADING, freshSession);
    const proxy = await overflowProxy(world.emu.url, trigger);
    const { engine: e, store, context } = engine(proxy.urls);
    try {
      const task = e.create({
        project: 'demo',
        agent: kind,
        title: 'Ledger export',
        input: request(`${marker}: export the ledger as files for the auditors.`),
      });
      await e.idle();
      const first = store.require(task.id);
      expect(first.state).toBe('finished');
      e.steer(task.id, RESTART_INSTRUCTION, 'alice');
      await e.idle();

      expect(proxy.refused).toBeGreaterThanOrEqual(1);
      const after = store.require(task.id);
      expect(after).toMatchObject({
        state: 'finished',
        runs: 3,
        summary: 'Continued from the summary: wrote src/export/second.js.',
        worktree: first.worktree,
        branch: first.branch,
      });
      expect(after.session_id).not.toBe(first.session_id);
      const events = store.events(task.id);
      const overflow = events.find((ev): ev is ErrorEvent => ev.type === 'error' && ev.fatal);
      expect(overflow).toMatchObject({ fatal: true, contextExhausted: true });
      expect(overflow?.message).toMatch(kind === 'codex' ? /context window/ : /prompt is too long/i);
      expect(events.filter((ev) => ev.type === 'restarted')).toEqual([{ type: 'restarted', reason: 'context_exhausted' }]);

      const prompt = freshPrompt(marker);
      expect(prompt).not.toContain(trigger);
      // The fresh session learns why it was started.
      expect(prompt).toContain(`Last agent error: ${overflow?.message ?? '?'}`);

      const worktree = after.worktree ?? '';
      expectBothSessionsWork(worktree);
      expect(context.state(task.id)).toEqual(context.fromScratch(task.id));
    } finally {
      await e.stop();
      await proxy.close();
    }
  });
});
