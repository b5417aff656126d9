import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gitEnv } from '../../emulators/support/git.ts';

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...gitEnv }, encoding: 'utf8' }).trim();
}

/** A repository on `main` with one commit of `files`, and a bare `origin` it was pushed to. */
export function makeRepo(dir: string, files: Record<string, string>): { path: string; origin: string } {
  const origin = join(dir, 'origin.git');
  const path = join(dir, 'checkout');
  mkdirSync(path, { recursive: true });
  git(dir, 'init', '--bare', '--initial-branch=main', origin);
  git(path, 'init', '--initial-branch=main');
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(path, name)), { recursive: true });
    writeFileSync(join(path, name), content);
  }
  git(path, 'add', '-A');
  git(path, 'commit', '-m', 'initial');
  git(path, 'remote', 'add', 'origin', origin);
  git(path, 'push', '-q', 'origin', 'main');
  return { path, origin };
}
