import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request, scriptAgent, startEngine, type EngineUnderTest } from '../support/engine-harness.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';
import { until } from '../../emulators/support/until.ts';

describe('restarting an agent in a fresh session from the task’s summary', () => {
  let home: ReturnType<typeof tempHome>;
  let setup: EngineUnderTest | undefined;
  let markers: string;

  beforeEach(() => {
    home = tempHome('director-restart-');
    markers = join(home.dir, 'markers');
    mkdirSync(markers);
  });

  afterEach(async () => {
    await setup?.engine.stop();
    setup?.close();
    setup = undefined;
    home.remove();
  });

  const engineWith = (dieTimes: number, options: { autoRestarts?: number } = {}) =>
    startEngine(home.dir, [scriptAgent('dies', 'dies.sh')], {
      agentEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home.dir, MARKER_DIR: markers, DIE_TIMES: String(dieTimes) },
      ...options,
    });
  const prompts = () =>
    readdirSync(markers)
      .filter((f) => f.startsWith('prompt-'))
      .sort()
      .map((f) => readFileSync(join(markers, f), 'utf8'));

  it('starts a fresh session by itself when the agent’s process is killed, seeded with the summary, in the same worktree', async () => {
    setup = engineWith(1);
    const { engine, store, changes } = setup;
    const task = engine.create({ project: 'demo', agent: 'dies', title: 'Stream the parser', input: request('make the parser stream') });
    await engine.idle();
    const done = store.require(task.id);
    expect(done.state).toBe('finished');
    expect(done.summary).toBe('Done after a fresh start');
    // The stored summary follows the task's state, not only its events.
    expect(setup.context.storedSummary(task.id)).toContain('Stream the parser — finished');

    const [first, second] = prompts();
    expect(first).not.toContain('Summary of the task so far');
    expect(second).toContain('Summary of the task so far');
    expect(second).toContain('I decided to stream the parser because the files are large.');
    expect(second).toContain('make the parser stream');
    // Same worktree: the work of the killed session is still there.
    expect(
      readFileSync(join(markers, 'cwd.log'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' in ')[1]),
    ).toEqual([done.worktree, done.worktree]);
    expect(existsSync(join(done.worktree ?? '', 'partial.txt'))).toBe(true);

    expect(store.events(task.id).filter((e) => e.type === 'restarted')).toEqual([{ type: 'restarted', reason: 'session_died' }]);
    const posted = changes.filter((c) => c.event?.type === 'restarted');
    expect(posted).toHaveLength(1);
    // The card never showed the task as failed in between.
    expect(changes.some((c) => c.task.id === task.id && c.task.state === 'failed')).toBe(false);
  });

  it('gives up after the allowed number of automatic restarts and says why', async () => {
    setup = engineWith(10, { autoRestarts: 2 });
    const { engine, store } = setup;
    const task = engine.create({ project: 'demo', agent: 'dies', title: 'Crash loop', input: request('keep crashing') });
    await engine.idle();
    const done = store.require(task.id);
    expect(done.state).toBe('failed');
    expect(done.error).toContain('was killed by SIGKILL');
    expect(prompts()).toHaveLength(3);
    expect(store.events(task.id).filter((e) => e.type === 'restarted')).toHaveLength(2);
  });

  it('restarts a settled task on request: a fresh session from the summary, with the human instructions in it', async () => {
    setup = engineWith(0);
    const { engine, store, context } = setup;
    const task = engine.create({ project: 'demo', agent: 'dies', title: 'Parser', input: request('make the parser stream') });
    await engine.idle();
    engine.steer(task.id, 'Keep the old parse() as a wrapper.', 'alice');
    await engine.idle();
    expect(prompts()).toHaveLength(2);

    await engine.restart(task.id);
    await engine.idle();
    const third = prompts()[2] ?? '';
    expect(third).toContain('Summary of the task so far');
    expect(third).toContain('Keep the old parse() as a wrapper.');
    expect(store.require(task.id).state).toBe('finished');
    expect(context.summary(task.id)).toContain('1 restart(s)');
    expect(store.events(task.id).filter((e) => e.type === 'restarted')).toEqual([{ type: 'restarted', reason: 'requested' }]);
  });

  it('honours a Stop that comes while a restart is ending the session: the task is cancelled, not restarted', async () => {
    setup = startEngine(home.dir, [scriptAgent('sleepy', 'sleepy.sh')], { graceMs: 300 });
    const { engine, store, changes } = setup;
    const task = engine.create({ project: 'demo', agent: 'sleepy', title: 'Hang', input: request('hang') });
    await until(() => changes.some((c) => c.task.id === task.id && c.event?.type === 'output'), 10_000, 'the agent running');
    await Promise.all([engine.restart(task.id), engine.cancel(task.id)]);
    await engine.idle();
    expect(store.require(task.id)).toMatchObject({ state: 'cancelled', runs: 1 });
    expect(store.events(task.id).some((e) => e.type === 'restarted')).toBe(false);
  });

  it('starts no agent once the runner is shutting down, even when its prompt was still being made', async () => {
    let release: () => void = () => undefined;
    const slowSummary = new Promise<void>((resolve) => (release = resolve));
    setup = startEngine(home.dir, [scriptAgent('dies', 'dies.sh')], {
      agentEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home.dir, MARKER_DIR: markers, DIE_TIMES: '1' },
      // A model-backed summary that takes its time.
      summarise: async (id) => {
        await slowSummary;
        return `summary of ${id}`;
      },
    });
    const { engine, store } = setup;
    const task = engine.create({ project: 'demo', agent: 'dies', title: 'Parser', input: request('make the parser stream') });
    await until(() => store.events(task.id).some((e) => e.type === 'restarted'), 10_000, 'the automatic restart waiting for its summary');
    const shutdown = engine.shutdown();
    release();
    await shutdown;
    // Without the check the fresh session would run its whole turn and finish the task.
    expect(store.require(task.id).state).toBe('interrupted');
    expect(store.events(task.id).some((e) => e.type === 'turn_finished')).toBe(false);
  });

  it('says a restart asked for during verification when the next turn starts, not before', async () => {
    let verifying: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (verifying = resolve));
    let fail = true;
    setup = startEngine(home.dir, [scriptAgent('dies', 'dies.sh')], {
      agentEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home.dir, MARKER_DIR: markers, DIE_TIMES: '0' },
      verify: async () => {
        verifying();
        await new Promise((resolve) => setTimeout(resolve, 300));
        const ok = !fail;
        fail = false;
        return { type: 'verification', ok, command: 'npm test', durationMs: 1, failing: ok ? [] : ['parser › streams'], timedOut: false, output: '' };
      },
    });
    const { engine, store } = setup;
    const task = engine.create({ project: 'demo', agent: 'dies', title: 'Parser', input: request('make the parser stream') });
    await gate;
    await engine.restart(task.id);
    expect(store.events(task.id).some((e) => e.type === 'restarted')).toBe(false);
    await engine.idle();
    // The failing tests gave the agent a fix-up turn: that turn was the fresh session.
    const events = store.events(task.id).map((e) => e.type);
    expect(events.indexOf('restarted')).toBeGreaterThan(events.indexOf('verification'));
    expect(prompts()[1]).toContain('Summary of the task so far');
    expect(store.require(task.id).state).toBe('finished');
  });
});
