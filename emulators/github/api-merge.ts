// PUT /repos/{o}/{r}/pulls/{n}/merge: GitHub's 405/409 rules, then a real merge in the bare repo.
import { numberParam, parseBody, pullByNumber, syncPulls, visibleRepo } from './api-kit.ts';
import type { ApiDeps, ApiRequest, RouteSpec } from './api-kit.ts';
import { commitSubjects, mergeInBare } from './merge.ts';
import type { MergeMethod } from './merge.ts';
import { mergeability, pullDetail } from './pull-detail.ts';
import type { Reply } from './reply.ts';
import { ApiError, DOC, ok } from './reply.ts';
import { MergeBody } from './schemas.ts';
import { ruleViolation } from './rules.ts';
import type { RepoRecord } from './store.ts';
import type { IssueRecord, PullRecord } from './types.ts';

/** GitHub's default message for each method, with commit_title / commit_message overriding parts. */
async function mergeMessage(
  deps: ApiDeps,
  repo: RepoRecord,
  issue: IssueRecord,
  pull: PullRecord,
  method: MergeMethod,
  body: { commit_title?: string | undefined; commit_message?: string | undefined },
): Promise<string> {
  let title: string;
  let text: string;
  if (method === 'squash') {
    title = `${issue.title} (#${issue.number})`;
    const subjects = await commitSubjects(deps.git, repo.gitDir, pull.baseSha, pull.headSha);
    text = subjects.map((s) => `* ${s}`).join('\n');
  } else {
    title = `Merge pull request #${issue.number} from ${repo.owner}/${pull.headRef}`;
    text = issue.title;
  }
  title = body.commit_title ?? title;
  text = body.commit_message ?? text;
  return text === '' ? `${title}\n` : `${title}\n\n${text}\n`;
}

/** "Closes #3", "fixes #4", "resolved #5": issues (not PRs) a merge into the default branch closes. */
function closeReferencedIssues(repo: RepoRecord, text: string, now: number): void {
  for (const match of text.matchAll(/\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+#(\d+)\b/gi)) {
    const target = repo.issues.get(Number(match[1]));
    if (!target || target.pull || target.state !== 'open') continue;
    target.state = 'closed';
    target.stateReason = 'completed';
    target.closedAt = now;
    target.updatedAt = now;
  }
}

async function mergePull(req: ApiRequest, deps: ApiDeps): Promise<Reply> {
  const repo = visibleRepo(req, deps);
  const { issue, pull } = pullByNumber(req, repo, numberParam(req, 'pull_number'));
  const body = parseBody(req, MergeBody);
  const method = body.merge_method ?? 'merge';
  const notMergeable = (): ApiError => new ApiError(405, 'Pull Request is not mergeable', req.doc);
  return deps.store.locks.run(repo.gitDir, async () => {
    await syncPulls(deps, repo);
    if (pull.merged || issue.state !== 'open') throw notMergeable();
    if (pull.draft) throw new ApiError(405, 'Pull Request is still a draft', req.doc);
    if (body.sha !== undefined && body.sha !== pull.headSha) {
      throw new ApiError(409, 'Head branch was modified. Review and try the merge again.', req.doc);
    }
    // null ("still computing") is attempted like GitHub does; only a known false refuses up front.
    if ((await mergeability(deps, repo, issue, pull)) === false) throw notMergeable();
    const violation = await ruleViolation(deps, repo, issue, pull);
    if (violation !== undefined) throw new ApiError(405, violation, req.doc);
    await pullDetail(deps, repo, issue, pull); // freezes the PR's size before the base moves
    const now = deps.config.now();
    const login = deps.config.login;
    const outcome = await mergeInBare(deps.git, {
      gitDir: repo.gitDir,
      baseRef: pull.baseRef,
      baseSha: pull.baseSha,
      headSha: pull.headSha,
      method,
      message: await mergeMessage(deps, repo, issue, pull, method, body),
      author: { name: login, email: `${deps.store.userId(login)}+${login}@users.noreply.github.com` },
      nowMs: now,
    });
    if (outcome.kind === 'conflict') throw notMergeable();
    if (outcome.kind === 'base-moved') throw new ApiError(409, 'Base branch was modified. Review and try the merge again.', req.doc);
    pull.merged = true;
    pull.mergedAt = now;
    pull.mergedBy = login;
    pull.mergeCommitSha = outcome.sha;
    issue.state = 'closed';
    issue.closedAt = now;
    issue.updatedAt = now;
    repo.pushedAt = now;
    if (pull.baseRef === repo.defaultBranch) closeReferencedIssues(repo, `${issue.body ?? ''}\n${body.commit_message ?? ''}`, now);
    return ok({ sha: outcome.sha, merged: true, message: 'Pull Request successfully merged' });
  });
}

export const mergeRoutes: RouteSpec[] = [{ method: 'PUT', path: '/repos/{owner}/{repo}/pulls/{pull_number}/merge', doc: DOC.mergePull, handler: mergePull }];
