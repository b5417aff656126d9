import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContextKeeper } from '../../runner/context/keeper.ts';
import { SUMMARY_BUDGET } from '../../runner/context/render.ts';
import { runnerDatabase } from '../../runner/main.ts';
import { TaskStore } from '../../runner/tasks/store.ts';
import type { TaskEvent } from '../../runner/tasks/task-events.ts';
import type { Db } from '../../shared/db/open.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';
import {
  batches,
  MUST_KEEP,
  PLANTED_DECISIONS,
  PLANTED_FAILURE,
  PLANTED_INSTRUCTIONS,
  PLANTED_QUESTION,
  SYNTHETIC_TASK,
  syntheticLog,
} from './synthetic-log.ts';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
/** A lone UTF-16 surrogate: half of a character that was cut. */
const BROKEN = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\uFFFD/;
const T0 = 1_700_000_000_000;

/** The lines of one `## Heading` section of a summary (empty when it is absent). */
function section(summary: string, heading: string): string[] {
  const block = summary
    .split('\n\n## ')
    .map((b) => b.replace(/^## /, ''))
    .find((b) => b.startsWith(heading));
  return block ? block.split('\n').slice(1) : [];
}

describe('task context compaction', () => {
  let home: ReturnType<typeof tempHome>;
  let db: Db;
  let store: TaskStore;
  let keeper: ContextKeeper;

  const open = () => {
    db = runnerDatabase(home.dir);
    store = new TaskStore(db);
    keeper = new ContextKeeper(db, store);
  };
  /** Closes the database and opens it again with a new keeper: what a restarted runner does. */
  const restart = () => {
    db.close();
    open();
  };

  /** A running task of the synthetic log, on its branch, with its PR. */
  const syntheticTask = (id: string, now = T0) => {
    store.create(
      {
        id,
        project: 'demo',
        agent: 'codex',
        title: SYNTHETIC_TASK.title,
        input: { kind: 'request', text: SYNTHETIC_TASK.goal, requestedBy: SYNTHETIC_TASK.requestedBy },
      },
      now,
    );
    store.startRun(id, `run-${id}`, now);
    store.setWorktree(id, SYNTHETIC_TASK.branch, SYNTHETIC_TASK.worktree, now);
    store.setPull(id, SYNTHETIC_TASK.pr.number, SYNTHETIC_TASK.pr.url, now);
  };
  const plainTask = (id: string, now = T0) => {
    store.create(
      { id, project: 'demo', agent: 'codex', title: `Task ${id}`, input: { kind: 'request', text: `Do the thing for ${id}`, requestedBy: 'U0ALICE' } },
      now,
    );
    store.startRun(id, `run-${id}`, now);
  };
  const append = (id: string, events: TaskEvent[], at = T0) =>
    keeper.append(
      id,
      events.map((event, i) => ({ at: at + i, event })),
    );

  beforeEach(() => {
    home = tempHome('director-compaction-');
    open();
  });

  afterEach(() => {
    db.close();
    home.remove();
  });

  it('the synthetic log is deterministic, exactly as long as asked, and differs by seed', () => {
    const a = [...syntheticLog({ events: 5000, seed: 7 })];
    expect(a).toHaveLength(5000);
    expect([...syntheticLog({ events: 5000, seed: 7 })]).toEqual(a);
    expect([...syntheticLog({ events: 5000, seed: 8 })]).not.toEqual(a);
    expect(a[9]).toEqual({ type: 'instruction', ...PLANTED_INSTRUCTIONS[0] });
  });

  it('keeps every must-keep fact of a 100,000-event log within 8 KB, at every stage of the log', () => {
    syntheticTask('t42');
    const paths = new Set<string>();
    let folded = 0;
    const oversize: number[] = [];
    for (const batch of batches(syntheticLog({ events: 100_000 }))) {
      keeper.append('t42', batch);
      for (const { event } of batch) if (event.type === 'file_changed') for (const c of event.changes) paths.add(c.path);
      folded += batch.length;
      const stored = keeper.storedSummary('t42') ?? '';
      if (bytes(stored) > SUMMARY_BUDGET) oversize.push(folded);
      if (folded === 1000 || folded === 10_000 || folded === 50_000) {
        // The first instruction (event 10) and the failure at event 40 survive everything after them.
        expect(stored).toContain(PLANTED_INSTRUCTIONS[0].text);
        expect(stored).toContain(PLANTED_FAILURE.lastLine);
        expect(stored).toContain(SYNTHETIC_TASK.goal);
        expect(bytes(keeper.summary('t42'))).toBeLessThanOrEqual(SUMMARY_BUDGET);
      }
    }
    expect(folded).toBe(100_000);
    expect(oversize).toEqual([]);

    const stored = keeper.storedSummary('t42') ?? '';
    expect(bytes(stored)).toBeLessThanOrEqual(SUMMARY_BUDGET);
    expect(MUST_KEEP.filter((fact) => !stored.includes(fact))).toEqual([]);
    // The stored summary is the one rendered now: a restarted runner reads the same text.
    expect(keeper.summary('t42')).toBe(stored);

    // Newest instruction first; the agent's decisions and nothing of its chatter.
    const instructions = PLANTED_INSTRUCTIONS.map((i) => stored.indexOf(i.text));
    expect([...instructions].sort((a, b) => b - a)).toEqual(instructions);
    const state = keeper.state('t42');
    expect(state.events).toBe(100_000);
    // Folded 500 events at a time, exactly as if folded from the whole stored log at once.
    expect(state).toStrictEqual(keeper.fromScratch('t42'));
    expect(state.decisions).toEqual([...PLANTED_DECISIONS]);
    expect(section(stored, 'Decisions and conclusions')).toEqual(PLANTED_DECISIONS.map((d) => `- ${d}`).reverse());
    expect(section(stored, 'Open questions')).toEqual([`- ${PLANTED_QUESTION}`]);
    expect(section(stored, 'Files touched')[0]).toMatch(new RegExp(`^${paths.size} file\\(s\\): `));
    // The failure that was never fixed is not reported as fixed.
    const failure = section(stored, 'Commands that failed').find((l) => l.includes(PLANTED_FAILURE.command));
    expect(failure).toBe(`- \`${PLANTED_FAILURE.command}\` (exit ${PLANTED_FAILURE.exitCode}): ${PLANTED_FAILURE.lastLine}`);
    expect(section(stored, 'Last verification')[0]).toBe('`npm test` failed (412 passed, 2 failed), run 2 times');
  });

  it('folds incrementally to exactly the state folded from scratch, across a restart of the runner', () => {
    syntheticTask('a');
    syntheticTask('b');
    const log = () => batches(syntheticLog({ events: 30_000, seed: 3 }));
    // Task b: one keeper from start to end.
    for (const batch of log()) keeper.append('b', batch);
    // Task a: the runner restarts twice, once mid-way through the log.
    let folded = 0;
    for (const batch of log()) {
      keeper.append('a', batch);
      folded += batch.length;
      if (folded === 1000 || folded === 15_000) {
        expect(keeper.state('a')).toStrictEqual(keeper.fromScratch('a'));
        const before = keeper.storedSummary('a');
        restart();
        expect(keeper.storedSummary('a')).toBe(before);
        expect(keeper.summary('a')).toBe(before);
      }
    }
    const state = keeper.state('a');
    expect(state.events).toBe(30_000);
    expect(state).toStrictEqual(keeper.fromScratch('a'));
    expect(state).toStrictEqual(keeper.state('b'));
    expect(keeper.storedSummary('a')).toBe(keeper.storedSummary('b'));
    expect(MUST_KEEP.filter((fact) => !(keeper.storedSummary('a') ?? '').includes(fact))).toEqual([]);
  });

  it('keeps the newest human instructions verbatim when they do not all fit, and says how many were cut', () => {
    plainTask('t');
    // 40 instructions of varied length (one short among long ones), each numbered.
    const texts = Array.from(
      { length: 40 },
      (_, n) => `Instruction ${n + 1}: ${'keep the parser streaming and do not load whole files; '.repeat(n % 4 === 0 ? 1 : 18)}end of ${n + 1}.`,
    );
    append('t', [
      {
        type: 'verification',
        ok: false,
        command: 'npm test',
        durationMs: 1,
        passed: 10,
        failed: 1,
        failing: ['parser › streams'],
        timedOut: false,
        output: '',
      },
      ...texts.map((text, n): TaskEvent => ({ type: 'instruction', author: n % 2 === 0 ? 'alice' : 'bob', text })),
    ]);
    for (const summary of [keeper.storedSummary('t') ?? '', keeper.summary('t')]) {
      expect(bytes(summary)).toBeLessThanOrEqual(SUMMARY_BUDGET);
      const lines = section(summary, 'Human instructions');
      const shown = lines.filter((l) => l.startsWith('  Instruction ')).map((l) => l.slice(2));
      // The newest ones, newest first, whole and contiguous: no older one slips in after a gap.
      expect(shown.length).toBeGreaterThan(1);
      expect(shown).toEqual(texts.slice(-shown.length).reverse());
      expect(lines.at(-1)).toBe(`(${texts.length - shown.length} older instruction(s) not kept)`);
      // The verification is still there.
      expect(summary).toContain('Failing: parser › streams');
    }
  });

  it('gives older instructions at most half the budget before the failed commands and decisions', () => {
    plainTask('t');
    const texts = Array.from({ length: 30 }, (_, n) => `Instruction ${n + 1}: ${'mind the locale handling in the date formatter; '.repeat(8)}`);
    append('t', [
      { type: 'command_finished', id: 'c1', command: 'npm run lint', exitCode: 1, output: 'E_LOCALE_DRIFT in src/date.ts' },
      { type: 'agent_message', text: 'I decided to keep moment.js because the migration breaks the locale tests.' },
      ...texts.map((text): TaskEvent => ({ type: 'instruction', author: 'alice', text })),
    ]);
    const summary = keeper.summary('t');
    expect(bytes(summary)).toBeLessThanOrEqual(SUMMARY_BUDGET);
    expect(summary).toContain('E_LOCALE_DRIFT in src/date.ts');
    expect(summary).toContain('I decided to keep moment.js because the migration breaks the locale tests.');
    const shown = section(summary, 'Human instructions')
      .filter((l) => l.startsWith('  Instruction '))
      .map((l) => l.slice(2));
    expect(shown.length).toBeGreaterThan(5);
    expect(shown).toEqual(texts.slice(-shown.length).reverse());
  });

  it('cuts one huge instruction rather than letting it push out the verification and the failures', () => {
    plainTask('t');
    const pasted = `Here is the CI log, please fix it:\n${Array.from({ length: 600 }, (_, n) => `  at Object.<anonymous> (src/config/parser.ts:${n}:13)`).join('\n')}`;
    append('t', [
      {
        type: 'command_finished',
        id: 'c1',
        command: 'npm run typecheck',
        exitCode: 2,
        output: "src/config/parser.ts(12,3): error TS2345: Argument of type 'Buffer' is not assignable",
      },
      {
        type: 'verification',
        ok: false,
        command: 'npm test',
        durationMs: 1,
        passed: 10,
        failed: 1,
        failing: ['parser › streams large files'],
        timedOut: false,
        output: '',
      },
      { type: 'instruction', author: 'alice', text: pasted },
    ]);
    const summary = keeper.storedSummary('t') ?? '';
    expect(bytes(summary)).toBeLessThanOrEqual(SUMMARY_BUDGET);
    const kept = section(summary, 'Human instructions').slice(1).join('\n');
    expect(kept.endsWith('…')).toBe(true);
    expect(
      pasted
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n')
        .startsWith(kept.slice(0, -1)),
    ).toBe(true);
    expect(summary).toContain('Failing: parser › streams large files');
    expect(summary).toContain("error TS2345: Argument of type 'Buffer' is not assignable");
  });

  it('counts 1,000 distinct files right, each changed twice, within the budget', () => {
    plainTask('t');
    const paths = Array.from({ length: 1000 }, (_, n) => `src/generated/module-${String(n).padStart(4, '0')}.ts`);
    const changes = (): TaskEvent[] =>
      Array.from({ length: 100 }, (_, e): TaskEvent => ({
        type: 'file_changed',
        changes: paths.slice(e * 10, e * 10 + 10).map((path) => ({ path, kind: 'update' })),
      }));
    // Every path changed once, then every path again (a codemod, then a fix-up pass).
    for (const round of [0, 1]) append('t', changes(), T0 + round);
    const summary = keeper.storedSummary('t') ?? '';
    expect(bytes(summary)).toBeLessThanOrEqual(SUMMARY_BUDGET);
    expect(section(summary, 'Files touched')[0]).toMatch(/^1000 file\(s\): src\/generated\/module-/);
    // A third pass over the same files changes nothing in the count, nor does a restart.
    restart();
    append('t', changes(), T0 + 2);
    expect(section(keeper.summary('t'), 'Files touched')[0]).toMatch(/^1000 file\(s\): /);
    expect(keeper.state('t')).toStrictEqual(keeper.fromScratch('t'));
  });

  it('says "more than" once there are more files than it can count, and stays bounded', () => {
    plainTask('t');
    const many = Array.from({ length: 80 }, (_, e): TaskEvent => ({
      type: 'file_changed',
      changes: Array.from({ length: 100 }, (_, n) => ({ path: `gen/f${e}-${n}.ts`, kind: 'add' as const })),
    }));
    // Exactly 5,000 paths are still counted exactly.
    append('t', many.slice(0, 50));
    expect(section(keeper.summary('t'), 'Files touched')[0]).toMatch(/^5000 file\(s\): /);
    append('t', many, T0 + 100);
    append('t', many, T0 + 1000);
    const summary = keeper.storedSummary('t') ?? '';
    expect(bytes(summary)).toBeLessThanOrEqual(SUMMARY_BUDGET);
    expect(section(summary, 'Files touched')[0]).toMatch(/^more than 5000 file\(s\): gen\/f0-0\.ts \(added\), /);
    // The folded state stays small enough to save with every batch.
    expect(JSON.stringify(keeper.state('t')).length).toBeLessThan(120_000);
  });

  it('counts files named like object properties as files, and pollutes nothing', () => {
    plainTask('t');
    append('t', [{ type: 'file_changed', changes: ['constructor', '__proto__', 'toString', 'src/a.ts'].map((path) => ({ path, kind: 'update' as const })) }]);
    expect(Object.hasOwn(Object.prototype, 'kind')).toBe(false);
    expect(Object.hasOwn(Object.prototype, 'n')).toBe(false);
    const files = section(keeper.summary('t'), 'Files touched')[0] ?? '';
    expect(files).toContain('constructor');
    expect(files).toContain('toString');
    expect(files).toContain('src/a.ts');
  });

  it('shows a decision pushed out of the kept list, shortened, under earlier work', () => {
    plainTask('t');
    const decisions = Array.from(
      { length: 20 },
      (_, n) =>
        `I decided to pin dependency number ${n + 1} to its current minor version because the changelog for the next one lists breaking changes in the streaming API.`,
    );
    append(
      't',
      decisions.map((text): TaskEvent => ({ type: 'agent_message', text })),
    );
    const during = keeper.storedSummary('t') ?? '';
    const kept = section(during, 'Decisions and conclusions');
    expect(kept).toEqual(
      decisions
        .slice(-16)
        .reverse()
        .map((d) => `- ${d}`),
    );
    const shortened = (d: string) => `"${d.slice(0, 79)}…"`;
    const earlier = section(during, 'Earlier work').join('\n');
    for (const d of decisions.slice(0, 4)) expect(earlier).toContain(shortened(d));

    // The turn ends: its stretch of the log becomes a digest that still names them.
    append(
      't',
      [
        { type: 'turn_finished', summary: 'Pinned the dependencies.' },
        { type: 'agent_message', text: 'Looking at the next file.' },
      ],
      T0 + 100,
    );
    const after = section(keeper.storedSummary('t') ?? '', 'Earlier work');
    const digest = after.find((l) => l.startsWith('- events 1–21:'));
    expect(digest).toBeDefined();
    for (const d of decisions.slice(0, 4)) expect(digest).toContain(shortened(d));

    // Many turns later that digest has been merged with others into a shorter line, which still names them.
    for (let turn = 0; turn < 30; turn++)
      append(
        't',
        [{ type: 'command_finished', id: `c${turn}`, command: 'npm test', exitCode: 0, output: '' }, { type: 'turn_finished' }],
        T0 + 1000 + turn * 10,
      );
    const merged = section(keeper.storedSummary('t') ?? '', 'Earlier work').find((l) => l.startsWith('- events 1–'));
    expect(merged).toBeDefined();
    expect(merged).not.toContain('said');
    for (const d of decisions.slice(0, 4)) expect(merged).toContain(shortened(d));
  });

  it('prunes raw events only of tasks settled before the cutoff, keeps their summaries, and prunes a rerun task again', () => {
    const logOf = (seed: number) => [...syntheticLog({ events: 1000, seed })];
    for (const [n, id] of ['old-done', 'old-running', 'recent-done', 'old-review'].entries()) {
      syntheticTask(id, 1000);
      append(id, logOf(n + 1), 1000);
    }
    store.setState('old-done', 'finished', 1000);
    store.setState('old-review', 'awaiting_review', 1500);
    store.setState('recent-done', 'finished', 5000);
    // old-running stays running, last updated at 1000.
    const summaries = new Map(['old-done', 'old-review'].map((id) => [id, keeper.storedSummary(id)]));

    expect(store.pruneEvents(3000, 6000).sort()).toEqual(['old-done', 'old-review']);
    expect(store.events('old-done')).toEqual([]);
    expect(store.events('old-review')).toEqual([]);
    expect(store.events('old-running')).toHaveLength(1000);
    expect(store.events('recent-done')).toHaveLength(1000);
    expect(store.require('old-done').events_pruned_at).toBe(6000);
    expect(store.require('old-running').events_pruned_at).toBeNull();
    expect(store.pruneEvents(3000, 6100)).toEqual([]);

    // After a restart the summaries are still there, whole.
    restart();
    for (const [id, summary] of summaries) {
      expect(keeper.storedSummary(id)).toBe(summary);
      const now = keeper.summary(id);
      expect(bytes(now)).toBeLessThanOrEqual(SUMMARY_BUDGET);
      expect(MUST_KEEP.filter((fact) => !now.includes(fact))).toEqual([]);
    }

    // The task runs again: it logs afresh on top of its summary, and can be pruned again later.
    store.startRun('old-done', 'run-2', 7000);
    expect(store.require('old-done').events_pruned_at).toBeNull();
    const follow = 'Now also stream the include directive’s targets, not only the top-level file.';
    append(
      'old-done',
      [
        { type: 'instruction', author: 'dana', text: follow },
        { type: 'agent_message', text: 'Reading src/config/include.ts.' },
      ],
      7000,
    );
    // Running again: not prunable, whatever the cutoff.
    expect(store.pruneEvents(7500, 7600)).toEqual(['recent-done']);
    store.setState('old-done', 'finished', 8000);
    expect(store.pruneEvents(9000, 9100)).toEqual(['old-done']);
    expect(store.events('old-done')).toEqual([]);
    const rerun = keeper.summary('old-done');
    expect(rerun).toContain(follow);
    expect(rerun).toContain(PLANTED_INSTRUCTIONS[0].text);
    expect(keeper.state('old-done').events).toBe(1002);
  });

  it('budgets multi-byte text in bytes and never splits a character', () => {
    plainTask('t');
    const cjk = '先别改 Windows 路径处理，下个版本再说 🙏🏽 👩‍💻 ';
    const old = `旧的说明：${cjk.repeat(20)}`;
    const newest = `最新的说明 🚀：${cjk.repeat(400)}`;
    append('t', [
      { type: 'verification', ok: false, command: 'npm test', durationMs: 1, failing: ['路径 › 处理 🪟 反斜杠'], timedOut: false, output: '' },
      { type: 'instruction', author: 'chen', text: old },
      { type: 'instruction', author: 'chen', text: newest },
    ]);
    const stored = keeper.storedSummary('t') ?? '';
    // What SQLite stored is what was rendered: nothing was lost to a broken character.
    expect(stored).toBe(keeper.summary('t'));
    expect(stored).not.toMatch(BROKEN);
    expect(bytes(stored)).toBeLessThanOrEqual(SUMMARY_BUDGET);
    // The newest instruction is cut, verbatim up to the cut.
    const kept = section(stored, 'Human instructions')[1] ?? '';
    expect(kept.endsWith('…')).toBe(true);
    expect(`  ${newest}`.startsWith(kept.slice(0, -1))).toBe(true);
    expect(bytes(kept)).toBeGreaterThan(3000);
    expect(stored).toContain('Failing: 路径 › 处理 🪟 反斜杠');

    // Any budget: at most that many bytes, every character whole.
    for (let budget = 300; budget <= 1500; budget += 7) {
      const summary = keeper.summary('t', { budget });
      expect(bytes(summary)).toBeLessThanOrEqual(budget);
      expect(summary).not.toMatch(BROKEN);
    }
  });

  it('shortens long questions, decisions and goals between characters, not inside an emoji', () => {
    // Each is over its length limit with an emoji exactly where it is shortened.
    const goal = `${'g'.repeat(598)}🙂🙂 and the rest of the request`;
    store.create({ id: 't', project: 'demo', agent: 'codex', title: 'Emoji', input: { kind: 'request', text: goal, requestedBy: 'U0ALICE' } }, T0);
    const question = `${'x'.repeat(298)}🙂🙂🙂 Should the 🧪 fixtures move?`;
    const decision = `I decided to keep ${'ü'.repeat(280)}🙂🙂🙂 because it is simpler.`;
    append('t', [
      { type: 'agent_message', text: decision },
      { type: 'question', text: question },
      { type: 'turn_finished', summary: `${'s'.repeat(1499)}🙂 done` },
    ]);
    const stored = keeper.storedSummary('t') ?? '';
    // What SQLite stored is what was rendered: no half character turned into U+FFFD.
    expect(stored).toBe(keeper.summary('t'));
    expect(stored).not.toMatch(BROKEN);
    expect(section(stored, 'Open questions')).toEqual([`- ${'x'.repeat(298)}…`]);
    expect(section(stored, 'Decisions and conclusions')).toEqual([`- I decided to keep ${'ü'.repeat(280)}…`]);
    expect(stored).toContain(`  ${'g'.repeat(598)}…`);
    expect(stored).toContain(`  ${'s'.repeat(1499)}\n`);
  });
});
