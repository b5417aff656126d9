// Repository, user and rate-limit endpoints, check runs, combined status, reviews and review comments.
import { isoParam, numberParam, pagedReply, param, parseQuery, pullByNumber, syncPulls, visibleRepo } from './api-kit.ts';
import type { ApiDeps, ApiRequest, RouteSpec } from './api-kit.ts';
import { revParse } from './git.ts';
import { paginate } from './paginate.ts';
import { checkRunJson, combinedStatusJson } from './render-checks.ts';
import { repoJson, userJson } from './render-common.ts';
import { reviewCommentJson, reviewJson } from './render-pull.ts';
import type { Reply } from './reply.ts';
import { ApiError, DOC, notFound, ok } from './reply.ts';
import { ListCheckRunsQuery, ListCommentsQuery } from './schemas.ts';
import type { RepoRecord } from './store.ts';

/** The commit a {ref} path segment names; shas only known to setCheckRuns/setStatuses count too. */
async function commitFor(req: ApiRequest, deps: ApiDeps, repo: RepoRecord): Promise<string> {
  const ref = param(req, 'ref');
  const sha = await revParse(deps.git, repo.gitDir, ref);
  if (sha !== undefined) return sha;
  if (repo.checkRuns.has(ref) || repo.statuses.has(ref)) return ref;
  throw new ApiError(422, `No commit found for SHA: ${ref}`, req.doc);
}

async function listCheckRuns(req: ApiRequest, deps: ApiDeps): Promise<Reply> {
  const repo = visibleRepo(req, deps);
  const q = parseQuery(req, ListCheckRunsQuery);
  const sha = await commitFor(req, deps, repo);
  let runs = (repo.checkRuns.get(sha) ?? []).filter(
    (r) => (q.check_name === undefined || r.name === q.check_name) && (q.status === undefined || r.status === q.status),
  );
  if (q.filter === 'latest') runs = runs.filter((r) => !runs.some((o) => o.name === r.name && o.id > r.id));
  // Newest first, as GitHub lists them.
  const sorted = [...runs].sort((a, b) => b.id - a.id);
  const page = paginate(sorted, req.url, deps.config.perPageMax);
  const body = { total_count: sorted.length, check_runs: page.items.map((r) => checkRunJson(deps.render, repo, r)) };
  return ok(body, page.link === undefined ? {} : { link: page.link });
}

export const miscRoutes: RouteSpec[] = [
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}',
    doc: DOC.repo,
    handler: (req, deps) => ok(repoJson(deps.render, visibleRepo(req, deps))),
  },
  {
    method: 'GET',
    path: '/user',
    doc: DOC.user,
    handler: (req, deps) => {
      if (req.caller.kind !== 'valid') throw new ApiError(401, 'Requires authentication', req.doc);
      const profile = {
        name: deps.config.login,
        company: null,
        blog: '',
        location: null,
        email: null,
        hireable: null,
        bio: null,
        twitter_username: null,
        public_repos: 0,
        public_gists: 0,
        followers: 0,
        following: 0,
        created_at: '2020-01-01T00:00:00Z',
        updated_at: '2020-01-01T00:00:00Z',
      };
      return ok({ ...userJson(deps.render, deps.config.login), ...profile });
    },
  },
  {
    method: 'GET',
    path: '/rate_limit',
    doc: DOC.rateLimit,
    handler: (_req, deps) => {
      const core = { ...deps.limiter.core(), resource: 'core' };
      // Only core is counted; search shows a fresh bucket, as for a client that never searched.
      const search = { limit: 30, used: 0, remaining: 30, reset: Math.ceil(deps.config.now() / 1000) + 60, resource: 'search' };
      return ok({ resources: { core, search }, rate: core });
    },
  },
  { method: 'GET', path: '/repos/{owner}/{repo}/commits/{ref}/check-runs', doc: DOC.checkRuns, handler: listCheckRuns },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/commits/{ref}/status',
    doc: DOC.status,
    handler: async (req, deps) => {
      const repo = visibleRepo(req, deps);
      const sha = await commitFor(req, deps, repo);
      return ok(combinedStatusJson(deps.render, repo, sha, repo.statuses.get(sha) ?? []));
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
    doc: DOC.reviews,
    handler: (req, deps) => {
      const repo = visibleRepo(req, deps);
      const { issue, pull } = pullByNumber(req, repo, numberParam(req, 'pull_number'));
      return pagedReply(req, deps, pull.reviews, (r) => reviewJson(deps.render, repo, issue.number, r));
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/pulls/{pull_number}/comments',
    doc: DOC.reviewComments,
    handler: (req, deps) => {
      const repo = visibleRepo(req, deps);
      const { issue, pull } = pullByNumber(req, repo, numberParam(req, 'pull_number'));
      const q = parseQuery(req, ListCommentsQuery);
      const since = q.since === undefined ? undefined : isoParam(req, 'since', q.since);
      const list = pull.reviewComments.filter((c) => since === undefined || c.createdAt >= since);
      return pagedReply(req, deps, list, (c) => reviewCommentJson(deps.render, repo, issue.number, c));
    },
  },
  {
    // "Check if a pull request has been merged": 204 yes, 404 no.
    method: 'GET',
    path: '/repos/{owner}/{repo}/pulls/{pull_number}/merge',
    doc: DOC.mergePull,
    handler: async (req, deps) => {
      const repo = visibleRepo(req, deps);
      const { pull } = pullByNumber(req, repo, numberParam(req, 'pull_number'));
      await syncPulls(deps, repo);
      if (!pull.merged) throw notFound(req.doc);
      return { status: 204 };
    },
  },
];
