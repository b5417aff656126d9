// Release rules of the emulator: reviews, rulesets and protection, required checks at merge, update-branch, GraphQL, Closes #N.
import { describe, expect, it } from 'vitest';
import { pushBranch, requestError, useWorld } from './testkit.ts';

const world = useWorld({ login: 'director-bot' });

async function openPr(branch: string, file: string, contents: string, extra: { draft?: boolean; body?: string } = {}) {
  const w = world();
  const sha = await pushBranch(w, branch, file, contents);
  const pr = await w.octokit.rest.pulls.create({ owner: w.owner, repo: w.repo, title: `Work on ${branch}`, head: branch, base: 'main', ...extra });
  return { number: pr.data.number, sha, nodeId: pr.data.node_id };
}

describe('reviews', () => {
  it('the PR’s author cannot approve it (422); a comment review is kept', async () => {
    const { octokit, owner, repo } = world();
    const { number } = await openPr('mine', 'mine.txt', 'x\n');
    const refused = await requestError(octokit.rest.pulls.createReview({ owner, repo, pull_number: number, event: 'APPROVE' }));
    expect(refused.status).toBe(422);
    expect(refused.response.data).toMatchObject({ message: 'Unprocessable Entity', errors: ['Can not approve your own pull request'] });
    const review = await octokit.rest.pulls.createReview({ owner, repo, pull_number: number, event: 'COMMENT', body: 'looks fine' });
    expect(review.data.state).toBe('COMMENTED');
    expect((await octokit.rest.pulls.listReviews({ owner, repo, pull_number: number })).data.map((r) => r.state)).toEqual(['COMMENTED']);
  });
});

describe('branch rules at merge time', () => {
  it('a required check: expected while missing or running, failing when it failed, merged once it passed', async () => {
    const { emu, octokit, owner, repo } = world();
    emu.setRuleset(owner, repo, 'main', { requiredChecks: ['ci'] });
    const { number, sha } = await openPr('checked', 'c.txt', 'c\n');
    const rules = await octokit.request('GET /repos/{owner}/{repo}/rules/branches/{branch}', { owner, repo, branch: 'main' });
    expect(rules.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'required_status_checks',
          parameters: { required_status_checks: [{ context: 'ci' }], strict_required_status_checks_policy: false },
        }),
      ]),
    );
    // No statuses at all: the combined status reads pending.
    expect((await octokit.rest.repos.getCombinedStatusForRef({ owner, repo, ref: sha })).data.state).toBe('pending');
    const merge = () => octokit.rest.pulls.merge({ owner, repo, pull_number: number, sha, merge_method: 'squash' });
    expect((await requestError(merge())).response.data).toMatchObject({ message: 'Required status check "ci" is expected.' });
    expect((await octokit.rest.pulls.get({ owner, repo, pull_number: number })).data.mergeable_state).toBe('blocked');
    emu.setCheckRuns(owner, repo, sha, [{ name: 'ci', status: 'in_progress' }]);
    expect((await requestError(merge())).status).toBe(405);
    emu.setCheckRuns(owner, repo, sha, [{ name: 'ci', status: 'completed', conclusion: 'failure' }]);
    expect((await requestError(merge())).response.data).toMatchObject({ message: 'Required status check "ci" is failing.' });
    emu.setCheckRuns(owner, repo, sha, [{ name: 'ci', status: 'completed', conclusion: 'success' }]);
    expect((await merge()).data.merged).toBe(true);
  });

  it('protection’s required checks count statuses too, and its endpoint says 404 when unprotected', async () => {
    const { emu, octokit, owner, repo } = world();
    expect((await requestError(octokit.rest.repos.getStatusChecksProtection({ owner, repo, branch: 'main' }))).response.data).toMatchObject({
      message: 'Branch not protected',
    });
    emu.setBranchProtection(owner, repo, 'main', { requiredChecks: ['deploy'], strict: true });
    const policy = await octokit.rest.repos.getStatusChecksProtection({ owner, repo, branch: 'main' });
    expect(policy.data).toMatchObject({ strict: true, checks: [{ context: 'deploy', app_id: null }] });
    const { number, sha } = await openPr('status', 's.txt', 's\n');
    emu.setStatuses(owner, repo, sha, [{ context: 'deploy', state: 'success' }]);
    expect((await octokit.rest.pulls.merge({ owner, repo, pull_number: number, sha })).data.merged).toBe(true);
  });

  it('a required review: 405 until someone other than the author approves', async () => {
    const { emu, octokit, owner, repo } = world();
    emu.setRuleset(owner, repo, 'main', { requiredApprovals: 1 });
    const { number, sha } = await openPr('reviewed', 'r.txt', 'r\n');
    const refused = await requestError(octokit.rest.pulls.merge({ owner, repo, pull_number: number, sha }));
    expect(refused.status).toBe(405);
    expect(refused.response.data).toMatchObject({ message: 'At least 1 approving review is required by reviewers with write access.' });
    await emu.addReview(owner, repo, number, { state: 'APPROVED', user: 'bob' });
    expect((await octokit.rest.pulls.merge({ owner, repo, pull_number: number, sha })).data.merged).toBe(true);
  });

  it('a strict rule: a behind head is refused, update-branch merges the base in (202), then it merges', async () => {
    const { emu, octokit, owner, repo } = world();
    emu.setRuleset(owner, repo, 'main', { requiredChecks: ['ci'], strict: true });
    // The required check passes on every head, as CI would.
    const green = (sha: string) => emu.setCheckRuns(owner, repo, sha, [{ name: 'ci', status: 'completed', conclusion: 'success' }]);
    const first = await openPr('first', 'one.txt', '1\n');
    const second = await openPr('second', 'two.txt', '2\n');
    green(first.sha);
    green(second.sha);
    await octokit.rest.pulls.merge({ owner, repo, pull_number: first.number, sha: first.sha });
    expect((await octokit.rest.pulls.get({ owner, repo, pull_number: second.number })).data.mergeable_state).toBe('behind');
    expect((await requestError(octokit.rest.pulls.merge({ owner, repo, pull_number: second.number, sha: second.sha }))).status).toBe(405);
    const stale = await requestError(octokit.rest.pulls.updateBranch({ owner, repo, pull_number: second.number, expected_head_sha: first.sha }));
    expect(stale.status).toBe(422);
    const updated = await octokit.rest.pulls.updateBranch({ owner, repo, pull_number: second.number, expected_head_sha: second.sha });
    expect(updated.status).toBe(202);
    const head = await emu.headSha(owner, repo, 'second');
    expect(head).not.toBe(second.sha);
    green(head ?? '');
    expect((await requestError(octokit.rest.pulls.merge({ owner, repo, pull_number: second.number, sha: second.sha }))).status).toBe(409);
    expect((await octokit.rest.pulls.merge({ owner, repo, pull_number: second.number, sha: head ?? '' })).data.merged).toBe(true);
  });

  it('update-branch on a conflict answers 422 and moves nothing', async () => {
    const { emu, octokit, owner, repo } = world();
    const first = await openPr('left', 'src/app.txt', 'left\n');
    const second = await openPr('right', 'src/app.txt', 'right\n');
    await octokit.rest.pulls.merge({ owner, repo, pull_number: first.number, sha: first.sha });
    const conflict = await requestError(octokit.rest.pulls.updateBranch({ owner, repo, pull_number: second.number }));
    expect(conflict.status).toBe(422);
    expect(conflict.response.data).toMatchObject({ message: 'merge conflict between base and head' });
    expect(await emu.headSha(owner, repo, 'right')).toBe(second.sha);
    expect((await octokit.rest.pulls.get({ owner, repo, pull_number: second.number })).data.mergeable).toBe(false);
  });
});

describe('draft → ready through GraphQL, Closes #N, branch deletion', () => {
  it('a draft is refused, marked ready with markPullRequestReadyForReview, merged; its issue closes and its branch goes', async () => {
    const { emu, octokit, owner, repo } = world();
    const issue = emu.addIssue(owner, repo, { title: 'Broken thing' });
    const { number, sha, nodeId } = await openPr('drafty', 'd.txt', 'd\n', { draft: true, body: `Closes #${issue.number}` });
    expect((await requestError(octokit.rest.pulls.merge({ owner, repo, pull_number: number, sha }))).status).toBe(405);
    const answer = await octokit.graphql<{ markPullRequestReadyForReview: { pullRequest: { isDraft: boolean; number: number } } }>(
      'mutation($id: ID!) { markPullRequestReadyForReview(input: { pullRequestId: $id }) { pullRequest { isDraft number } } }',
      { id: nodeId },
    );
    expect(answer.markPullRequestReadyForReview.pullRequest).toEqual({ isDraft: false, number });
    await expect(octokit.graphql('mutation { markPullRequestReadyForReview(input: { pullRequestId: "PR_nope" }) { clientMutationId } }')).rejects.toThrow(
      /Could not resolve to a node/,
    );
    expect((await octokit.rest.pulls.merge({ owner, repo, pull_number: number, sha, merge_method: 'squash' })).data.merged).toBe(true);
    expect((await octokit.rest.issues.get({ owner, repo, issue_number: issue.number })).data).toMatchObject({ state: 'closed', state_reason: 'completed' });
    const deleted = await octokit.rest.git.deleteRef({ owner, repo, ref: 'heads/drafty' });
    expect(deleted.status).toBe(204);
    expect(await emu.headSha(owner, repo, 'refs/heads/drafty')).toBeUndefined();
    expect((await requestError(octokit.rest.git.deleteRef({ owner, repo, ref: 'heads/drafty' }))).status).toBe(422);
  });
});
