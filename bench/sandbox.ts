// What the bubblewrap sandbox adds to each agent start: the same short command spawned bare and
// sandboxed (in a real git worktree layout), from spawn to exit, median of 50 each.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnAgent } from '../runner/process/spawn.ts';
import { bubblewrapSandbox, type Sandbox } from '../runner/sandbox/sandbox.ts';
import { systemClock } from '../shared/clock.ts';
import { createRedactor } from '../shared/redact.ts';
import { tempHome, twinOutsideTmp } from '../emulators/support/temp-home.ts';
import { makeRepo } from '../test/support/git-repo.ts';
import { quietLog } from '../test/support/link-harness.ts';
import type { BenchRow } from './table.ts';

const RUNS = 50;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

async function startToExit(cwd: string, sandbox: Sandbox | undefined, n: number): Promise<number> {
  const started = performance.now();
  const run = spawnAgent({
    runId: `bench-sandbox.${n}`,
    file: 'true',
    args: [],
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd },
    parse: () => [],
    redact: createRedactor(),
    log: quietLog,
    clock: systemClock,
    graceMs: 1000,
    ...(sandbox && { sandbox }),
  });
  for await (const _event of run.events) {
    // no output
  }
  await run.exited;
  return performance.now() - started;
}

export async function benchSandbox(): Promise<BenchRow[]> {
  const home = tempHome('director-bench-sandbox-');
  try {
    const dir = twinOutsideTmp(home.dir, 'world');
    const repo = makeRepo(join(dir, 'repo'), { 'README.md': '# bench\n' });
    const runnerHome = join(dir, 'home');
    mkdirSync(runnerHome, { recursive: true });
    const sandbox = bubblewrapSandbox({ bwrapPath: 'bwrap', runnerHome, home: dir });
    const bare: number[] = [];
    const boxed: number[] = [];
    for (let i = 0; i < RUNS + 5; i++) {
      // Alternated, so load on the machine hits both alike; the first five warm up.
      const b = await startToExit(repo.path, undefined, i);
      const s = await startToExit(repo.path, sandbox, i);
      if (i >= 5) {
        bare.push(b);
        boxed.push(s);
      }
    }
    const overhead = median(boxed) - median(bare);
    return [
      {
        benchmark: 'agent sandbox',
        measure: `start to exit of \`true\`, median of ${RUNS}: bare ${median(bare).toFixed(1)} ms, in bubblewrap ${median(boxed).toFixed(1)} ms`,
        value: `+${overhead.toFixed(1)} ms`,
        goal: '≤ 30 ms',
        verdict: overhead <= 30 ? 'ok' : 'MISSED',
      },
    ];
  } finally {
    home.remove();
  }
}
