import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { processesOfRun, signalAll } from '../../runner/process/tree.ts';
import { startModelEmulator, type ModelEmulator } from '../../emulators/model/index.ts';
import { scriptAgent, startEngine, type EngineUnderTest } from '../support/engine-harness.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';
import { until } from '../../emulators/support/until.ts';
import { driverFor } from '../support/real-agents.ts';

const tsx = fileURLToPath(new URL('../../bin/tsx.js', import.meta.url));
const fixture = fileURLToPath(new URL('../fixtures/engine-runner.ts', import.meta.url));

async function killRunnerMidTask(args: string[]): Promise<{ taskId: string; runId: string }> {
  const child = spawn(process.execPath, [tsx, fixture, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => resolve(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`fixture exited with ${code}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  return z.object({ taskId: z.string(), runId: z.string() }).parse(JSON.parse(line));
}

describe('runner crash recovery', () => {
  let home: ReturnType<typeof tempHome>;
  let setup: EngineUnderTest | undefined;
  let emu: ModelEmulator | undefined;
  let runId = '';

  beforeEach(() => {
    home = tempHome('director-recovery-');
  });

  afterEach(async () => {
    await setup?.engine.stop();
    setup?.close();
    setup = undefined;
    if (runId) signalAll(processesOfRun(runId), 'SIGKILL');
    await emu?.close();
    emu = undefined;
    home.remove();
  });

  it.each(['codex', 'claude'] as const)('after kill -9 mid-command of the real %s: no orphans, interrupted, resumed in the same session', async (kind) => {
    emu = await startModelEmulator();
    emu.script('long-job-for-kill', {
      turns: [
        { steps: [{ shell: 'sleep 30' }, { message: 'never' }] },
        { steps: [{ writeFile: { path: 'resumed.txt', content: 'after the restart\n' } }, { message: 'Resumed and finished.' }] },
      ],
    });
    const ids = await killRunnerMidTask([home.dir, kind, emu.url]);
    runId = ids.runId;
    expect(processesOfRun(runId).length, 'the agent outlives the killed runner').toBeGreaterThan(0);

    setup = startEngine(home.dir, [driverFor(kind, emu, home.dir)]);
    expect((await setup.engine.recover()).map((t) => t.id)).toEqual([ids.taskId]);
    expect(processesOfRun(runId)).toEqual([]);
    const task = setup.store.require(ids.taskId);
    expect(task.state).toBe('interrupted');
    expect(existsSync(task.worktree ?? '')).toBe(true);

    setup.engine.resume(ids.taskId);
    await until(() => setup?.store.require(ids.taskId).runs === 2, 10_000, 'the resumed run');
    await setup.engine.idle();
    expect(setup.store.require(ids.taskId)).toMatchObject({ state: 'finished', summary: 'Resumed and finished.', session_id: task.session_id });
    expect(existsSync(`${task.worktree ?? ''}/resumed.txt`)).toBe(true);
    const last = emu.conversation('long-job-for-kill').at(-1);
    expect(last?.humanMessages).toHaveLength(2);
    expect(last?.humanMessages[1]).toContain('The runner restarted');
  });

  it('after kill -9 mid-task of a command agent whose child escaped its process group: no orphans, and it resumes', async () => {
    const ids = await killRunnerMidTask([home.dir]);
    runId = ids.runId;
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
