// Branch rules as GitHub enforces them at merge time: required checks, up-to-date heads, approvals.
import type { ApiDeps } from './api-kit.ts';
import { latestStatuses } from './render-checks.ts';
import type { RepoRecord } from './store.ts';
import type { BranchRules, IssueRecord, PullRecord } from './types.ts';

/** Protection and rulesets of a branch combined (rulesets add to protection, the stricter wins). */
export function rulesFor(repo: RepoRecord, branch: string): BranchRules | undefined {
  const sources = [repo.protection.get(branch), repo.rulesets.get(branch)].filter((r) => r !== undefined);
  if (sources.length === 0) return undefined;
  return {
    requiredChecks: [...new Set(sources.flatMap((r) => r.requiredChecks))],
    strict: sources.some((r) => r.strict),
    requiredApprovals: Math.max(...sources.map((r) => r.requiredApprovals)),
  };
}

/** One required check on a commit: the latest check run of that name, else the latest status of that context. */
export function requiredCheckState(repo: RepoRecord, sha: string, name: string): 'passed' | 'pending' | 'failed' {
  const runs = (repo.checkRuns.get(sha) ?? []).filter((r) => r.name === name);
  const run = runs.reduce<(typeof runs)[number] | undefined>((a, b) => (a === undefined || b.id > a.id ? b : a), undefined);
  if (run) {
    if (run.status !== 'completed') return 'pending';
    return ['success', 'neutral', 'skipped'].includes(run.conclusion ?? '') ? 'passed' : 'failed';
  }
  const status = latestStatuses(repo.statuses.get(sha) ?? []).find((s) => s.context === name);
  if (!status || status.state === 'pending') return 'pending';
  return status.state === 'success' ? 'passed' : 'failed';
}

/** Approving reviews that count: each reviewer's latest verdict, the PR's author excluded. */
export function approvals(issue: IssueRecord, pull: PullRecord): number {
  const latest = new Map<string, string>();
  for (const review of pull.reviews) {
    if (review.user === issue.user || review.state === 'COMMENTED' || review.state === 'PENDING') continue;
    latest.set(review.user, review.state);
  }
  return [...latest.values()].filter((s) => s === 'APPROVED').length;
}

/** Whether `base` is contained in `head` (the head is up to date with its base). */
export async function upToDate(deps: ApiDeps, repo: RepoRecord, pull: PullRecord): Promise<boolean> {
  const result = await deps.git.run(['merge-base', '--is-ancestor', pull.baseSha, pull.headSha], { gitDir: repo.gitDir });
  return result.code === 0;
}

/** A strict rule binds only when some status check is required. */
export function strictApplies(rules: BranchRules): boolean {
  return rules.strict && rules.requiredChecks.length > 0;
}

/** Why the base branch's rules refuse this merge now (GitHub's 405 message), or undefined when they allow it. */
export async function ruleViolation(deps: ApiDeps, repo: RepoRecord, issue: IssueRecord, pull: PullRecord): Promise<string | undefined> {
  const rules = rulesFor(repo, pull.baseRef);
  if (!rules) return undefined;
  for (const name of rules.requiredChecks) {
    const state = requiredCheckState(repo, pull.headSha, name);
    if (state === 'pending') return `Required status check "${name}" is expected.`;
    if (state === 'failed') return `Required status check "${name}" is failing.`;
  }
  const needed = rules.requiredApprovals;
  if (approvals(issue, pull) < needed) {
    return `At least ${needed} approving review${needed === 1 ? ' is' : 's are'} required by reviewers with write access.`;
  }
  // GitHub: "This setting will not take effect unless at least one status check is enabled."
  if (strictApplies(rules) && !(await upToDate(deps, repo, pull))) return 'Head branch is out of date. Update the branch and try the merge again.';
  return undefined;
}
