// Branch rules (rulesets and classic protection), reviews, update-branch and branch deletion.
import { z } from 'zod';
import { numberParam, param, parseBody, pullByNumber, syncPulls, visibleRepo } from './api-kit.ts';
import type { ApiDeps, ApiRequest, RouteSpec } from './api-kit.ts';
import { GITHUB_COMMITTER } from './bare.ts';
import { identityEnv, revParse } from './git.ts';
import { reviewJson } from './render-pull.ts';
import type { Reply } from './reply.ts';
import { ApiError, DOCS, notFound, ok, validationFailed } from './reply.ts';
import { upToDate } from './rules.ts';
import type { ReviewRecord } from './types.ts';

const DOC_RULES = `${DOCS}/repos/rules#get-rules-for-a-branch`;
const DOC_PROTECTION = `${DOCS}/branches/branch-protection#get-status-checks-protection`;
const DOC_CREATE_REVIEW = `${DOCS}/pulls/reviews#create-a-review-for-a-pull-request`;
const DOC_UPDATE_BRANCH = `${DOCS}/pulls/pulls#update-a-pull-request-branch`;
const DOC_DELETE_REF = `${DOCS}/git/refs#delete-a-reference`;

const CreateReviewBody = z.object({
  commit_id: z.string().optional(),
  body: z.string().optional(),
  event: z.enum(['APPROVE', 'REQUEST_CHANGES', 'COMMENT']).optional(),
});
const UpdateBranchBody = z.object({ expected_head_sha: z.string().optional() });

/** GET /repos/{o}/{r}/rules/branches/{branch}: the active rules of the repository's rulesets for a branch. */
function branchRules(req: ApiRequest, deps: ApiDeps): Reply {
  const repo = visibleRepo(req, deps);
  const rules = repo.rulesets.get(param(req, 'branch'));
  if (!rules) return ok([]);
  const source = { ruleset_source_type: 'Repository', ruleset_source: `${repo.owner}/${repo.name}`, ruleset_id: repo.id % 100_000 };
  const out: Record<string, unknown>[] = [{ type: 'pull_request', ...source, parameters: pullRequestParameters(rules.requiredApprovals) }];
  if (rules.requiredChecks.length > 0) {
    out.push({
      type: 'required_status_checks',
      ...source,
      parameters: {
        required_status_checks: rules.requiredChecks.map((context) => ({ context })),
        strict_required_status_checks_policy: rules.strict,
      },
    });
  }
  return ok(out);
}

function pullRequestParameters(count: number): Record<string, unknown> {
  return {
    required_approving_review_count: count,
    dismiss_stale_reviews_on_push: false,
    require_code_owner_review: false,
    require_last_push_approval: false,
    required_review_thread_resolution: false,
  };
}

/** GET …/branches/{branch}/protection/required_status_checks: 404 "Branch not protected" without protection. */
function requiredStatusChecks(req: ApiRequest, deps: ApiDeps): Reply {
  const repo = visibleRepo(req, deps);
  const branch = param(req, 'branch');
  const rules = repo.protection.get(branch);
  if (!rules) throw new ApiError(404, 'Branch not protected', req.doc);
  const url = `${deps.render.api}/repos/${repo.owner}/${repo.name}/branches/${branch}/protection/required_status_checks`;
  return ok({
    url,
    strict: rules.strict,
    contexts: rules.requiredChecks,
    contexts_url: `${url}/contexts`,
    checks: rules.requiredChecks.map((context) => ({ context, app_id: null })),
  });
}

/** POST …/pulls/{n}/reviews as the token's owner: its author may neither approve nor request changes. */
async function createReview(req: ApiRequest, deps: ApiDeps): Promise<Reply> {
  const repo = visibleRepo(req, deps);
  const { issue, pull } = pullByNumber(req, repo, numberParam(req, 'pull_number'));
  const body = parseBody(req, CreateReviewBody);
  const login = deps.config.login;
  if (issue.user === login && body.event === 'APPROVE') throw ownPull(req, 'Can not approve your own pull request');
  if (issue.user === login && body.event === 'REQUEST_CHANGES') throw ownPull(req, 'Can not request changes on your own pull request');
  if ((body.event === 'REQUEST_CHANGES' || body.event === 'COMMENT') && !body.body) {
    throw validationFailed(req.doc, { resource: 'PullRequestReview', code: 'custom', field: 'body', message: 'Body is required for this event' });
  }
  await syncPulls(deps, repo);
  const state = ({ APPROVE: 'APPROVED', REQUEST_CHANGES: 'CHANGES_REQUESTED', COMMENT: 'COMMENTED' } as const)[body.event ?? 'COMMENT'];
  const review: ReviewRecord = {
    id: deps.store.ids.take(),
    state: body.event === undefined ? 'PENDING' : state,
    body: body.body ?? '',
    user: login,
    commitId: body.commit_id ?? pull.headSha,
    submittedAt: deps.config.now(),
  };
  pull.reviews.push(review);
  return ok(reviewJson(deps.render, repo, issue.number, review));
}

/** GitHub's 422 for a review its author may not give: its errors are plain strings. */
class OwnPullError extends ApiError {
  constructor(
    private readonly reason: string,
    doc: string,
  ) {
    super(422, 'Unprocessable Entity', doc);
  }

  override toReply(): Reply {
    return { status: 422, body: { message: this.message, errors: [this.reason], documentation_url: this.documentationUrl, status: '422' } };
  }
}

function ownPull(req: ApiRequest, reason: string): ApiError {
  return new OwnPullError(reason, req.doc);
}

/** PUT …/pulls/{n}/update-branch: merges the base into the head (a real merge commit) and answers 202. */
async function updateBranch(req: ApiRequest, deps: ApiDeps): Promise<Reply> {
  const repo = visibleRepo(req, deps);
  const { issue, pull } = pullByNumber(req, repo, numberParam(req, 'pull_number'));
  const body = parseBody(req, UpdateBranchBody);
  return deps.store.locks.run(repo.gitDir, async () => {
    await syncPulls(deps, repo);
    if (issue.state !== 'open') throw validationFailed(req.doc, { resource: 'PullRequest', code: 'custom', message: 'Pull request is closed.' });
    if (body.expected_head_sha !== undefined && body.expected_head_sha !== pull.headSha) {
      throw new ApiError(422, "expected head sha didn't match current head ref.", req.doc);
    }
    if (await upToDate(deps, repo, pull)) throw new ApiError(422, 'There are no new commits on the base branch.', req.doc);
    const { gitDir } = repo;
    const merged = await deps.git.run(['merge-tree', '--write-tree', '--no-messages', pull.headSha, pull.baseSha], { gitDir });
    const tree = merged.stdout.split('\n')[0]?.trim() ?? '';
    if (merged.code !== 0 || !/^[0-9a-f]{40}$/.test(tree)) throw new ApiError(422, 'merge conflict between base and head', req.doc);
    const login = deps.config.login;
    const author = { name: login, email: `${deps.store.userId(login)}+${login}@users.noreply.github.com` };
    const env = identityEnv(author, GITHUB_COMMITTER, deps.config.now());
    const message = `Merge branch '${pull.baseRef}' into ${pull.headRef}\n`;
    const sha = await deps.git.ok(['commit-tree', tree, '-p', pull.headSha, '-p', pull.baseSha, '-F', '-'], { gitDir, env, input: message });
    const moved = await deps.git.run(['update-ref', `refs/heads/${pull.headRef}`, sha, pull.headSha], { gitDir });
    if (moved.code !== 0) throw new ApiError(422, "expected head sha didn't match current head ref.", req.doc);
    pull.headSha = sha;
    issue.updatedAt = deps.config.now();
    return { status: 202, body: { message: 'Updating pull request branch.', url: `${deps.render.html}/${repo.owner}/${repo.name}/pull/${issue.number}` } };
  });
}

/** DELETE …/git/refs/{ref}: "heads/<branch>" (slashes arrive encoded); 422 "Reference does not exist". */
async function deleteRef(req: ApiRequest, deps: ApiDeps): Promise<Reply> {
  const repo = visibleRepo(req, deps);
  const ref = param(req, 'ref');
  if (!ref.startsWith('heads/') && !ref.startsWith('tags/')) throw notFound(req.doc);
  return deps.store.locks.run(repo.gitDir, async () => {
    const sha = await revParse(deps.git, repo.gitDir, `refs/${ref}`);
    if (sha === undefined) throw new ApiError(422, 'Reference does not exist', req.doc);
    if (ref === `heads/${repo.defaultBranch}`) throw new ApiError(422, 'Cannot delete the default branch', req.doc);
    await deps.git.ok(['update-ref', '-d', `refs/${ref}`, sha], { gitDir: repo.gitDir });
    return { status: 204 };
  });
}

export const ruleRoutes: RouteSpec[] = [
  { method: 'GET', path: '/repos/{owner}/{repo}/rules/branches/{branch}', doc: DOC_RULES, handler: branchRules },
  { method: 'GET', path: '/repos/{owner}/{repo}/branches/{branch}/protection/required_status_checks', doc: DOC_PROTECTION, handler: requiredStatusChecks },
  { method: 'POST', path: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', doc: DOC_CREATE_REVIEW, handler: createReview },
  { method: 'PUT', path: '/repos/{owner}/{repo}/pulls/{pull_number}/update-branch', doc: DOC_UPDATE_BRANCH, handler: updateBranch },
  { method: 'DELETE', path: '/repos/{owner}/{repo}/git/refs/{ref}', doc: DOC_DELETE_REF, handler: deleteRef },
];
