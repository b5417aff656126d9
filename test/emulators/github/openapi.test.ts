// The OpenAPI check itself, and error responses checked against their declared schemas.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkResponse, templateFor } from './openapi.ts';
import { pushBranch, requestError, startWorld } from './testkit.ts';
import type { World } from './testkit.ts';

let w: World;

beforeEach(async () => {
  w = await startWorld();
});

afterEach(async () => {
  await w.close();
});

describe('the OpenAPI check', () => {
  it('maps concrete paths to templates and catches wrong shapes', () => {
    expect(templateFor('/repos/a/b/pulls/3/merge')).toBe('/repos/{owner}/{repo}/pulls/{pull_number}/merge');
    expect(templateFor('/repos/a/b/commits/main/check-runs')).toBe('/repos/{owner}/{repo}/commits/{ref}/check-runs');
    const problems = checkResponse('PUT', 'http://x/repos/a/b/pulls/1/merge', 200, { sha: 'abc', merged: 'yes' });
    expect(problems).toEqual([
      'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge 200: $.message: missing',
      'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge 200: $.merged: expected boolean, got "yes"',
    ]);
    expect(checkResponse('GET', 'http://x/repos/a/b/issues', 200, [{ id: 1 }]).length).toBeGreaterThan(10);
    expect(checkResponse('GET', 'http://x/nowhere/at/all/x/y/z/q', 200, {})[0]).toContain('no such path');
  });

  it('sees every successful Octokit response (the hook is live)', async () => {
    await w.octokit.rest.repos.get({ owner: w.owner, repo: w.repo });
    expect(w.problems).toEqual([]);
    w.problems.push(...checkResponse('GET', `${w.emu.apiUrl}/repos/acme/widgets`, 200, { id: 'x' }));
    expect(w.problems.length).toBeGreaterThan(0);
  });
});

describe('responses match the OpenAPI description', () => {
  it('repository, issue, comment, PR (full and simple), merge result, checks, status, reviews', async () => {
    const { emu, octokit, owner, repo } = w;
    emu.addIssue(owner, repo, { title: 'Bug', labels: ['bug'], assignee: 'alice', milestone: 'v1', comments: ['first'], reactions: 2 });
    const sha = await pushBranch(w, 'feature', 'f.txt', 'f\n');
    emu.setCheckRuns(owner, repo, sha, [
      { name: 'ci', status: 'completed', conclusion: 'success' },
      { name: 'lint', status: 'in_progress' },
    ]);
    emu.setStatuses(owner, repo, sha, [{ context: 'deploy', state: 'success', description: 'ok' }]);
    await octokit.rest.pulls.create({ owner, repo, title: 'PR', head: 'feature', base: 'main' });
    await emu.addReview(owner, repo, 2, { state: 'APPROVED', body: 'LGTM', user: 'bob' });
    await emu.addReviewComment(owner, repo, 2, { path: 'f.txt', line: 1, body: 'nit', user: 'bob' });

    await octokit.rest.repos.get({ owner, repo });
    await octokit.rest.issues.listForRepo({ owner, repo, state: 'all' });
    await octokit.rest.issues.get({ owner, repo, issue_number: 1 });
    await octokit.rest.issues.get({ owner, repo, issue_number: 2 });
    await octokit.rest.issues.listComments({ owner, repo, issue_number: 1 });
    await octokit.rest.issues.createComment({ owner, repo, issue_number: 2, body: 'hi' });
    await octokit.rest.pulls.list({ owner, repo });
    await octokit.rest.pulls.get({ owner, repo, pull_number: 2 });
    await octokit.rest.pulls.update({ owner, repo, pull_number: 2, body: 'more' });
    await octokit.rest.checks.listForRef({ owner, repo, ref: sha });
    await octokit.rest.repos.getCombinedStatusForRef({ owner, repo, ref: 'feature' });
    await octokit.rest.pulls.listReviews({ owner, repo, pull_number: 2 });
    await octokit.rest.pulls.listReviewComments({ owner, repo, pull_number: 2 });
    await octokit.rest.pulls.merge({ owner, repo, pull_number: 2 });
    await octokit.rest.pulls.get({ owner, repo, pull_number: 2 });
    await octokit.rest.users.getAuthenticated();
    await octokit.rest.rateLimit.get();
    expect(w.problems).toEqual([]);
    expect(emu.requests.filter((r) => r.path.startsWith('/repos/') || r.path === '/user' || r.path === '/rate_limit')).toHaveLength(18);
  });

  it('error bodies: 404, 401, 422, 405 and 409', async () => {
    const { emu, octokit, owner, repo } = w;
    const sha = await pushBranch(w, 'feature', 'f.txt', 'f\n');
    await octokit.rest.pulls.create({ owner, repo, title: 'PR', head: 'feature', base: 'main', draft: true });
    const failures = [
      { method: 'GET', url: `${emu.apiUrl}/repos/acme/nope`, err: await requestError(octokit.rest.repos.get({ owner, repo: 'nope' })) },
      {
        method: 'POST',
        url: `${emu.apiUrl}/repos/acme/widgets/pulls`,
        err: await requestError(octokit.rest.pulls.create({ owner, repo, title: 'x', head: 'feature', base: 'main' })),
      },
      {
        method: 'PUT',
        url: `${emu.apiUrl}/repos/acme/widgets/pulls/1/merge`,
        err: await requestError(octokit.rest.pulls.merge({ owner, repo, pull_number: 1, sha })),
      },
    ];
    emu.setDraft(owner, repo, 1, false);
    failures.push({
      method: 'PUT',
      url: `${emu.apiUrl}/repos/acme/widgets/pulls/1/merge`,
      err: await requestError(octokit.rest.pulls.merge({ owner, repo, pull_number: 1, sha: '0'.repeat(40) })),
    });
    expect(failures.map((f) => f.err.status)).toEqual([404, 422, 405, 409]);
    for (const f of failures) expect(checkResponse(f.method, f.url, f.err.status, f.err.response.data)).toEqual([]);
    for (const f of failures) expect(f.err.response.data).toHaveProperty('documentation_url');
  });
});
