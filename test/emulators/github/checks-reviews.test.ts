import { describe, expect, it } from 'vitest';
import { pushBranch, requestError, useWorld } from './testkit.ts';

const world = useWorld();

describe('check runs and statuses', () => {
  it('lists check runs for a sha or a branch, latest per name by default', async () => {
    const { emu, octokit, owner, repo } = world();
    const sha = await pushBranch(world(), 'feature', 'f.txt', 'f\n');
    emu.setCheckRuns(owner, repo, sha, [
      { name: 'test', status: 'completed', conclusion: 'failure' },
      { name: 'lint', status: 'completed', conclusion: 'success' },
      { name: 'test', status: 'in_progress' },
    ]);
    const bySha = await octokit.rest.checks.listForRef({ owner, repo, ref: sha });
    expect(bySha.data.total_count).toBe(2);
    expect(bySha.data.check_runs.map((r) => [r.name, r.status, r.conclusion, r.head_sha === sha])).toEqual([
      ['test', 'in_progress', null, true],
      ['lint', 'completed', 'success', true],
    ]);
    const byBranch = await octokit.rest.checks.listForRef({ owner, repo, ref: 'feature', filter: 'all' });
    expect(byBranch.data.total_count).toBe(3);
    const named = await octokit.rest.checks.listForRef({ owner, repo, ref: sha, check_name: 'lint' });
    expect(named.data.check_runs.map((r) => r.name)).toEqual(['lint']);
    const done = await octokit.rest.checks.listForRef({ owner, repo, ref: sha, status: 'completed', filter: 'all' });
    expect(done.data.total_count).toBe(2);
    const paged = await octokit.rest.checks.listForRef({ owner, repo, ref: sha, filter: 'all', per_page: 1 });
    expect(paged.data.check_runs).toHaveLength(1);
    expect(paged.headers.link).toContain('rel="last"');
    const none = await octokit.rest.checks.listForRef({ owner, repo, ref: 'main' });
    expect(none.data).toEqual({ total_count: 0, check_runs: [] });
    const bad = await requestError(octokit.rest.checks.listForRef({ owner, repo, ref: 'no-such-ref' }));
    expect(bad.status).toBe(422);
  });

  it('combines statuses: pending with none, latest per context wins, any failure fails', async () => {
    const { emu, octokit, owner, repo } = world();
    const sha = await pushBranch(world(), 'feature', 'f.txt', 'f\n');
    const combined = async (): Promise<{ state: string; total_count: number }> =>
      (await octokit.rest.repos.getCombinedStatusForRef({ owner, repo, ref: 'feature' })).data;
    expect(await combined()).toMatchObject({ state: 'pending', total_count: 0 });
    emu.setStatuses(owner, repo, sha, [
      { context: 'ci', state: 'pending' },
      { context: 'ci', state: 'success', description: 'green' },
      { context: 'deploy', state: 'success' },
    ]);
    expect(await combined()).toMatchObject({ state: 'success', total_count: 2, sha });
    emu.setStatuses(owner, repo, sha, [
      { context: 'ci', state: 'error' },
      { context: 'deploy', state: 'success' },
    ]);
    expect(await combined()).toMatchObject({ state: 'failure' });
  });

  it('a failing check makes an open PR "unstable"; a push moves the PR to a sha without checks', async () => {
    const { emu, octokit, owner, repo } = world();
    const sha = await pushBranch(world(), 'feature', 'f.txt', 'f\n');
    await octokit.rest.pulls.create({ owner, repo, title: 'PR', head: 'feature', base: 'main' });
    expect((await octokit.rest.pulls.get({ owner, repo, pull_number: 1 })).data.mergeable_state).toBe('clean');
    emu.setCheckRuns(owner, repo, sha, [{ name: 'test', status: 'completed', conclusion: 'failure' }]);
    expect((await octokit.rest.pulls.get({ owner, repo, pull_number: 1 })).data.mergeable_state).toBe('unstable');
    await world().sandbox.commit(world().work, 'g.txt', 'g\n', 'Fix');
    await world().sandbox.git(world().work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/feature']);
    const pr = await octokit.rest.pulls.get({ owner, repo, pull_number: 1 });
    expect(pr.data.mergeable_state).toBe('clean');
    expect((await octokit.rest.checks.listForRef({ owner, repo, ref: pr.data.head.sha })).data.total_count).toBe(0);
  });
});

describe('reviews and review comments', () => {
  it('lists reviews and review comments on the head commit', async () => {
    const { emu, octokit, owner, repo } = world();
    const sha = await pushBranch(world(), 'feature', 'f.txt', 'f\n');
    await octokit.rest.pulls.create({ owner, repo, title: 'PR', head: 'feature', base: 'main' });
    await emu.addReview(owner, repo, 1, { state: 'CHANGES_REQUESTED', body: 'Please fix', user: 'alice' });
    await emu.addReview(owner, repo, 1, { state: 'APPROVED', body: 'LGTM', user: 'acme' });
    const first = await emu.addReviewComment(owner, repo, 1, { path: 'f.txt', line: 1, body: 'Why f?', user: 'alice' });
    await emu.addReviewComment(owner, repo, 1, { path: 'f.txt', line: 1, body: 'Because.', inReplyTo: first.id });
    const reviews = await octokit.rest.pulls.listReviews({ owner, repo, pull_number: 1 });
    expect(reviews.data.map((r) => [r.user?.login, r.state, r.body, r.commit_id, r.author_association])).toEqual([
      ['alice', 'CHANGES_REQUESTED', 'Please fix', sha, 'NONE'],
      ['acme', 'APPROVED', 'LGTM', sha, 'OWNER'],
    ]);
    const comments = await octokit.rest.pulls.listReviewComments({ owner, repo, pull_number: 1 });
    expect(comments.data.map((c) => [c.path, c.line, c.body, c.in_reply_to_id, c.commit_id])).toEqual([
      ['f.txt', 1, 'Why f?', undefined, sha],
      ['f.txt', 1, 'Because.', first.id, sha],
    ]);
    expect((await octokit.rest.pulls.get({ owner, repo, pull_number: 1 })).data.review_comments).toBe(2);
    expect(emu.pulls(owner, repo)[0]?.reviews.map((r) => r.state)).toEqual(['CHANGES_REQUESTED', 'APPROVED']);
    expect((await requestError(octokit.rest.pulls.listReviews({ owner, repo, pull_number: 9 }))).status).toBe(404);
  });
});
