// Real merges in a bare repository: a merge commit, a squash commit, or the head's commits replayed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GITHUB_COMMITTER } from './bare.ts';
import { identityEnv } from './git.ts';
import type { GitRunner } from './git.ts';

export type MergeMethod = 'merge' | 'squash' | 'rebase';

/** Everything needed to merge head into base. */
export interface MergePlan {
  gitDir: string;
  baseRef: string;
  baseSha: string;
  headSha: string;
  method: MergeMethod;
  /** Full commit message (merge and squash; rebase keeps the original messages). */
  message: string;
  /** The merging user (author of merge/squash commits; GitHub is the committer). */
  author: { name: string; email: string };
  nowMs: number;
}

export type MergeOutcome = { kind: 'merged'; sha: string } | { kind: 'conflict' } | { kind: 'base-moved' };

/** Subjects of the commits head adds over base, oldest first (squash messages list them). */
export async function commitSubjects(git: GitRunner, gitDir: string, base: string, head: string): Promise<string[]> {
  const out = await git.ok(['log', '--reverse', '--format=%s', `${base}..${head}`], { gitDir });
  return out === '' ? [] : out.split('\n');
}

/** One tree for base+head via merge-tree (git ≥ 2.38), committed with one or two parents. */
async function commitMerge(git: GitRunner, plan: MergePlan, twoParents: boolean): Promise<string | undefined> {
  const { gitDir } = plan;
  const merged = await git.run(['merge-tree', '--write-tree', '--no-messages', plan.baseSha, plan.headSha], { gitDir });
  const tree = merged.stdout.split('\n')[0]?.trim() ?? '';
  if (merged.code !== 0 || !/^[0-9a-f]{40}$/.test(tree)) return undefined;
  const parents = twoParents ? ['-p', plan.baseSha, '-p', plan.headSha] : ['-p', plan.baseSha];
  const env = identityEnv(plan.author, GITHUB_COMMITTER, plan.nowMs);
  return git.ok(['commit-tree', tree, ...parents, '-F', '-'], { gitDir, env, input: plan.message });
}

/** Cherry-picks head's non-merge commits onto base in a throwaway worktree (merge-tree can't pick a base in 2.39). */
async function replay(git: GitRunner, plan: MergePlan): Promise<string | undefined> {
  const { gitDir } = plan;
  const list = await git.ok(['rev-list', '--reverse', '--no-merges', `${plan.baseSha}..${plan.headSha}`], { gitDir });
  const scratch = await mkdtemp(join(tmpdir(), 'gh-emu-rebase-'));
  const work = join(scratch, 'wt');
  await git.ok(['worktree', 'add', '--detach', '--quiet', work, plan.baseSha], { gitDir });
  // Authors stay; GitHub becomes the committer, as on github.com.
  const date = `${Math.floor(plan.nowMs / 1000)} +0000`;
  const env = { GIT_COMMITTER_NAME: GITHUB_COMMITTER.name, GIT_COMMITTER_EMAIL: GITHUB_COMMITTER.email, GIT_COMMITTER_DATE: date };
  try {
    for (const sha of list.split('\n').filter((s) => s !== '')) {
      const picked = await git.run(['cherry-pick', '--allow-empty', '--keep-redundant-commits', sha], { cwd: work, env });
      if (picked.code !== 0) return undefined;
    }
    return await git.ok(['rev-parse', 'HEAD'], { cwd: work });
  } finally {
    await git.run(['worktree', 'remove', '--force', work], { gitDir });
    await rm(scratch, { recursive: true, force: true });
    await git.run(['worktree', 'prune'], { gitDir });
  }
}

/** Merges and moves the base branch (compare-and-swap against the base sha the merge was computed from). */
export async function mergeInBare(git: GitRunner, plan: MergePlan): Promise<MergeOutcome> {
  const sha = plan.method === 'rebase' ? await replay(git, plan) : await commitMerge(git, plan, plan.method === 'merge');
  if (sha === undefined) return { kind: 'conflict' };
  const moved = await git.run(['update-ref', `refs/heads/${plan.baseRef}`, sha, plan.baseSha], { gitDir: plan.gitDir });
  return moved.code === 0 ? { kind: 'merged', sha } : { kind: 'base-moved' };
}
