import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunnerConfig } from '../config.ts';
import { INSTALL_BWRAP, bwrapProblem } from '../sandbox/detect.ts';
import { fail, ok, warn, type CheckResult } from './report.ts';

/** Below this, a worktree and a build of a real project may not fit. */
const MIN_FREE_BYTES = 2 * 1024 ** 3;

export function sandboxCheck(config: Pick<RunnerConfig, 'sandbox'>): CheckResult {
  if (config.sandbox.mode === 'off')
    return warn('sandbox', 'AGENT_SANDBOX=off: agents run unsandboxed', 'install bubblewrap and unset AGENT_SANDBOX, unless you mean it');
  const problem = bwrapProblem(config.sandbox.bwrap);
  return problem ? fail('sandbox', problem.replace(`: ${INSTALL_BWRAP}`, ''), INSTALL_BWRAP) : ok('sandbox', `bubblewrap works (${config.sandbox.bwrap})`);
}

/** Free space where worktrees go ($DIRECTOR_HOME, or the nearest existing parent). */
export function diskCheck(home: string, statfs: (path: string) => { bavail: number; bsize: number } = statfsSync): CheckResult {
  let dir = home;
  for (;;) {
    try {
      const { bavail, bsize } = statfs(dir);
      const free = bavail * bsize;
      const gib = (free / 1024 ** 3).toFixed(1);
      return free < MIN_FREE_BYTES
        ? fail('disk', `only ${gib} GiB free at ${dir}`, 'free some space (worktrees and builds go under DIRECTOR_HOME) or point DIRECTOR_HOME elsewhere')
        : ok('disk', `${gib} GiB free at ${dir}`);
    } catch {
      if (dirname(dir) === dir) return warn('disk', `cannot read the free space at ${home}`, 'check that DIRECTOR_HOME is a writable directory');
      dir = dirname(dir);
    }
  }
}
