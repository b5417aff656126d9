// CLI start-up: `director --help` and `director runner status` as whole processes, against a bare
// `node -e ''` in the same run (the floor every command pays).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './table.ts';

const bin = fileURLToPath(new URL('../bin/director.js', import.meta.url));
const RUNS = 11;
const GOAL_MS = 400;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Median wall time of a process, after one warm-up run (tsx's compile cache, the OS's file cache). */
function timeProcess(args: string[], env: NodeJS.ProcessEnv): number {
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const start = process.hrtime.bigint();
    spawnSync(process.execPath, args, { env, stdio: 'ignore' });
    if (i > 0) times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

export function benchCliStartup(): Promise<BenchRow[]> {
  const home = mkdtempSync(join(tmpdir(), 'director-bench-cli-'));
  try {
    const env = { PATH: process.env.PATH, HOME: home, DIRECTOR_HOME: home };
    const floor = timeProcess(['-e', ''], env);
    const row = (measure: string, ms: number): BenchRow => ({
      benchmark: 'cli start-up',
      measure,
      value: `${ms.toFixed(0)} ms (node -e '': ${floor.toFixed(0)} ms)`,
      goal: `≤ ${GOAL_MS} ms median`,
      verdict: ms <= GOAL_MS ? 'ok' : 'MISSED',
    });
    return Promise.resolve([
      row('director --help', timeProcess([bin, '--help'], env)),
      row('director runner --help (loads TypeScript)', timeProcess([bin, 'runner', '--help'], env)),
      row('director runner status (unpaired)', timeProcess([bin, 'runner', 'status'], env)),
    ]);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
