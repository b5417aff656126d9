import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Octokit } from '@octokit/rest';
import { z } from 'zod';
import type { Logger } from '../../shared/log.ts';
import { readGate } from '../github/checks.ts';
import type { TaskStore } from '../tasks/store.ts';

const run = promisify(execFile);
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
  constructor(private readonly options: SiblingRebaseOptions) {}

  async afterMerge(project: string, mergedTaskId: string): Promise<void> {
    const { store, projects, octokit, log } = this.options;
    const config = projects.get(project);
    if (!config?.repo) return;
    for (const task of store.all()) {
      if (task.id === mergedTaskId || task.project !== project || task.state !== 'awaiting_review' || !task.pr_number || !task.worktree) continue;
      const gate = await readGate(octokit, config.repo, task.pr_number);
      if (gate.pull.merged || gate.pull.mergeable !== false) continue;
      const files = await this.mergeDefault(task.worktree, config);
      if (files === undefined) {
        log.warn({ task: task.id }, 'could not merge the default branch into a conflicted sibling');
        continue;
      }
      log.info({ task: task.id, files }, 'a sibling conflicts with the new default branch: its agent resolves it');
      this.options.steer(task.id, conflictPrompt(config.defaultBranch, files.length > 0 ? files : ['(none left: check the merge)']));
    }
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
