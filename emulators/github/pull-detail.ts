// Mergeability and size of a PR, computed with real git (GitHub computes them in the background).
import type { ApiDeps } from './api-kit.ts';
import { compareStats, mergesCleanly } from './git.ts';
import { combinedState, latestStatuses } from './render-checks.ts';
import type { PullDetail } from './render-pull.ts';
import { ruleViolation, rulesFor, strictApplies, upToDate } from './rules.ts';
import type { RepoRecord } from './store.ts';
import type { IssueRecord, PullRecord } from './types.ts';

/** Whether base and head merge without conflicts, cached per sha pair (the answer never changes). */
export async function cleanMerge(deps: ApiDeps, repo: RepoRecord, pull: PullRecord): Promise<boolean> {
  const key = `${repo.gitDir}:${pull.baseSha}:${pull.headSha}`;
  const known = deps.mergeCache.get(key);
  if (known !== undefined) return known;
  const clean = await mergesCleanly(deps.git, repo.gitDir, pull.baseSha, pull.headSha);
  deps.mergeCache.set(key, clean);
  return clean;
}

/** True when some check or status on the head is failing or still running ("unstable" on GitHub). */
function headUnstable(repo: RepoRecord, sha: string): boolean {
  const runs = repo.checkRuns.get(sha) ?? [];
  const badRun = runs.some((r) => r.status !== 'completed' || !['success', 'neutral', 'skipped'].includes(r.conclusion ?? ''));
  const statuses = latestStatuses(repo.statuses.get(sha) ?? []);
  return badRun || (statuses.length > 0 && combinedState(statuses) !== 'success');
}

/** Effective mergeability: the test's override, else git's answer (null once the PR is closed). */
export async function mergeability(deps: ApiDeps, repo: RepoRecord, issue: IssueRecord, pull: PullRecord): Promise<boolean | null> {
  if (issue.state !== 'open') return null;
  if (pull.mergeableOverride !== undefined) return pull.mergeableOverride;
  return cleanMerge(deps, repo, pull);
}

/** What GET /pulls/{n} adds to the simple shape; refreshes the PR's size while it is open. */
export async function pullDetail(deps: ApiDeps, repo: RepoRecord, issue: IssueRecord, pull: PullRecord): Promise<PullDetail> {
  if (issue.state === 'open') pull.stats = await compareStats(deps.git, repo.gitDir, pull.baseSha, pull.headSha);
  const mergeable = await mergeability(deps, repo, issue, pull);
  if (mergeable === null) return { mergeable, mergeableState: 'unknown' };
  if (!mergeable) return { mergeable, mergeableState: 'dirty' };
  if (pull.draft) return { mergeable, mergeableState: 'draft' };
  const rules = rulesFor(repo, pull.baseRef);
  if (rules && strictApplies(rules) && !(await upToDate(deps, repo, pull))) return { mergeable, mergeableState: 'behind' };
  if (rules && (await ruleViolation(deps, repo, issue, pull)) !== undefined) return { mergeable, mergeableState: 'blocked' };
  return { mergeable, mergeableState: headUnstable(repo, pull.headSha) ? 'unstable' : 'clean' };
}
