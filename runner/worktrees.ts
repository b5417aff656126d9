import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';

/** A project the runner serves: a GitHub repo and a local clone of it. */
export interface ProjectCheckout {
  /** Short name, used in paths. */
  name: string;
  /** The user's clone (or one the runner manages); its working tree and index are never touched. */
  path: string;
  defaultBranch: string;
  /** Remote to fetch the default branch from; none for a purely local repository. */
  remote?: string;
}

/** Where a task works. */
export interface Worktree {
  path: string;
  branch: string;
}

export function slugify(text: string, max = 40): string {
  const slug = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return slug || 'task';
}

/** `director/<task id>-<slug>`: one branch per task, never reused. */
export function taskBranch(taskId: string, title: string): string {
  return `director/${taskId}-${slugify(title)}`;
}

/**
 * One git worktree per task, made from the freshly fetched default branch. `git worktree add`
 * writes only under the new path and the repository's metadata; the user's checkout is untouched.
 */
export class Worktrees {
  /** Per repository, the fetch in flight: tasks starting together share one (parallel fetches fight over ref locks). */
  private readonly fetches = new Map<string, Promise<void>>();
  /** Per repository, worktree metadata changes one at a time: parallel `worktree add`s read each other's half-made records. */
  private readonly metadata = new Map<string, Promise<unknown>>();

  constructor(
    private readonly root: string,
    private readonly git: (dir: string) => SimpleGit = (dir) => simpleGit({ baseDir: dir, maxConcurrentProcesses: 4 }),
  ) {}

  pathFor(project: ProjectCheckout, taskId: string): string {
    return join(this.root, project.name, taskId);
  }

  /** Creates the task's worktree, or returns it if a previous run already did (after a crash). */
  async prepare(project: ProjectCheckout, taskId: string, branch: string): Promise<Worktree> {
    const path = this.pathFor(project, taskId);
    const repo = this.git(project.path);
    if (existsSync(path)) return { path, branch };
    mkdirSync(join(this.root, project.name), { recursive: true });
    let base = project.defaultBranch;
    if (project.remote) {
      await this.fetch(project, project.remote);
      base = `${project.remote}/${project.defaultBranch}`;
    }
    // The metadata is made one at a time; the checkout (the slow part) runs in parallel in each worktree.
    await this.oneAtATime(project.path, async () => {
      const exists = (await repo.raw(['branch', '--list', branch])).trim() !== '';
      await repo.raw(
        exists ? ['worktree', 'add', '--no-checkout', path, branch] : ['worktree', 'add', '--no-checkout', '--no-track', '-b', branch, path, base],
      );
    });
    await this.git(path).raw(['reset', '--hard', '-q']);
    return { path, branch };
  }

  private oneAtATime<T>(repoPath: string, work: () => Promise<T>): Promise<T> {
    const next = (this.metadata.get(repoPath) ?? Promise.resolve()).catch(() => undefined).then(work);
    this.metadata.set(repoPath, next);
    return next;
  }

  /**
   * Fetches the default branch; a task that asks while a fetch waits or runs shares that one. It
   * takes its turn with the worktree metadata: `git worktree add` first writes a placeholder HEAD,
   * and a fetch that walks every worktree's HEAD at that moment fails with "bad object".
   */
  private fetch(project: ProjectCheckout, remote: string): Promise<void> {
    const running = this.fetches.get(project.path);
    if (running) return running;
    const fetching = this.oneAtATime(project.path, () => this.git(project.path).fetch(remote, project.defaultBranch))
      .then(() => undefined)
      .finally(() => this.fetches.delete(project.path));
    this.fetches.set(project.path, fetching);
    return fetching;
  }

  /** Removes the worktree and its branch, then prunes stale worktree records. */
  async remove(project: ProjectCheckout, worktree: Worktree): Promise<void> {
    const repo = this.git(project.path);
    await this.oneAtATime(project.path, async () => {
      if (existsSync(worktree.path)) await repo.raw(['worktree', 'remove', '--force', worktree.path]);
      await repo.raw(['worktree', 'prune']);
      if ((await repo.raw(['branch', '--list', worktree.branch])).trim() !== '') await repo.raw(['branch', '-D', worktree.branch]);
    });
  }
}
