import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempHome } from '../../emulators/support/temp-home.ts';
import { saveCredentials } from '../../runner/credentials.ts';
import { runnerDatabase } from '../../runner/store/database.ts';
import { TaskStore } from '../../runner/tasks/store.ts';
import type { TaskState } from '../../shared/task-states.ts';
import { runDirector } from '../support/cli.ts';
import { git, makeRepo } from '../support/git-repo.ts';

/** `director runner close` and `runner unpair`, as a person runs them, against a real repository and database. */
describe('runner housekeeping', () => {
  let home: ReturnType<typeof tempHome>;
  let repo: { path: string };
  let runnerHome: string;

  beforeEach(() => {
    home = tempHome('director-housekeeping-');
    repo = makeRepo(home.dir, { 'README.md': '# web\n' });
    runnerHome = join(home.dir, 'director');
    mkdirSync(runnerHome);
  });
  afterEach(() => home.remove());

  const env = () => ({ DIRECTOR_HOME: runnerHome, PROJECTS: JSON.stringify([{ name: 'web', repo: 'acme/web', path: repo.path }]) });

  /** A task of `state` with its own worktree and branch, as the engine leaves one. */
  function taskWithWorktree(id: string, state: TaskState): { worktree: string; branch: string } {
    const worktree = join(runnerHome, 'worktrees', 'web', id);
    const branch = `director/${id}-fix-it`;
    git(repo.path, 'worktree', 'add', '-q', '-b', branch, worktree, 'main');
    const db = runnerDatabase(runnerHome);
    try {
      const store = new TaskStore(db);
      store.create({ id, project: 'web', agent: 'codex', title: 'Fix it', input: { kind: 'request', text: 'fix it', requestedBy: 'U0ALICE' } }, 1);
      store.setWorktree(id, branch, worktree, 2);
      store.setState(id, state, 3, state === 'failed' ? { error: 'tests failed' } : {});
    } finally {
      db.close();
    }
    return { worktree, branch };
  }

  it('closes a failed task: its worktree and local branch go, and status no longer lists it', async () => {
    const { worktree, branch } = taskWithWorktree('t1', 'failed');
    saveCredentials(runnerHome, { botUrl: 'http://127.0.0.1:9', name: 'laptop', token: 'runner-token-0123456789', pairedAt: '2026-01-01T00:00:00Z' });
    expect((await runDirector(['runner', 'status'], env())).stdout).toContain('Set aside: 1 worktree(s)');

    const closed = await runDirector(['runner', 'close', 't1'], env());
    expect(closed.stdout).toContain(`Closed task t1: removed ${worktree} and the local branch ${branch}.`);
    expect(closed.code).toBe(0);
    expect(existsSync(worktree)).toBe(false);
    expect(git(repo.path, 'branch', '--list', branch)).toBe('');
    expect(git(repo.path, 'worktree', 'list')).not.toContain(worktree);
    expect((await runDirector(['runner', 'status'], env())).stdout).not.toContain('Set aside');

    const again = await runDirector(['runner', 'close', 't1'], env());
    expect(again.stderr).toContain('task t1 has no worktree left: it is closed already');
    expect(again.code).toBe(1);
  }, 120_000);

  it('refuses to close a running task or one awaiting review, and an unknown one', async () => {
    const running = taskWithWorktree('t2', 'running');
    taskWithWorktree('t3', 'awaiting_review');
    const refused = await runDirector(['runner', 'close', 't2'], env());
    expect(refused.stderr).toContain('task t2 is running: stop it first, then close it');
    expect(refused.code).toBe(1);
    expect(existsSync(running.worktree)).toBe(true);
    const review = await runDirector(['runner', 'close', 't3'], env());
    expect(review.stderr).toContain('task t3 is awaiting review: stop it first, or merge or close its pull request, then close it');
    expect(review.code).toBe(1);
    const unknown = await runDirector(['runner', 'close', 'nope'], env());
    expect(unknown.stderr).toContain('this runner has no task "nope"');
    expect(unknown.code).toBe(1);
  }, 120_000);

  it('unpairs: the token file goes, and status then says to pair', async () => {
    saveCredentials(runnerHome, { botUrl: 'http://127.0.0.1:9', name: 'laptop', token: 'runner-token-0123456789', pairedAt: '2026-01-01T00:00:00Z' });
    const unpaired = await runDirector(['runner', 'unpair'], env());
    expect(unpaired.stdout).toContain('Unpaired runner "laptop"');
    expect(unpaired.stdout).toContain('/director runners revoke laptop');
    expect(unpaired.code).toBe(0);
    expect(existsSync(join(runnerHome, 'runner.json'))).toBe(false);
    const status = await runDirector(['runner', 'status'], env());
    expect(status.stdout).toContain('Not paired');
    expect(status.code).toBe(1);
  }, 120_000);
});
