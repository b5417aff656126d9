// From `/director fix top 10 issues` to 10 agents running, end to end through the Slack emulator,
// the real bot, the link and the runner (stub agent, 5,000-file repository); plus Slack traffic per task.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { settledStates } from '../shared/task-states.ts';
import { TaskStore } from '../runner/tasks/store.ts';
import { gitEnv } from '../emulators/support/git.ts';
import { tempHome } from '../emulators/support/temp-home.ts';
import { until } from '../emulators/support/until.ts';
import { sampleFiles, startWholeLoop } from '../emulators/world.ts';
import type { BenchRow } from './table.ts';

const TASKS = 10;

function bigRepo(): Record<string, string> {
  const files: Record<string, string> = { ...sampleFiles };
  for (let d = 0; d < 50; d++) for (let f = 0; f < 100; f++) files[`src/m${d}/f${f}.js`] = `export const v${f} = ${d * 1000 + f};\n`.repeat(20);
  return files;
}

function git(cwd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    spawn('git', args, { cwd, env: { ...process.env, ...gitEnv }, stdio: 'ignore' }).once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`git ${args.join(' ')}: ${code}`)),
    );
  });
}

export async function benchDirector(): Promise<BenchRow[]> {
  const tmp = tempHome('director-bench-loop-');
  const issues = Array.from({ length: TASKS }, (_, i) => `Benchmark issue ${i + 1}`);
  const loop = await startWholeLoop({
    issues,
    files: bigRepo(),
    tmp: tmp.dir,
    capacity: TASKS,
    agents: { stub: { kind: 'command', command: 'echo', input: 'arg' } },
  });
  try {
    const runner = loop.startRunner();
    await until(() => runner.endpoint.connected, 30_000, 'runner connected');
    const alice = loop.slack.person('U0ALICE');
    await alice.slash(loop.channel, '/director', 'init acme/demo --runner laptop --agent stub');
    const store = new TaskStore(runner.db);
    const started = performance.now();
    await alice.slash(loop.channel, '/director', `fix top ${TASKS} issues`);
    await until(() => store.all().filter((t) => t.runs >= 1).length === TASKS, 120_000, 'ten agents running');
    const seconds = (performance.now() - started) / 1000;

    // Let every task finish and its card settle, then count Slack traffic per task.
    // The stub agent changes nothing, so each task ends "finished" (nothing to publish).
    await until(() => store.all().every((t) => settledStates.has(t.state)), 180_000, 'all tasks done');
    await new Promise((resolve) => setTimeout(resolve, 3500)); // the last card edit is throttled to 3 s
    await loop.bot.bot.outbox.idle();
    const calls = (method: string) => loop.slack.apiCalls.filter((c) => c.method === method && c.ok).length;
    const posts = calls('chat.postMessage') / TASKS;
    const edits = calls('chat.update') / TASKS;

    const checkout = join(tmp.dir, 'checkout');
    const rawStarted = performance.now();
    await Promise.all(
      Array.from({ length: TASKS }, (_, i) =>
        git(checkout, ['worktree', 'add', '-q', '--no-track', '-b', `raw-${i}`, join(tmp.dir, 'raw', `w${i}`), 'origin/main']),
      ),
    );
    const raw = (performance.now() - rawStarted) / 1000;
    const ratio = seconds / raw;
    return [
      {
        benchmark: 'director e2e',
        measure: `fix top ${TASKS} → ${TASKS} agents running (5,000 files)`,
        value: `${seconds.toFixed(2)} s`,
        goal: '',
        verdict: '',
      },
      {
        benchmark: 'director e2e',
        measure: `vs ${TASKS} raw git worktree add (${raw.toFixed(2)} s)`,
        value: `${ratio.toFixed(2)}×`,
        goal: 'reported',
        verdict: '',
      },
      {
        benchmark: 'director e2e',
        measure: 'Slack posts (card + thread) / card edits per task',
        value: `${posts.toFixed(1)} / ${edits.toFixed(1)}`,
        goal: '≤ 7 posts',
        verdict: posts <= 7 ? 'ok' : 'MISSED',
      },
    ];
  } finally {
    await loop.close();
  }
}
