// Pull request endpoints: create (with GitHub's 422s), list, get and update.
import type { z } from 'zod';
import { numberParam, pagedReply, parseBody, parseQuery, pullByNumber, syncPulls, visibleRepo } from './api-kit.ts';
import type { ApiDeps, ApiRequest, RouteSpec } from './api-kit.ts';
import { compareStats } from './git.ts';
import { pullDetail } from './pull-detail.ts';
import { pullJson } from './render-pull.ts';
import type { Reply } from './reply.ts';
import { DOC, created, ok, validationFailed } from './reply.ts';
import { CreatePullBody, ListPullsQuery, UpdatePullBody } from './schemas.ts';
import type { RepoRecord } from './store.ts';
import type { IssueRecord, PullRecord } from './types.ts';

/** Full PR JSON after re-reading the branches (head sha follows pushes). */
async function fullPull(deps: ApiDeps, repo: RepoRecord, issue: IssueRecord, pull: PullRecord): Promise<Record<string, unknown>> {
  await syncPulls(deps, repo);
  return pullJson(deps.render, repo, issue, pull, await pullDetail(deps, repo, issue, pull));
}

/** "owner:branch" or "branch" → branch in this repo; forks are not emulated, so another owner is invalid. */
function headBranch(repo: RepoRecord, head: string): string | undefined {
  const colon = head.indexOf(':');
  if (colon < 0) return head;
  return head.slice(0, colon).toLowerCase() === repo.owner.toLowerCase() ? head.slice(colon + 1) : undefined;
}

/** Another open PR from the same head into the same base (GitHub allows only one). */
function openTwin(repo: RepoRecord, headRef: string, baseRef: string, except?: number): IssueRecord | undefined {
  return [...repo.issues.values()].find((i) => i.number !== except && i.state === 'open' && i.pull?.headRef === headRef && i.pull.baseRef === baseRef);
}

async function createPull(req: ApiRequest, deps: ApiDeps): Promise<Reply> {
  const repo = visibleRepo(req, deps);
  const body = parseBody(req, CreatePullBody);
  const required: ('head' | 'base' | 'title')[] = body.issue === undefined ? ['head', 'base', 'title'] : ['head', 'base'];
  const missing = required.filter((f) => body[f] === undefined || body[f] === '');
  if (missing.length > 0) {
    throw validationFailed(req.doc, ...missing.map((field) => ({ resource: 'PullRequest', code: 'missing_field' as const, field })));
  }
  const head = body.head ?? '';
  const base = body.base ?? '';
  return deps.store.locks.run(repo.gitDir, async () => {
    const tips = await syncPulls(deps, repo);
    const headRef = headBranch(repo, head);
    const baseSha = tips.get(base);
    const headSha = headRef === undefined ? undefined : tips.get(headRef);
    if (baseSha === undefined) throw validationFailed(req.doc, { resource: 'PullRequest', field: 'base', code: 'invalid' });
    if (headRef === undefined || headSha === undefined) {
      throw validationFailed(req.doc, { resource: 'PullRequest', field: 'head', code: 'invalid' });
    }
    if (openTwin(repo, headRef, base)) {
      const message = `A pull request already exists for ${repo.owner}:${headRef}.`;
      throw validationFailed(req.doc, { resource: 'PullRequest', code: 'custom', message });
    }
    const stats = await compareStats(deps.git, repo.gitDir, baseSha, headSha);
    if (stats.commits === 0) {
      throw validationFailed(req.doc, { resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` });
    }
    const now = deps.config.now();
    const pull: PullRecord = {
      id: deps.store.ids.take(),
      headRef,
      baseRef: base,
      headSha,
      baseSha,
      draft: body.draft ?? false,
      merged: false,
      mergedAt: null,
      mergedBy: null,
      mergeCommitSha: null,
      maintainerCanModify: body.maintainer_can_modify ?? true,
      reviews: [],
      reviewComments: [],
      stats,
    };
    const issue = attachPull(req, deps, repo, body, pull, now);
    const json = pullJson(deps.render, repo, issue, pull, await pullDetail(deps, repo, issue, pull));
    return created(json, `${deps.render.api}/repos/${repo.owner}/${repo.name}/pulls/${issue.number}`);
  });
}

/** A new PR number, or (body.issue) an existing issue turned into a PR, as GitHub allows. */
function attachPull(req: ApiRequest, deps: ApiDeps, repo: RepoRecord, body: z.infer<typeof CreatePullBody>, pull: PullRecord, now: number): IssueRecord {
  if (body.issue !== undefined) {
    const issue = repo.issues.get(body.issue);
    if (!issue || issue.pull) throw validationFailed(req.doc, { resource: 'PullRequest', field: 'issue', code: 'invalid' });
    issue.pull = pull;
    issue.updatedAt = now;
    return issue;
  }
  const fields = {
    title: body.title ?? '',
    body: body.body ?? null,
    state: 'open' as const,
    stateReason: null,
    user: deps.config.login,
    labels: [],
    assignees: [],
    milestone: null,
    reactions: 0,
    createdAt: now,
    updatedAt: now,
    closedAt: null,
  };
  return deps.store.addIssue(repo, fields, pull);
}

function listPulls(req: ApiRequest, deps: ApiDeps, repo: RepoRecord): Reply {
  const q = parseQuery(req, ListPullsQuery);
  // Without "owner:", GitHub ignores the head filter (a classic surprise); so does the emulator.
  const head = q.head?.includes(':') ? q.head : undefined;
  const rows = deps.store.pulls(repo).flatMap((issue) => (issue.pull ? [{ issue, pull: issue.pull }] : []));
  const matching = rows.filter(
    ({ issue, pull }) =>
      (q.state === 'all' || issue.state === q.state) &&
      (q.base === undefined || pull.baseRef === q.base) &&
      (head === undefined || `${repo.owner}:${pull.headRef}`.toLowerCase() === head.toLowerCase()),
  );
  const key = (i: IssueRecord): number => (q.sort === 'updated' ? i.updatedAt : q.sort === 'popularity' ? i.comments.length : i.createdAt);
  // GitHub: desc by default for "created", asc for the other sorts.
  const sign = (q.direction ?? (q.sort === 'created' ? 'desc' : 'asc')) === 'asc' ? 1 : -1;
  matching.sort((a, b) => sign * (key(a.issue) - key(b.issue) || a.issue.number - b.issue.number));
  return pagedReply(req, deps, matching, ({ issue, pull }) => pullJson(deps.render, repo, issue, pull));
}

async function updatePull(req: ApiRequest, deps: ApiDeps): Promise<Reply> {
  const repo = visibleRepo(req, deps);
  const { issue, pull } = pullByNumber(req, repo, numberParam(req, 'pull_number'));
  const body = parseBody(req, UpdatePullBody);
  return deps.store.locks.run(repo.gitDir, async () => {
    const tips = await syncPulls(deps, repo);
    const now = deps.config.now();
    if (body.base !== undefined && body.base !== pull.baseRef) {
      const sha = tips.get(body.base);
      if (sha === undefined) throw validationFailed(req.doc, { resource: 'PullRequest', field: 'base', code: 'invalid' });
      pull.baseRef = body.base;
      pull.baseSha = sha;
    }
    if (body.state !== undefined && body.state !== issue.state) {
      if (pull.merged) {
        throw validationFailed(req.doc, {
          resource: 'PullRequest',
          field: 'state',
          code: 'custom',
          message: 'state cannot be changed. The pull request has been merged.',
        });
      }
      if (body.state === 'open' && openTwin(repo, pull.headRef, pull.baseRef, issue.number)) {
        const message = `A pull request already exists for ${repo.owner}:${pull.headRef}.`;
        throw validationFailed(req.doc, { resource: 'PullRequest', code: 'custom', message });
      }
      issue.state = body.state;
      issue.closedAt = body.state === 'closed' ? now : null;
    }
    if (body.title !== undefined) issue.title = body.title;
    if (body.body !== undefined) issue.body = body.body;
    if (body.maintainer_can_modify !== undefined) pull.maintainerCanModify = body.maintainer_can_modify;
    issue.updatedAt = now;
    return ok(await fullPull(deps, repo, issue, pull));
  });
}

export const pullRoutes: RouteSpec[] = [
  { method: 'POST', path: '/repos/{owner}/{repo}/pulls', doc: DOC.createPull, handler: createPull },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/pulls',
    doc: DOC.listPulls,
    handler: async (req, deps) => {
      const repo = visibleRepo(req, deps);
      await syncPulls(deps, repo);
      return listPulls(req, deps, repo);
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/pulls/{pull_number}',
    doc: DOC.getPull,
    handler: async (req, deps) => {
      const repo = visibleRepo(req, deps);
      const { issue, pull } = pullByNumber(req, repo, numberParam(req, 'pull_number'));
      if (req.accept.includes('application/vnd.github.diff') || req.accept.includes('application/vnd.github.v3.diff')) {
        await syncPulls(deps, repo);
        const diff = await deps.git.ok(['diff', '--no-color', '--no-ext-diff', `${pull.baseSha}...${pull.headSha}`], { gitDir: repo.gitDir });
        return { status: 200, body: diff === '' ? '' : `${diff}\n`, headers: { 'content-type': 'text/plain; charset=utf-8' } };
      }
      return ok(await fullPull(deps, repo, issue, pull));
    },
  },
  { method: 'PATCH', path: '/repos/{owner}/{repo}/pulls/{pull_number}', doc: DOC.updatePull, handler: updatePull },
];
