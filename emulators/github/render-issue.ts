// Issue and issue-comment JSON; a PR's issue carries the `pull_request` key, as GitHub sends it.
import { iso, nodeId } from './ids.ts';
import { labelJson, milestoneJson, reactionsJson, userJson } from './render-common.ts';
import type { RenderContext } from './render-common.ts';
import type { RepoRecord } from './store.ts';
import type { CommentRecord, IssueRecord } from './types.ts';

/** OWNER for the repo owner, COLLABORATOR for the token's user, NONE for everyone else. */
export function association(ctx: RenderContext, repo: RepoRecord, login: string): string {
  if (login.toLowerCase() === repo.owner.toLowerCase()) return 'OWNER';
  if (login.toLowerCase() === ctx.login.toLowerCase()) return 'COLLABORATOR';
  return 'NONE';
}

/** GitHub's issue object (also for PR numbers, via GET /issues). */
export function issueJson(ctx: RenderContext, repo: RepoRecord, issue: IssueRecord): Record<string, unknown> {
  const repoApi = `${ctx.api}/repos/${repo.owner}/${repo.name}`;
  const api = `${repoApi}/issues/${issue.number}`;
  const htmlRepo = `${ctx.html}/${repo.owner}/${repo.name}`;
  const assignees = issue.assignees.map((login) => userJson(ctx, login));
  const pull = issue.pull;
  return {
    url: api,
    repository_url: repoApi,
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: `${htmlRepo}/${pull ? 'pull' : 'issues'}/${issue.number}`,
    id: issue.id,
    node_id: nodeId(pull ? 'PR' : 'I', issue.id),
    number: issue.number,
    title: issue.title,
    user: userJson(ctx, issue.user),
    labels: issue.labels.map((name) => labelJson(ctx, repo, name)),
    state: issue.state,
    locked: false,
    assignee: assignees[0] ?? null,
    assignees,
    milestone: milestoneJson(ctx, repo, issue.milestone),
    comments: issue.comments.length,
    created_at: iso(issue.createdAt),
    updated_at: iso(issue.updatedAt),
    closed_at: issue.closedAt === null ? null : iso(issue.closedAt),
    author_association: association(ctx, repo, issue.user),
    type: null,
    active_lock_reason: null,
    ...(pull
      ? {
          draft: pull.draft,
          pull_request: {
            url: `${repoApi}/pulls/${issue.number}`,
            html_url: `${htmlRepo}/pull/${issue.number}`,
            diff_url: `${htmlRepo}/pull/${issue.number}.diff`,
            patch_url: `${htmlRepo}/pull/${issue.number}.patch`,
            merged_at: pull.mergedAt === null ? null : iso(pull.mergedAt),
          },
        }
      : {}),
    body: issue.body,
    closed_by: null,
    reactions: reactionsJson(`${api}/reactions`, issue),
    timeline_url: `${api}/timeline`,
    performed_via_github_app: null,
    state_reason: issue.stateReason,
  };
}

/** GitHub's issue-comment object. */
export function commentJson(ctx: RenderContext, repo: RepoRecord, issue: IssueRecord, comment: CommentRecord): Record<string, unknown> {
  const repoApi = `${ctx.api}/repos/${repo.owner}/${repo.name}`;
  const kind = issue.pull ? 'pull' : 'issues';
  return {
    url: `${repoApi}/issues/comments/${comment.id}`,
    html_url: `${ctx.html}/${repo.owner}/${repo.name}/${kind}/${issue.number}#issuecomment-${comment.id}`,
    issue_url: `${repoApi}/issues/${issue.number}`,
    id: comment.id,
    node_id: nodeId('IC', comment.id),
    user: userJson(ctx, comment.user),
    created_at: iso(comment.createdAt),
    updated_at: iso(comment.updatedAt),
    author_association: association(ctx, repo, comment.user),
    body: comment.body,
    reactions: reactionsJson(`${repoApi}/issues/comments/${comment.id}/reactions`, { reactions: 0 }),
    performed_via_github_app: null,
  };
}
