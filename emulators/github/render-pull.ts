// Pull request JSON (simple for lists, full with mergeability and size), reviews and review comments.
import { iso, nodeId } from './ids.ts';
import { labelJson, milestoneJson, repoJson, userJson } from './render-common.ts';
import type { RenderContext } from './render-common.ts';
import { association } from './render-issue.ts';
import type { RepoRecord } from './store.ts';
import type { IssueRecord, PullRecord, ReviewCommentRecord, ReviewRecord } from './types.ts';

/** What only the single-PR endpoints report (GitHub leaves it out of lists). */
export interface PullDetail {
  mergeable: boolean | null;
  mergeableState: 'clean' | 'dirty' | 'blocked' | 'behind' | 'unstable' | 'has_hooks' | 'unknown' | 'draft';
}

function branchJson(ctx: RenderContext, repo: RepoRecord, ref: string, sha: string): Record<string, unknown> {
  return { label: `${repo.owner}:${ref}`, ref, sha, user: userJson(ctx, repo.owner), repo: repoJson(ctx, repo) };
}

/** pull-request-simple (GET /pulls) or, with `detail`, pull-request (GET/POST/PATCH of one PR). */
export function pullJson(ctx: RenderContext, repo: RepoRecord, issue: IssueRecord, pull: PullRecord, detail?: PullDetail): Record<string, unknown> {
  const repoApi = `${ctx.api}/repos/${repo.owner}/${repo.name}`;
  const api = `${repoApi}/pulls/${issue.number}`;
  const html = `${ctx.html}/${repo.owner}/${repo.name}/pull/${issue.number}`;
  const issueApi = `${repoApi}/issues/${issue.number}`;
  const assignees = issue.assignees.map((login) => userJson(ctx, login));
  const simple = {
    url: api,
    id: pull.id,
    node_id: nodeId('PR', pull.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issueApi,
    number: issue.number,
    state: issue.state,
    locked: false,
    title: issue.title,
    user: userJson(ctx, issue.user),
    body: issue.body,
    created_at: iso(issue.createdAt),
    updated_at: iso(issue.updatedAt),
    closed_at: issue.closedAt === null ? null : iso(issue.closedAt),
    merged_at: pull.mergedAt === null ? null : iso(pull.mergedAt),
    merge_commit_sha: pull.mergeCommitSha,
    assignee: assignees[0] ?? null,
    assignees,
    requested_reviewers: [],
    requested_teams: [],
    labels: issue.labels.map((name) => labelJson(ctx, repo, name)),
    milestone: milestoneJson(ctx, repo, issue.milestone),
    draft: pull.draft,
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    review_comment_url: `${repoApi}/pulls/comments{/number}`,
    comments_url: `${issueApi}/comments`,
    statuses_url: `${repoApi}/statuses/${pull.headSha}`,
    head: branchJson(ctx, repo, pull.headRef, pull.headSha),
    base: branchJson(ctx, repo, pull.baseRef, pull.baseSha),
    _links: {
      self: { href: api },
      html: { href: html },
      issue: { href: issueApi },
      comments: { href: `${issueApi}/comments` },
      review_comments: { href: `${api}/comments` },
      review_comment: { href: `${repoApi}/pulls/comments{/number}` },
      commits: { href: `${api}/commits` },
      statuses: { href: `${repoApi}/statuses/${pull.headSha}` },
    },
    author_association: association(ctx, repo, issue.user),
    auto_merge: null,
    active_lock_reason: null,
  };
  if (!detail) return simple;
  return {
    ...simple,
    merged: pull.merged,
    mergeable: detail.mergeable,
    rebaseable: detail.mergeable,
    mergeable_state: detail.mergeableState,
    merged_by: pull.mergedBy === null ? null : userJson(ctx, pull.mergedBy),
    comments: issue.comments.length,
    review_comments: pull.reviewComments.length,
    maintainer_can_modify: pull.maintainerCanModify,
    commits: pull.stats.commits,
    additions: pull.stats.additions,
    deletions: pull.stats.deletions,
    changed_files: pull.stats.changedFiles,
  };
}

/** pull-request-review. */
export function reviewJson(ctx: RenderContext, repo: RepoRecord, number: number, review: ReviewRecord): Record<string, unknown> {
  const html = `${ctx.html}/${repo.owner}/${repo.name}/pull/${number}`;
  const pullApi = `${ctx.api}/repos/${repo.owner}/${repo.name}/pulls/${number}`;
  return {
    id: review.id,
    node_id: nodeId('PRR', review.id),
    user: userJson(ctx, review.user),
    body: review.body,
    state: review.state,
    html_url: `${html}#pullrequestreview-${review.id}`,
    pull_request_url: pullApi,
    author_association: association(ctx, repo, review.user),
    _links: { html: { href: `${html}#pullrequestreview-${review.id}` }, pull_request: { href: pullApi } },
    ...(review.state === 'PENDING' ? {} : { submitted_at: iso(review.submittedAt) }),
    commit_id: review.commitId,
  };
}

/** pull-request-review-comment. */
export function reviewCommentJson(ctx: RenderContext, repo: RepoRecord, number: number, comment: ReviewCommentRecord): Record<string, unknown> {
  const repoApi = `${ctx.api}/repos/${repo.owner}/${repo.name}`;
  const url = `${repoApi}/pulls/comments/${comment.id}`;
  const html = `${ctx.html}/${repo.owner}/${repo.name}/pull/${number}#discussion_r${comment.id}`;
  const pullApi = `${repoApi}/pulls/${number}`;
  return {
    url,
    pull_request_review_id: comment.reviewId,
    id: comment.id,
    node_id: nodeId('PRRC', comment.id),
    diff_hunk: comment.diffHunk,
    path: comment.path,
    commit_id: comment.commitId,
    original_commit_id: comment.commitId,
    user: userJson(ctx, comment.user),
    body: comment.body,
    created_at: iso(comment.createdAt),
    updated_at: iso(comment.createdAt),
    html_url: html,
    pull_request_url: pullApi,
    author_association: association(ctx, repo, comment.user),
    _links: { self: { href: url }, html: { href: html }, pull_request: { href: pullApi } },
    ...(comment.inReplyTo === null ? {} : { in_reply_to_id: comment.inReplyTo }),
    line: comment.line,
    original_line: comment.line,
    side: 'RIGHT',
    start_line: null,
    original_start_line: null,
    start_side: null,
    subject_type: 'line',
    reactions: {
      url: `${url}/reactions`,
      total_count: 0,
      '+1': 0,
      '-1': 0,
      laugh: 0,
      hooray: 0,
      confused: 0,
      heart: 0,
      rocket: 0,
      eyes: 0,
    },
  };
}
