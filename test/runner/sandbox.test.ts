import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandDriver } from '../../runner/agents/command.ts';
import { bubblewrapSandbox, type Sandbox } from '../../runner/sandbox/sandbox.ts';
import { tempHome, twinOutsideTmp } from '../../emulators/support/temp-home.ts';
import { until } from '../../emulators/support/until.ts';
import { git } from '../support/git-repo.ts';
import { request, startEngine, type EngineUnderTest } from '../support/engine-harness.ts';
import { processesRunning } from '../support/sandboxed.ts';

// What a hostile command agent tries, one line of output per attempt.
const PROBE = `
try() { if eval "$2" >/dev/null 2>&1; then echo "LEAK $1"; else echo "blocked $1"; fi; }
common=$(git rev-parse --git-common-dir)
try environ "cat /proc/$RUNNER_PID/environ"
try ps "ps -e -o pid= | grep -qx ' *$RUNNER_PID'"
try runner.json "cat $RUNNER_HOME/runner.json"
try ssh-key "cat $RUNNER_USER_HOME/.ssh/id_ed25519"
try git-config "echo '[core]' >> $common/config"
try git-hook "echo 'echo pwned' > $common/hooks/pre-commit"
try git-info "echo '*' >> $common/info/exclude"
echo 'sandboxed edit' > edit.txt && git add edit.txt && git -c user.name=a -c user.email=a@b commit -qm edit && echo "edited and committed"
`;

describe('agents in the bubblewrap sandbox', () => {
  let home: ReturnType<typeof tempHome>;
  let setup: EngineUnderTest | undefined;
  let dir: string;
  let runnerHome: string;
  let userHome: string;
  let sandbox: Sandbox;

  beforeEach(() => {
    home = tempHome('director-sandbox-');
    // Outside /tmp, like a real runner: the sandbox's private /tmp would hide it anyway.
    dir = twinOutsideTmp(home.dir, 'world');
    runnerHome = join(dir, 'home');
    userHome = join(dir, 'user');
    mkdirSync(join(userHome, '.ssh'), { recursive: true });
    writeFileSync(join(userHome, '.ssh', 'id_ed25519'), 'PRIVATE KEY\n');
    mkdirSync(runnerHome, { recursive: true });
    writeFileSync(join(runnerHome, 'runner.json'), '{"token":"runner-secret"}\n');
    sandbox = bubblewrapSandbox({ bwrapPath: 'bwrap', runnerHome, home: userHome });
  });

  afterEach(async () => {
    await setup?.engine.stop();
    setup?.close();
    setup = undefined;
    home.remove();
  });

  const agent = (script: string) =>
    commandDriver('probe', {
      command: 'bash',
      args: ['-c', script],
      input: 'arg',
      env: { RUNNER_PID: String(process.pid), RUNNER_HOME: runnerHome, RUNNER_USER_HOME: userHome },
    });
  const messages = (taskId: string) => (setup?.store.events(taskId) ?? []).flatMap((e) => (e.type === 'output' ? [e.text] : []));

  it('hides the runner’s process, token and keys, keeps git config and hooks read-only, and lets the agent edit and commit', async () => {
    setup = startEngine(dir, [agent(PROBE)], { sandbox });
    const { engine, store, project } = setup;
    const configBefore = readFileSync(join(project.path, '.git', 'config'), 'utf8');
    const task = engine.create({ project: 'demo', agent: 'probe', title: 'Probe', input: request('probe') });
    await engine.idle();
    const said = messages(task.id);
    expect(said).toEqual([
      'blocked environ',
      'blocked ps',
      'blocked runner.json',
      'blocked ssh-key',
      'blocked git-config',
      'blocked git-hook',
      'blocked git-info',
      'edited and committed',
    ]);
    const worktree = store.require(task.id).worktree ?? '';
    expect(readFileSync(join(worktree, 'edit.txt'), 'utf8')).toBe('sandboxed edit\n');
    expect(git(worktree, 'log', '-1', '--format=%s')).toBe('edit');
    expect(readFileSync(join(project.path, '.git', 'config'), 'utf8')).toBe(configBefore);
  });

  it('the same agent without the sandbox reads them all (the probe works)', async () => {
    setup = startEngine(dir, [agent(PROBE)]);
    const task = setup.engine.create({ project: 'demo', agent: 'probe', title: 'Probe', input: request('probe') });
    await setup.engine.idle();
    expect(messages(task.id).filter((m) => m.startsWith('LEAK'))).toEqual([
      'LEAK environ',
      'LEAK ps',
      'LEAK runner.json',
      'LEAK ssh-key',
      'LEAK git-config',
      'LEAK git-hook',
      'LEAK git-info',
    ]);
  });

  it('ends a `setsid env -i` escapee when the agent finishes', async () => {
    const sleeper = ['sleep', `1003.${process.pid}1`];
    setup = startEngine(dir, [agent(`setsid env -i ${sleeper.join(' ')} >/dev/null 2>&1 & sleep 0.3; echo started`)], { sandbox });
    const task = setup.engine.create({ project: 'demo', agent: 'probe', title: 'Escape', input: request('escape') });
    await setup.engine.idle();
    expect(messages(task.id)).toEqual(['started']);
    expect(setup.store.require(task.id).state).toBe('finished');
    expect(processesRunning(sleeper)).toEqual([]);
  });

  it('ends a `setsid env -i` escapee when the task is stopped', async () => {
    const sleeper = ['sleep', `1003.${process.pid}2`];
    setup = startEngine(dir, [agent(`setsid env -i ${sleeper.join(' ')} >/dev/null 2>&1 & echo started; sleep 600`)], { sandbox });
    const { engine, store } = setup;
    const task = engine.create({ project: 'demo', agent: 'probe', title: 'Escape', input: request('escape') });
    await until(() => processesRunning(sleeper).length === 1, 10_000, 'the escapee');
    await engine.cancel(task.id);
    await engine.idle();
    expect(store.require(task.id).state).toBe('cancelled');
    expect(processesRunning(sleeper)).toEqual([]);
  });
});
