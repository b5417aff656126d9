// Task engine: fan-out of 10 tasks on a large repository, and agent event ingest.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { codexDriver } from '../runner/agents/codex.ts';
import { commandDriver } from '../runner/agents/command.ts';
import { gitEnv } from '../emulators/support/git.ts';
import { request, startEngine } from '../test/support/engine-harness.ts';
import { tempHome } from '../emulators/support/temp-home.ts';
import { until } from '../emulators/support/until.ts';
import type { BenchRow } from './table.ts';

const FILES = 5000;
const TASKS = 10;
const EVENTS = 100_000;

function run(cwd: string, file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, env: { ...process.env, ...gitEnv }, stdio: 'ignore' });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${file} ${args.join(' ')} exited ${code}`))));
  });
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

/** Grows the engine harness's repository to FILES files (in 50 directories). */
function growRepo(repo: string): void {
  for (let d = 0; d < 50; d++) {
    mkdirSync(join(repo, 'src', `m${d}`), { recursive: true });
    for (let f = 0; f < FILES / 50; f++) writeFileSync(join(repo, 'src', `m${d}`, `f${f}.js`), `export const v${f} = ${d * 1000 + f};\n`.repeat(20));
  }
  execFileSync('git', ['add', '-A'], { cwd: repo, env: { ...process.env, ...gitEnv } });
  execFileSync('git', ['commit', '-qm', 'grow'], { cwd: repo, env: { ...process.env, ...gitEnv } });
  execFileSync('git', ['push', '-q', 'origin', 'main'], { cwd: repo, env: { ...process.env, ...gitEnv } });
}

async function fanOut(dir: string): Promise<BenchRow[]> {
  const setup = startEngine(dir, [commandDriver('stub', { command: 'echo', input: 'arg' })], { capacity: TASKS });
  growRepo(setup.project.path);
  const { engine, changes } = setup;
  const engineSeconds = await timed(async () => {
    for (let i = 0; i < TASKS; i++) engine.create({ project: 'demo', agent: 'stub', title: `fan out ${i}`, input: request(`task ${i}`) });
    await until(
      () => {
        const failed = setup.store.all().find((t) => t.state === 'failed');
        if (failed) throw new Error(`task ${failed.id} failed: ${failed.error ?? ''}`);
        return new Set(changes.filter((c) => c.event).map((c) => c.task.id)).size === TASKS;
      },
      120_000,
      'all agents spawned',
    );
  });
  await engine.idle();
  setup.close();
  const repo = setup.project.path;
  const worktreeSeconds = await timed(() =>
    Promise.all(Array.from({ length: TASKS }, (_, i) => run(repo, 'git', ['worktree', 'add', '-q', '-b', `bare-${i}`, join(dir, 'bare', `w${i}`), 'main']))),
  );
  const cloneSeconds = await timed(() =>
    Promise.all(Array.from({ length: TASKS }, (_, i) => run(dir, 'git', ['clone', '-q', '--no-local', repo, join(dir, 'clones', `c${i}`)]))),
  );
  const vsWorktree = engineSeconds / worktreeSeconds;
  const vsClone = cloneSeconds / engineSeconds;
  return [
    {
      benchmark: 'task fan-out',
      measure: `${TASKS} tasks on ${FILES} files, until all agents spawned`,
      value: `${engineSeconds.toFixed(2)} s`,
      goal: '',
      verdict: '',
    },
    {
      benchmark: 'task fan-out',
      measure: `vs ${TASKS} bare git worktree add (${worktreeSeconds.toFixed(2)} s)`,
      value: `${vsWorktree.toFixed(2)}×`,
      goal: '≤ 1.2×',
      verdict: vsWorktree <= 1.2 ? 'ok' : 'MISSED',
    },
    {
      benchmark: 'task fan-out',
      measure: `vs ${TASKS} git clone --no-local (${cloneSeconds.toFixed(2)} s)`,
      value: `${vsClone.toFixed(1)}× faster`,
      goal: '≥ 3× faster',
      verdict: vsClone >= 3 ? 'ok' : 'MISSED',
    },
  ];
}

async function ingest(dir: string): Promise<BenchRow[]> {
  // A stand-in for `codex exec --json` that prints EVENTS lines as fast as it can.
  const agent = join(dir, 'chatty-codex.mjs');
  writeFileSync(
    agent,
    `#!${process.execPath}
const out = [];
out.push(JSON.stringify({ type: 'thread.started', thread_id: 'th_bench' }));
for (let i = 0; i < ${EVENTS - 2}; i++) {
  out.push(i % 2 === 0
    ? JSON.stringify({ type: 'item.completed', item: { id: 'item_' + i, type: 'agent_message', text: 'progress note number ' + i } })
    : JSON.stringify({ type: 'item.completed', item: { id: 'item_' + i, type: 'command_execution', command: "/bin/bash -lc 'npm test'", aggregated_output: 'ok ' + i, exit_code: 0, status: 'completed' } }));
  if (out.length >= 1000) { process.stdout.write(out.join('\\n') + '\\n'); out.length = 0; }
}
out.push(JSON.stringify({ type: 'turn.completed', usage: { input_tokens: 1, cached_input_tokens: 0, output_tokens: 1 } }));
process.stdout.write(out.join('\\n') + '\\n');
`,
  );
  chmodSync(agent, 0o755);
  const setup = startEngine(dir, [codexDriver({ command: agent })], { onChange: () => undefined });
  const { engine, store } = setup;
  let taskId = '';
  const seconds = await timed(async () => {
    taskId = engine.create({ project: 'demo', agent: 'codex', title: 'ingest', input: request('ingest') }).id;
    await engine.idle();
  });
  const stored = store.events(taskId).length;
  setup.close();
  // turn.completed yields two normalized events (usage, turn_finished): one more than the lines.
  if (stored !== EVENTS + 1) throw new Error(`expected ${EVENTS + 1} stored events, got ${stored}`);
  const rate = stored / seconds;
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  return [
    {
      benchmark: 'event ingest',
      measure: `${EVENTS} codex JSONL events: parse, normalize, persist, compact`,
      value: `${Math.round(rate)} events/s`,
      goal: '≥ 50,000/s',
      verdict: rate >= 50_000 ? 'ok' : 'MISSED',
    },
    { benchmark: 'event ingest', measure: 'peak RSS of the bench process', value: `${rssMiB.toFixed(0)} MiB`, goal: 'reported', verdict: '' },
  ];
}

export async function benchEngine(): Promise<BenchRow[]> {
  const a = tempHome('director-bench-fanout-');
  const b = tempHome('director-bench-ingest-');
  try {
    return [...(await ingest(b.dir)), ...(await fanOut(a.dir))];
  } finally {
    a.remove();
    b.remove();
  }
}
