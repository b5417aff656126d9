import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Who the runner commits as (not the agent, not the user's own git identity). */
export interface CommitIdentity {
  name: string;
  email: string;
}

function gitEnv(base: Record<string, string>, identity?: CommitIdentity): Record<string, string> {
  return {
    ...base,
    GIT_TERMINAL_PROMPT: '0',
    ...(identity && {
      GIT_AUTHOR_NAME: identity.name,
      GIT_AUTHOR_EMAIL: identity.email,
      GIT_COMMITTER_NAME: identity.name,
      GIT_COMMITTER_EMAIL: identity.email,
    }),
  };
}

async function git(cwd: string, args: string[], env: Record<string, string>): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env, maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

/** Commits everything the agent left in the worktree. Returns the new head, or undefined when nothing changed. */
export async function commitAll(cwd: string, message: string, identity: CommitIdentity, env: Record<string, string>): Promise<string | undefined> {
  const e = gitEnv(env, identity);
  await git(cwd, ['add', '-A'], e);
  const staged = await git(cwd, ['diff', '--cached', '--name-only'], e);
  if (staged === '') return undefined;
  await git(cwd, ['-c', 'core.hooksPath=/dev/null', 'commit', '-q', '--no-verify', '-m', message], e);
  return git(cwd, ['rev-parse', 'HEAD'], e);
}

/** Commits of the branch that the base does not have. */
export async function commitsAhead(cwd: string, base: string, env: Record<string, string>): Promise<number> {
  return Number(await git(cwd, ['rev-list', '--count', `${base}..HEAD`], gitEnv(env)));
}

export async function headSha(cwd: string, env: Record<string, string>): Promise<string> {
  return git(cwd, ['rev-parse', 'HEAD'], gitEnv(env));
}

/**
 * Pushes HEAD to `branch` at `url` with the runner's token. The token travels in an HTTP header
 * set through git's environment config, never on the command line or in the remote URL.
 */
export async function pushBranch(cwd: string, url: string, branch: string, token: string, env: Record<string, string>): Promise<void> {
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  // No hooks: a hook written by the agent must never run with the token in its environment.
  await git(cwd, ['-c', 'core.hooksPath=/dev/null', 'push', '--no-verify', '-q', url, `HEAD:refs/heads/${branch}`], {
    ...gitEnv(env),
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.extraHeader',
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
  });
}
