import { existsSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import type { SandboxLayout } from './bwrap-args.ts';

/** Credential files and directories under a home that no agent needs. */
const SECRETS_IN_HOME = [
  '.ssh',
  '.aws',
  '.azure',
  '.config/gcloud',
  '.config/gh',
  '.config/hub',
  '.config/director',
  '.git-credentials',
  '.netrc',
  '.docker',
  '.kube',
  '.gnupg',
  '.npmrc',
  '.pypirc',
  '.cargo/credentials',
  '.cargo/credentials.toml',
];

/** Sockets that hand out the user's power: the container engine (root on the host), ssh and gpg agents, the session bus. */
const SOCKETS = ['/run/user', '/run/docker.sock', '/var/run/docker.sock', '/run/podman', '/run/containerd/containerd.sock'];

export interface LayoutInput {
  /** The task's worktree (or scratch directory) the process runs in. */
  cwd: string;
  /** The process's environment: its HOME, CODEX_HOME, CLAUDE_CONFIG_DIR, TMPDIR. */
  env: Record<string, string>;
  /** The runner's DIRECTOR_HOME: token, database, other tasks' worktrees. */
  runnerHome: string;
  /** Homes whose credentials are hidden: the runner's and the agent's. */
  homes: readonly string[];
  /** A writable place for npm, pip and cargo caches. */
  cacheDir: string;
  /** The program about to run (an absolute path, or a name looked up on PATH). */
  program?: string;
  /** The worktree and its git metadata read-only too (the reviewer). */
  readOnly?: boolean;
}

/**
 * Where a program's files live, when that place is hidden (a checkout under /tmp): its whole
 * `node_modules` for an npm-installed CLI such as codex or claude, else its directory.
 */
function programRoot(program: string | undefined, hidden: readonly string[]): string | undefined {
  if (!program || !isAbsolute(program) || !existsSync(program)) return undefined;
  const path = realpathSync(program);
  const parts = path.split(sep);
  const at = parts.lastIndexOf('node_modules');
  const root = at > 0 ? parts.slice(0, at + 1).join(sep) : dirname(path);
  const under = (dir: string) => root === dir || root.startsWith(`${dir}${sep}`);
  return hidden.some(under) ? root : undefined;
}

const real = (path: string) => (existsSync(path) ? realpathSync(path) : resolve(path));

/** The repository's metadata a worktree uses: its own git dir and the shared one (objects, refs). */
function gitDirs(cwd: string): { common: string } | undefined {
  const dotGit = join(cwd, '.git');
  if (!existsSync(dotGit)) return undefined;
  if (statSync(dotGit).isDirectory()) return { common: realpathSync(dotGit) };
  const pointer = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
  if (!pointer) return undefined;
  const own = isAbsolute(pointer) ? pointer : resolve(cwd, pointer);
  const commondir = join(own, 'commondir');
  const common = existsSync(commondir) ? resolve(own, readFileSync(commondir, 'utf8').trim()) : dirname(dirname(own));
  return existsSync(common) ? { common: realpathSync(common) } : undefined;
}

/** The agents' own state: codex's and claude's sessions and logins (made if missing, so a resume finds them). */
function agentState(env: Record<string, string>): string[] {
  const home = env.HOME;
  const dirs = [env.CODEX_HOME ?? (home && join(home, '.codex')), env.CLAUDE_CONFIG_DIR ?? (home && join(home, '.claude'))];
  const made = dirs.filter((dir): dir is string => typeof dir === 'string' && dir !== '' && existsSync(dirname(dir)));
  for (const dir of made) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const claudeJson = !env.CLAUDE_CONFIG_DIR && home ? [join(home, '.claude.json')].filter((file) => existsSync(file)) : [];
  return [...made, ...claudeJson];
}

/**
 * What a sandboxed run sees: everything read-only, the worktree, git objects and refs, the agent's
 * state and the caches writable; the repository's config, hooks/ and info/ read-only; the
 * runner's home and credentials hidden; /tmp private.
 */
export function sandboxLayout({ cwd, env, runnerHome, homes, cacheDir, program, readOnly = false }: LayoutInput): SandboxLayout {
  const git = gitDirs(cwd);
  const inHomes = homes.flatMap((home) => SECRETS_IN_HOME.map((name) => join(home, name)));
  const secrets = [...inHomes, ...SOCKETS, ...(env.SSH_AUTH_SOCK ? [env.SSH_AUTH_SOCK] : [])].filter((path) => existsSync(path));
  const isDir = (path: string) => statSync(path).isDirectory();
  const tmp = ['/tmp', '/var/tmp', ...(env.TMPDIR ? [env.TMPDIR] : [])].filter((path) => existsSync(path));
  const hiddenDirs = [...new Set([...tmp, ...(existsSync(runnerHome) ? [runnerHome] : []), ...secrets.filter(isDir)].map(real))];
  const programDir = programRoot(program, hiddenDirs);
  const checkout = [real(cwd), ...(git ? [git.common] : [])];
  return {
    cwd: real(cwd),
    writable: [...new Set([...(readOnly ? [] : checkout), ...agentState(env).map(real), real(cacheDir)])],
    readOnly: [
      ...(readOnly ? checkout : []),
      ...(git ? ['config', 'hooks', 'info'].map((name) => join(git.common, name)).filter((path) => existsSync(path)) : []),
      ...(programDir ? [programDir] : []),
    ],
    hiddenDirs,
    hiddenFiles: [...new Set(secrets.filter((path) => !isDir(path)).map(real))],
  };
}
