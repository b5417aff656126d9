// Running real git for the emulator's bare repositories, isolated from the user's config and hooks' env.
import { spawn } from 'node:child_process';

/** What one git process produced. */
export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of one git invocation. */
export interface GitOptions {
  /** Runs as `git --git-dir=<gitDir>`. */
  gitDir?: string;
  cwd?: string;
  env?: Record<string, string>;
  input?: string | Buffer;
}

/** A fresh environment: nothing inherited except PATH, so GIT_DIR & co. from a calling hook can't leak in. */
export function isolatedGitEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: home,
    LANG: 'C',
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    ...extra,
  };
}

/** Runs git with an argument array (never a shell). */
export class GitRunner {
  constructor(private readonly home: string) {}

  /** The environment every emulator-side git gets (http-backend included). */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return isolatedGitEnv(this.home, extra);
  }

  run(args: readonly string[], opts: GitOptions = {}): Promise<GitResult> {
    const full = opts.gitDir === undefined ? [...args] : [`--git-dir=${opts.gitDir}`, ...args];
    return new Promise((resolve, reject) => {
      const child = spawn('git', full, { cwd: opts.cwd ?? this.home, env: this.env(opts.env), stdio: 'pipe' });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      child.on('error', reject);
      child.on('close', (code) => {
        resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
      });
      // EPIPE when git exits before reading everything is not our failure; the exit code tells.
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.input ?? '');
    });
  }

  /** Runs git and returns trimmed stdout; throws with stderr on a non-zero exit. */
  async ok(args: readonly string[], opts: GitOptions = {}): Promise<string> {
    const result = await this.run(args, opts);
    if (result.code !== 0) {
      throw new Error(`github emulator: git ${args.join(' ')} failed (${result.code}): ${result.stderr.trim()}`);
    }
    return result.stdout.trim();
  }
}

/** Branch name → tip sha of every branch in a bare repository (one process). */
export async function branchTips(git: GitRunner, gitDir: string): Promise<Map<string, string>> {
  const out = await git.ok(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/'], { gitDir });
  const tips = new Map<string, string>();
  for (const line of out.split('\n')) {
    const match = /^([0-9a-f]{40}) refs\/heads\/(.+)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) tips.set(match[2], match[1]);
  }
  return tips;
}

/** The sha a ref (branch, tag or sha) names, or undefined. */
export async function revParse(git: GitRunner, gitDir: string, ref: string): Promise<string | undefined> {
  if (ref.startsWith('-')) return undefined;
  const result = await git.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { gitDir });
  const sha = result.stdout.trim();
  return result.code === 0 && /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
}

/** Whether base and head merge without conflicts (git merge-tree --write-tree, git ≥ 2.38). */
export async function mergesCleanly(git: GitRunner, gitDir: string, base: string, head: string): Promise<boolean> {
  const result = await git.run(['merge-tree', '--write-tree', '--no-messages', base, head], { gitDir });
  return result.code === 0;
}

/** Commits on head not on base, and the diff size of head against their merge base. */
export async function compareStats(
  git: GitRunner,
  gitDir: string,
  base: string,
  head: string,
): Promise<{ commits: number; additions: number; deletions: number; changedFiles: number }> {
  const [count, shortstat] = await Promise.all([
    git.ok(['rev-list', '--count', `${base}..${head}`], { gitDir }),
    git.run(['diff', '--shortstat', `${base}...${head}`], { gitDir }),
  ]);
  const number = (re: RegExp): number => Number(re.exec(shortstat.stdout)?.[1] ?? '0');
  return {
    commits: Number(count),
    changedFiles: number(/(\d+) files? changed/),
    additions: number(/(\d+) insertions?\(\+\)/),
    deletions: number(/(\d+) deletions?\(-\)/),
  };
}

/** Author/committer env for commits the emulator writes, dated by the emulator's clock. */
export function identityEnv(author: { name: string; email: string }, committer: { name: string; email: string }, nowMs: number): Record<string, string> {
  const date = `${Math.floor(nowMs / 1000)} +0000`;
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
    GIT_COMMITTER_DATE: date,
  };
}
