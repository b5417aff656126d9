import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Octokit } from '@octokit/rest';
import { z } from 'zod';
import type { Logger } from '../../shared/log.ts';
import { repoParts } from '../github/issues.ts';
import type { TaskStore } from '../tasks/store.ts';

const run = promisify(execFile);
const pullSchema = z.object({ merged: z.boolean(), mergeable: z.boolean().nullable() });
/** What execFile rejects with when git exits non-zero. */
const execFailure = z.object({ code: z.number().optional(), stdout: z.string().optional() });

/** A project as the sibling pass needs it: its clone, remote and default branch. */
export interface SiblingProject {
  repo?: string | undefined;
  path: string;
  remote?: string | undefined;
  defaultBranch: string;
}

export interface SiblingRebaseOptions {
  octokit: Octokit;
  store: TaskStore;
  projects: ReadonlyMap<string, SiblingProject>;
  /** Gives the task's agent a turn with this instruction (as a thread reply would). */
  steer: (taskId: string, text: string) => void;
  identity: { name: string; email: string };
  /** PATH for git; nothing else of the runner's environment. */
  path: string;
  log: Logger;
}

/** The runner's own git in a task's worktree: no hooks, no fsmonitor, no system or global config. */
async function git(cwd: string, args: string[], options: SiblingRebaseOptions): Promise<{ code: number; out: string }> {
  const env = { PATH: options.path, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', HOME: '/nonexistent', GIT_TERMINAL_PROMPT: '0' };
  const safe = [
    '-c',
    'core.hooksPath=/dev/null',
    '-c',
    'core.fsmonitor=false',
    '-c',
    `user.name=${options.identity.name}`,
    '-c',
    `user.email=${options.identity.email}`,
  ];
  try {
    const { stdout } = await run('git', [...safe, ...args], { cwd, env, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, out: stdout.trim() };
  } catch (error) {
    const failed = execFailure.safeParse(error);
    return { code: failed.data?.code ?? 1, out: (failed.data?.stdout ?? '').trim() };
  }
}

/** The turn a conflicted sibling's agent gets: resolve, keep both intents, make the tests pass. */
export function conflictPrompt(base: string, files: string[]): string {
  return [
    `Another PR was merged into ${base}, and merging the new ${base} into this branch conflicted in: ${files.join(', ')}.`,
    `The runner has merged ${base} into your worktree; those files now hold conflict markers (<<<<<<<, =======, >>>>>>>).`,
    'Resolve every conflict so both changes keep working, remove all conflict markers, and make sure the tests still pass.',
  ].join('\n');
}

/**
 * After a merge, the project's other PRs in review may conflict with the new default branch. For
 * each, the runner merges that branch into the task's worktree and gives its agent a turn to
 * resolve the conflict; the task is then verified and published again (the publish records the
 * default branch as a second parent) and returns to review. A PR merely behind is left for the
 * merge itself, which updates it.
 */
export class SiblingRebase {
  /** Siblings being merged into and handed to their agent (two merges' passes may overlap). */
  private readonly inHand = new Set<string>();

  constructor(private readonly options: SiblingRebaseOptions) {}

  async afterMerge(project: string, mergedTaskId: string): Promise<void> {
    const { store, projects, octokit } = this.options;
    const config = projects.get(project);
    if (!config?.repo) return;
    const repo = config.repo;
    const siblings = store.all().filter((t) => t.id !== mergedTaskId && t.project === project && t.state === 'awaiting_review' && t.pr_number && t.worktree);
    // Only whether each conflicts: one read per sibling, all at once.
    const pulls = await Promise.all(
      siblings.map(async (task) => ({
        task,
        pull: pullSchema.parse((await octokit.rest.pulls.get({ ...repoParts(repo), pull_number: task.pr_number ?? 0 })).data),
      })),
    );
    for (const { task, pull } of pulls) {
      if (pull.merged || pull.mergeable !== false || !task.worktree || this.inHand.has(task.id)) continue;
      this.inHand.add(task.id);
      try {
        await this.handOver(task.id, task.worktree, config);
      } finally {
        this.inHand.delete(task.id);
      }
    }
  }

  /** Merges the default branch into the sibling's worktree and gives its agent the turn to resolve it. */
  private async handOver(taskId: string, worktree: string, config: SiblingProject): Promise<void> {
    const { log } = this.options;
    const files = await this.mergeDefault(worktree, config);
    if (files === undefined) return void log.warn({ task: taskId }, 'could not merge the default branch into a conflicted sibling');
    log.info({ task: taskId, files }, 'a sibling conflicts with the new default branch: its agent resolves it');
    this.options.steer(taskId, conflictPrompt(config.defaultBranch, files.length > 0 ? files : ['(none left: check the merge)']));
  }

  /** Commits the worktree's work, merges the fetched default branch; the files left in conflict (undefined: it failed). */
  private async mergeDefault(worktree: string, project: SiblingProject): Promise<string[] | undefined> {
    const o = this.options;
    const remote = project.remote ?? 'origin';
    if ((await git(worktree, ['fetch', '-q', '--no-tags', remote, project.defaultBranch], o)).code !== 0) return undefined;
    await git(worktree, ['add', '-A', '--', '.'], o);
    await git(worktree, ['commit', '-q', '--no-verify', '-m', 'Work so far (before merging the default branch)'], o);
    const merged = await git(worktree, ['merge', '--no-edit', '--no-verify', '-q', 'FETCH_HEAD'], o);
    if (merged.code === 0) return [];
    const conflicted = await git(worktree, ['diff', '--name-only', '--diff-filter=U'], o);
    return conflicted.out === '' ? undefined : conflicted.out.split('\n');
  }
}
