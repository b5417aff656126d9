import type { Clock } from '../../shared/clock.ts';
import { processesOfRun, signalAll } from './tree.ts';

/**
 * Ends every process of a run: SIGTERM to all of them (and their groups), then SIGKILL to what is
 * left after `graceMs`. Resolves when none is left, or returns the survivors after a final check.
 */
export async function killRun(runId: string, graceMs: number, clock: Clock, rootPid?: number): Promise<number[]> {
  const first = processesOfRun(runId);
  if (rootPid !== undefined && !first.includes(rootPid)) first.push(rootPid);
  if (first.length === 0) return [];
  signalAll(first, 'SIGTERM');
  const deadline = clock.now() + graceMs;
  while (clock.now() < deadline) {
    if (processesOfRun(runId).length === 0) return [];
    await clock.sleep(Math.min(50, Math.max(1, deadline - clock.now())));
  }
  for (let round = 0; round < 20; round++) {
    const left = processesOfRun(runId);
    if (left.length === 0) return [];
    signalAll(left, 'SIGKILL');
    await clock.sleep(25);
  }
  return processesOfRun(runId);
}
