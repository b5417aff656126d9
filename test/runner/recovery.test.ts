import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { processesOfRun, signalAll } from '../../runner/process/tree.ts';
import { scriptAgent, startEngine, type EngineUnderTest } from '../support/engine-harness.ts';
import { tempHome } from '../support/link-harness.ts';

const tsx = fileURLToPath(new URL('../../bin/tsx.js', import.meta.url));
const fixture = fileURLToPath(new URL('../fixtures/engine-runner.ts', import.meta.url));

describe('runner crash recovery', () => {
  let home: ReturnType<typeof tempHome>;
  let setup: EngineUnderTest | undefined;
  let runId = '';

  beforeEach(() => {
    home = tempHome('director-recovery-');
  });

  afterEach(async () => {
    await setup?.engine.stop();
    setup?.close();
    if (runId) signalAll(processesOfRun(runId), 'SIGKILL');
    home.remove();
  });

  it('after kill -9 mid-task: no orphans remain, the task is interrupted with its worktree, and it resumes', async () => {
    const child = spawn(process.execPath, [tsx, fixture, home.dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => resolve(chunk.toString()));
      child.once('exit', (code) => reject(new Error(`fixture exited with ${code}`)));
    });
    const ids = z.object({ taskId: z.string(), runId: z.string() }).parse(JSON.parse(line));
    runId = ids.runId;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(processesOfRun(runId).length, 'the agent outlives the killed runner').toBeGreaterThan(0);

    // The restarted runner; this time the agent completes.
    setup = startEngine(home.dir, [scriptAgent('agent', 'edit.sh')]);
    const interrupted = await setup.engine.recover();
    expect(interrupted.map((t) => t.id)).toEqual([ids.taskId]);
    expect(processesOfRun(runId)).toEqual([]);
    const task = setup.store.require(ids.taskId);
    expect(task).toMatchObject({ state: 'interrupted' });
    expect(existsSync(task.worktree ?? '')).toBe(true);

    setup.engine.resume(ids.taskId);
    await setup.engine.idle();
    const resumed = setup.store.require(ids.taskId);
    expect(resumed).toMatchObject({ state: 'finished', worktree: task.worktree, runs: 2 });
    expect(existsSync(`${task.worktree ?? ''}/agent-output.txt`)).toBe(true);
  });
});
