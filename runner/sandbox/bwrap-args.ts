/** What one sandboxed process may see and touch; every path absolute and already resolved. */
export interface SandboxLayout {
  /** The working directory inside, normally the task's worktree. */
  cwd: string;
  /** Directories the agent may write: the worktree, git metadata, its own state, caches. */
  writable: readonly string[];
  /** Paths inside writable ones that stay read-only (the repository's config, hooks/, info/). */
  readOnly: readonly string[];
  /** Directories replaced by an empty tmpfs: the runner's home, credential directories, /tmp. */
  hiddenDirs: readonly string[];
  /** Files replaced by an empty one: ~/.netrc, ~/.git-credentials and the like. */
  hiddenFiles: readonly string[];
}

type Mount = { path: string; order: number; args: string[] };

const depth = (path: string) => path.split('/').filter(Boolean).length;

/**
 * The bubblewrap argv (without the bwrap binary) that runs `command` inside `layout`. Mounts are
 * sorted by depth so a deeper one always lands on top: the worktree under a hidden $DIRECTOR_HOME,
 * the repository's config inside its writable .git, ~/.ssh inside a writable home.
 */
export function bwrapArgs(layout: SandboxLayout, command: readonly string[]): string[] {
  const mounts: Mount[] = [
    ...layout.hiddenDirs.map((path) => ({ path, order: 0, args: ['--tmpfs', path] })),
    ...layout.hiddenFiles.map((path) => ({ path, order: 0, args: ['--ro-bind', '/dev/null', path] })),
    ...layout.writable.map((path) => ({ path, order: 1, args: ['--bind', path, path] })),
    ...layout.readOnly.map((path) => ({ path, order: 2, args: ['--ro-bind', path, path] })),
  ];
  mounts.sort((a, b) => depth(a.path) - depth(b.path) || a.order - b.order || a.path.localeCompare(b.path));
  return [
    // The whole file system read-only, a fresh /dev and a /proc that shows only this run.
    '--ro-bind',
    '/',
    '/',
    '--dev',
    '/dev',
    '--proc',
    '/proc',
    ...mounts.flatMap((m) => m.args),
    // A user namespace and no capabilities: even a runner started as root cannot be unmounted around.
    '--unshare-user',
    '--cap-drop',
    'ALL',
    '--unshare-pid',
    '--unshare-ipc',
    '--die-with-parent',
    '--new-session',
    '--chdir',
    layout.cwd,
    '--',
    ...command,
  ];
}
