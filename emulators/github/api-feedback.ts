// The review loop's endpoints: a user's permission on the repository, replies to review comments,
// check-run annotations and job logs (302 to a short-lived URL, as GitHub does).
import { z } from 'zod';
import { numberParam, param, parseBody, pullByNumber, visibleRepo } from './api-kit.ts';
import type { ApiDeps, ApiRequest, RouteSpec } from './api-kit.ts';
import { feedbackData, permissionOf } from './feedback-data.ts';
import { userJson } from './render-common.ts';
import { reviewCommentJson } from './render-pull.ts';
import type { Reply } from './reply.ts';
import { DOCS, created, notFound, ok } from './reply.ts';
import type { RepoRecord } from './store.ts';
import type { CheckRunRecord } from './types.ts';

const DOC = {
  permission: `${DOCS}/collaborators/collaborators#get-repository-permissions-for-a-user`,
  reply: `${DOCS}/pulls/comments#create-a-reply-for-a-review-comment`,
  annotations: `${DOCS}/checks/runs#list-check-run-annotations`,
  jobLogs: `${DOCS}/actions/workflow-jobs#download-job-logs-for-a-workflow-run`,
} as const;

const ReplyBody = z.object({ body: z.string().min(1) });

/** GitHub's role names map to the legacy `permission` field like this. */
const LEGACY = { admin: 'admin', maintain: 'write', write: 'write', triage: 'read', read: 'read', none: 'none' } as const;

function permission(req: ApiRequest, deps: ApiDeps): Reply {
  const repo = visibleRepo(req, deps);
  const login = param(req, 'username');
  const role = permissionOf(deps.store, repo.owner, repo.name, login, deps.config.login);
  return ok({
    permission: LEGACY[role],
    role_name: role,
    user: {
      ...userJson(deps.render, login),
      role_name: role,
      permissions: { admin: role === 'admin', push: LEGACY[role] !== 'read' && role !== 'none', pull: role !== 'none' },
    },
  });
}

function replyToComment(req: ApiRequest, deps: ApiDeps): Reply {
  const repo = visibleRepo(req, deps);
  const { issue, pull } = pullByNumber(req, repo, numberParam(req, 'pull_number'));
  const target = pull.reviewComments.find((c) => c.id === numberParam(req, 'comment_id'));
  if (!target) throw notFound(req.doc);
  const { body } = parseBody(req, ReplyBody);
  const now = deps.config.now();
  // A reply to a reply joins the thread's first comment, as on GitHub.
  const comment = { ...target, id: deps.store.ids.take(), body, user: deps.config.login, inReplyTo: target.inReplyTo ?? target.id, createdAt: now };
  pull.reviewComments.push(comment);
  issue.updatedAt = now;
  return created(
    reviewCommentJson(deps.render, repo, issue.number, comment),
    `${deps.render.api}/repos/${repo.owner}/${repo.name}/pulls/comments/${comment.id}`,
  );
}

function checkRun(req: ApiRequest, repo: RepoRecord, name: string): CheckRunRecord {
  const id = numberParam(req, name);
  const run = [...repo.checkRuns.values()].flat().find((r) => r.id === id);
  if (!run) throw notFound(req.doc);
  return run;
}

function annotations(req: ApiRequest, deps: ApiDeps): Reply {
  const repo = visibleRepo(req, deps);
  const run = checkRun(req, repo, 'check_run_id');
  const list = feedbackData(deps.store).annotations.get(run.id) ?? [];
  return ok(
    list.map((a) => ({
      path: a.path,
      blob_href: `${deps.render.html}/${repo.owner}/${repo.name}/blob/${run.headSha}/${a.path}`,
      start_line: a.startLine,
      end_line: a.endLine ?? a.startLine,
      start_column: null,
      end_column: null,
      annotation_level: a.level,
      title: a.title ?? null,
      message: a.message,
      raw_details: null,
    })),
  );
}

function jobLogs(req: ApiRequest, deps: ApiDeps): Reply {
  const repo = visibleRepo(req, deps);
  const run = checkRun(req, repo, 'job_id');
  return { status: 302, headers: { location: `${deps.render.api}/_emulator/job-logs/${repo.owner}/${repo.name}/${run.id}` } };
}

function jobLogText(req: ApiRequest, deps: ApiDeps): Reply {
  const repo = visibleRepo(req, deps);
  const run = checkRun(req, repo, 'job_id');
  return { status: 200, raw: feedbackData(deps.store).logs.get(run.id) ?? '' };
}

export const feedbackRoutes: RouteSpec[] = [
  { method: 'GET', path: '/repos/{owner}/{repo}/collaborators/{username}/permission', doc: DOC.permission, handler: permission },
  { method: 'POST', path: '/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies', doc: DOC.reply, handler: replyToComment },
  { method: 'GET', path: '/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations', doc: DOC.annotations, handler: annotations },
  { method: 'GET', path: '/repos/{owner}/{repo}/actions/jobs/{job_id}/logs', doc: DOC.jobLogs, handler: jobLogs },
  // Where the 302 above points (GitHub's is a signed blob URL valid about a minute).
  { method: 'GET', path: '/_emulator/job-logs/{owner}/{repo}/{job_id}', doc: DOC.jobLogs, handler: jobLogText },
];
