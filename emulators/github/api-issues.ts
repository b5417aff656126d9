// Issues endpoints: list (PRs included, as on GitHub), get, and comments.
import { isoParam, issueByNumber, numberParam, pagedReply, parseBody, parseQuery, syncPulls, visibleRepo } from './api-kit.ts';
import type { ApiRequest, RouteSpec } from './api-kit.ts';
import { commentJson, issueJson } from './render-issue.ts';
import { DOC, created, ok } from './reply.ts';
import { CreateCommentBody, ListCommentsQuery, ListIssuesQuery } from './schemas.ts';
import type { z } from 'zod';
import type { IssueRecord } from './types.ts';

type IssuesQuery = z.infer<typeof ListIssuesQuery>;

/** milestone=<number> | none | * ; an unknown number matches nothing. */
function milestoneMatches(filter: string | undefined, issue: IssueRecord): boolean {
  if (filter === undefined) return true;
  if (filter === '*') return issue.milestone !== null;
  if (filter === 'none') return issue.milestone === null;
  return issue.milestone !== null && String(issue.milestone) === filter;
}

/** assignee=<login> | none | * */
function assigneeMatches(filter: string | undefined, issue: IssueRecord): boolean {
  if (filter === undefined) return true;
  if (filter === '*') return issue.assignees.length > 0;
  if (filter === 'none') return issue.assignees.length === 0;
  return issue.assignees.some((a) => a.toLowerCase() === filter.toLowerCase());
}

/** labels=a,b: every listed label must be on the issue. */
function labelsMatch(filter: string | undefined, issue: IssueRecord): boolean {
  if (filter === undefined || filter.trim() === '') return true;
  const have = new Set(issue.labels.map((l) => l.toLowerCase()));
  return filter
    .split(',')
    .map((l) => l.trim().toLowerCase())
    .filter((l) => l !== '')
    .every((l) => have.has(l));
}

function filterAndSort(req: ApiRequest, all: IssueRecord[], q: IssuesQuery): IssueRecord[] {
  const since = q.since === undefined ? undefined : isoParam(req, 'since', q.since);
  const matching = all.filter(
    (i) =>
      (q.state === 'all' || i.state === q.state) &&
      labelsMatch(q.labels, i) &&
      assigneeMatches(q.assignee, i) &&
      milestoneMatches(q.milestone, i) &&
      (q.creator === undefined || i.user.toLowerCase() === q.creator.toLowerCase()) &&
      (since === undefined || i.updatedAt >= since),
  );
  const key = (i: IssueRecord): number => (q.sort === 'updated' ? i.updatedAt : q.sort === 'comments' ? i.comments.length : i.createdAt);
  const sign = (q.direction ?? 'desc') === 'asc' ? 1 : -1;
  // Ties fall back to the number, so pages are stable.
  return matching.sort((a, b) => sign * (key(a) - key(b) || a.number - b.number));
}

export const issueRoutes: RouteSpec[] = [
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/issues',
    doc: DOC.listIssues,
    handler: async (req, deps) => {
      const repo = visibleRepo(req, deps);
      const q = parseQuery(req, ListIssuesQuery);
      await syncPulls(deps, repo);
      const list = filterAndSort(req, [...repo.issues.values()], q);
      return pagedReply(req, deps, list, (i) => issueJson(deps.render, repo, i));
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/issues/{issue_number}',
    doc: DOC.getIssue,
    handler: async (req, deps) => {
      const repo = visibleRepo(req, deps);
      const issue = issueByNumber(req, repo, numberParam(req, 'issue_number'));
      await syncPulls(deps, repo);
      return ok(issueJson(deps.render, repo, issue));
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
    doc: DOC.listComments,
    handler: (req, deps) => {
      const repo = visibleRepo(req, deps);
      const issue = issueByNumber(req, repo, numberParam(req, 'issue_number'));
      const q = parseQuery(req, ListCommentsQuery);
      const since = q.since === undefined ? undefined : isoParam(req, 'since', q.since);
      const list = issue.comments.filter((c) => since === undefined || c.updatedAt >= since);
      return pagedReply(req, deps, list, (c) => commentJson(deps.render, repo, issue, c));
    },
  },
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
    doc: DOC.createComment,
    handler: (req, deps) => {
      const repo = visibleRepo(req, deps);
      const issue = issueByNumber(req, repo, numberParam(req, 'issue_number'));
      const body = parseBody(req, CreateCommentBody);
      const comment = deps.store.addComment(issue, body.body, deps.config.login, deps.config.now());
      const json = commentJson(deps.render, repo, issue, comment);
      return created(json, `${deps.render.api}/repos/${repo.owner}/${repo.name}/issues/comments/${comment.id}`);
    },
  },
];
