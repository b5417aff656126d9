import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Git isolated from the machine's config, never prompting. */
export const gitEnv: Record<string, string> = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...gitEnv }, encoding: 'utf8' }).trim();
}

/** Async git, for servers in the same process (a sync call would block them and deadlock). */
export async function gitAsync(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('git', args, { cwd, env: { ...process.env, ...gitEnv } });
  return stdout.trim();
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
