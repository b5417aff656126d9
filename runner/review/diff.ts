/**
 * The task's change as the reviewer sees it: the diff of the worktree against where its branch
 * left the default branch, plus untracked files. Git runs without hooks, external diff drivers or
 * textconv, so nothing in the worktree (written by the agent) can make it run a command.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const MAX_DIFF = 60_000;
const MAX_NEW_FILE = 8_000;

async function git(cwd: string, env: Record<string, string>, args: string[]): Promise<string> {
  const safe = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', '-c', 'diff.external='];
  const { stdout } = await run('git', [...safe, ...args], {
    cwd,
    env: { ...env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' },
    maxBuffer: 32 * 1024 * 1024,
  });
  return stdout;
}

/** Where the task's branch left the default branch (its remote-tracking ref when there is one). */
async function baseOf(cwd: string, env: Record<string, string>, defaultBranch: string, remote: string | undefined): Promise<string> {
  for (const ref of [...(remote ? [`${remote}/${defaultBranch}`] : []), defaultBranch]) {
    try {
      return (await git(cwd, env, ['merge-base', 'HEAD', ref])).trim();
    } catch {
      // try the next ref
    }
  }
  return 'HEAD';
}

/** The change under review, cut to a size a prompt can hold. */
export async function taskDiff(worktree: string, defaultBranch: string, remote: string | undefined, env: Record<string, string>): Promise<string> {
  const base = await baseOf(worktree, env, defaultBranch, remote);
  const tracked = await git(worktree, env, ['diff', '--no-ext-diff', '--no-textconv', '--no-color', base]);
  const untracked = (await git(worktree, env, ['ls-files', '--others', '--exclude-standard', '-z'])).split('\0').filter(Boolean);
  const added = untracked.map((path) => {
    const file = join(worktree, path);
    if (!existsSync(file) || !statSync(file).isFile()) return '';
    const text = readFileSync(file, 'utf8');
    const body = text.length > MAX_NEW_FILE ? `${text.slice(0, MAX_NEW_FILE)}\n[… cut]` : text;
    return `new file ${path}:\n${body
      .split('\n')
      .map((l, i) => `${i + 1}+ ${l}`)
      .join('\n')}`;
  });
  const whole = [tracked, ...added].filter(Boolean).join('\n');
  return whole.length > MAX_DIFF ? `${whole.slice(0, MAX_DIFF)}\n[… diff cut at ${MAX_DIFF} characters]` : whole;
}
