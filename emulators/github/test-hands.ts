// The test's hands on PRs and commits: CI results, reviews, mergeability and draft state.
import { FeedbackHands } from './feedback-hands.ts';
import { revParse } from './git.ts';
import type {
  BranchRules,
  CheckRunInput,
  IssueRecord,
  PullRecord,
  ReviewCommentInput,
  ReviewCommentRecord,
  ReviewInput,
  ReviewRecord,
  StatusInput,
} from './types.ts';

/** Base of GitHubEmulator: everything a test sets up around PRs. */
export class TestHands extends FeedbackHands {
  /** Replaces the check runs GitHub reports for a commit sha (newest last). */
  setCheckRuns(owner: string, repo: string, sha: string, runs: readonly CheckRunInput[]): void {
    const record = this.deps.store.mustRepo(owner, repo);
    const now = this.deps.config.now();
    record.checkRuns.set(
      sha,
      runs.map((run) => ({
        ...run,
        id: this.deps.store.ids.take(),
        headSha: sha,
        startedAt: now,
        completedAt: run.status === 'completed' ? now : null,
      })),
    );
  }

  /** Replaces the commit statuses of a sha (later entries win per context, as newer statuses do). */
  setStatuses(owner: string, repo: string, sha: string, statuses: readonly StatusInput[]): void {
    const record = this.deps.store.mustRepo(owner, repo);
    const now = this.deps.config.now();
    record.statuses.set(
      sha,
      statuses.map((s) => ({ ...s, id: this.deps.store.ids.take(), createdAt: now })),
    );
  }

  /** Adds a review; commit_id defaults to the PR's head as git has it now. */
  async addReview(owner: string, repo: string, prNumber: number, input: ReviewInput): Promise<ReviewRecord> {
    const pull = this.pullRecord(owner, repo, prNumber);
    const review: ReviewRecord = {
      id: this.deps.store.ids.take(),
      state: input.state,
      body: input.body ?? '',
      user: input.user ?? 'octocat',
      commitId: input.commitId ?? (await this.currentHead(owner, repo, pull)),
      submittedAt: this.deps.config.now(),
    };
    pull.reviews.push(review);
    return review;
  }

  /** Adds a review (diff) comment on a file line. */
  async addReviewComment(owner: string, repo: string, prNumber: number, input: ReviewCommentInput): Promise<ReviewCommentRecord> {
    const pull = this.pullRecord(owner, repo, prNumber);
    const comment: ReviewCommentRecord = {
      id: this.deps.store.ids.take(),
      reviewId: null,
      path: input.path,
      line: input.line ?? null,
      body: input.body,
      user: input.user ?? 'octocat',
      commitId: input.commitId ?? (await this.currentHead(owner, repo, pull)),
      diffHunk: input.diffHunk ?? `@@ -1,1 +1,1 @@\n+${input.body.split('\n')[0] ?? ''}`,
      inReplyTo: input.inReplyTo ?? null,
      createdAt: this.deps.config.now(),
    };
    pull.reviewComments.push(comment);
    return comment;
  }

  /** Forces `mergeable` (false → 405 on merge, null → "still computing"); undefined goes back to git's answer. */
  setMergeable(owner: string, repo: string, prNumber: number, mergeable: boolean | null | undefined): void {
    const pull = this.pullRecord(owner, repo, prNumber);
    if (mergeable === undefined) delete pull.mergeableOverride;
    else pull.mergeableOverride = mergeable;
  }

  /** Marks a PR draft or ready for review (GitHub does this through GraphQL or the web UI only). */
  setDraft(owner: string, repo: string, prNumber: number, draft: boolean): void {
    this.pullRecord(owner, repo, prNumber).draft = draft;
  }

  /** Classic branch protection of `branch` (undefined removes it). */
  setBranchProtection(owner: string, repo: string, branch: string, rules: Partial<BranchRules> | undefined): void {
    const record = this.deps.store.mustRepo(owner, repo);
    if (rules === undefined) record.protection.delete(branch);
    else record.protection.set(branch, { requiredChecks: [], strict: false, requiredApprovals: 0, ...rules });
  }

  /** A repository ruleset's rules for `branch` (undefined removes them); they add to its protection. */
  setRuleset(owner: string, repo: string, branch: string, rules: Partial<BranchRules> | undefined): void {
    const record = this.deps.store.mustRepo(owner, repo);
    if (rules === undefined) record.rulesets.delete(branch);
    else record.rulesets.set(branch, { requiredChecks: [], strict: false, requiredApprovals: 0, ...rules });
  }

  protected issueRecord(owner: string, repo: string, number: number): IssueRecord {
    const issue = this.deps.store.mustRepo(owner, repo).issues.get(number);
    if (!issue) throw new Error(`github emulator: no issue or PR #${number} in ${owner}/${repo}`);
    return issue;
  }

  protected pullRecord(owner: string, repo: string, number: number): PullRecord {
    const pull = this.issueRecord(owner, repo, number).pull;
    if (!pull) throw new Error(`github emulator: #${number} in ${owner}/${repo} is an issue, not a PR`);
    return pull;
  }

  private async currentHead(owner: string, repo: string, pull: PullRecord): Promise<string> {
    const record = this.deps.store.mustRepo(owner, repo);
    return (await revParse(this.deps.git, record.gitDir, `refs/heads/${pull.headRef}`)) ?? pull.headSha;
  }
}
