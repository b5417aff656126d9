import { readdirSync, readFileSync } from 'node:fs';

/**
 * Finding an agent's processes on Linux. Every agent process gets DIRECTOR_RUN=<run id> in its
 * environment, which its children inherit, so the whole tree is found even after its parent died
 * (a runner killed with -9) or a child moved to its own process group.
 */
export const RUN_MARKER = 'DIRECTOR_RUN';

function environOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return undefined;
  }
}

/** Pids of live processes whose environment carries the run's marker. */
export function processesOfRun(runId: string): number[] {
  const needle = `${RUN_MARKER}=${runId}\0`;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const environ = environOf(pid);
    if (environ && (environ.startsWith(needle) || environ.includes(`\0${needle}`)) && !isZombie(pid)) pids.push(pid);
  }
  return pids;
}

function isZombie(pid: number): boolean {
  try {
    return / Z /.test(readFileSync(`/proc/${pid}/stat`, 'latin1').replace(/^.*\)/, ''));
  } catch {
    return true;
  }
}

/** Sends `signal` to each pid and its process group, ignoring ones already gone. */
export function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, signal);
      } catch {
        // already gone, or not a group leader
      }
    }
  }
}
