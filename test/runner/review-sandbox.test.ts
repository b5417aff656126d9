import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bubblewrapSandbox, readOnlyView } from '../../runner/sandbox/sandbox.ts';
import { sandboxLayout } from '../../runner/sandbox/layout.ts';
import { tempHome, twinOutsideTmp } from '../../emulators/support/temp-home.ts';

describe('the reviewer’s read-only view of the sandbox', () => {
  let home: ReturnType<typeof tempHome>;
  let dir: string;

  beforeEach(() => {
    home = tempHome('director-review-sandbox-');
    dir = twinOutsideTmp(home.dir, 'world');
    mkdirSync(join(dir, 'wt'), { recursive: true });
    execFileSync('git', ['init', '-q', join(dir, 'wt')]);
    writeFileSync(join(dir, 'wt', 'a.txt'), 'a\n');
  });

  afterEach(() => home.remove());

  it('lays the worktree and its git metadata out read-only, the agent’s own state still writable', () => {
    const input = { cwd: join(dir, 'wt'), env: { CODEX_HOME: join(dir, 'codex') }, runnerHome: join(dir, 'home'), homes: [], cacheDir: join(dir, 'cache') };
    const writer = sandboxLayout(input);
    const reader = sandboxLayout({ ...input, readOnly: true });
    expect(writer.writable).toContain(writer.cwd);
    expect(reader.writable).not.toContain(reader.cwd);
    expect(reader.readOnly).toEqual(expect.arrayContaining([reader.cwd, join(reader.cwd, '.git')]));
    expect(reader.writable).toContain(join(dir, 'codex'));
  });

  it('a process in the read-only view can read the worktree but not change it', () => {
    const sandbox = readOnlyView(bubblewrapSandbox({ bwrapPath: 'bwrap', runnerHome: join(dir, 'home'), home: join(dir, 'user') }));
    const cwd = join(dir, 'wt');
    const { file, args, env } = sandbox.wrap({
      file: 'sh',
      args: ['-c', 'cat a.txt; echo b > a.txt && echo WROTE'],
      cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    const out = spawnSync(file, args, { cwd, env, encoding: 'utf8' });
    expect(out.stdout).toContain('a');
    expect(out.stdout).not.toContain('WROTE');
    expect(out.stderr).toMatch(/Read-only file system/);
  });
});
