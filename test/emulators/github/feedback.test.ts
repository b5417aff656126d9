import { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import { pushBranch, requestError, useWorld } from './testkit.ts';

const world = useWorld();

async function openPull(): Promise<{ sha: string; number: number }> {
  const { octokit, owner, repo } = world();
  const sha = await pushBranch(world(), 'feature', 'src/a.js', 'export const a = 1;\n');
  const { data } = await octokit.rest.pulls.create({ owner, repo, title: 'PR', head: 'feature', base: 'main' });
  return { sha, number: data.number };
}

describe('the review loop’s GitHub surface', () => {
  it('answers a matching If-None-Match with 304, without counting it against the rate limit', async () => {
    const { emu, octokit, owner, repo } = world();
    const { number } = await openPull();
    const first = await octokit.rest.pulls.listReviewComments({ owner, repo, pull_number: number });
    const etag = first.headers.etag ?? '';
    expect(etag).toMatch(/^W\/"[0-9a-f]{40}"$/);
    const used = emu.rateLimit().used;
    for (let i = 0; i < 5; i++) {
      const again = await requestError(octokit.rest.pulls.listReviewComments({ owner, repo, pull_number: number, headers: { 'if-none-match': etag } }));
      expect(again.status).toBe(304);
    }
    expect(emu.rateLimit().used).toBe(used);
    await emu.addReviewComment(owner, repo, number, { path: 'src/a.js', line: 1, body: 'Rename a.', user: 'carol' });
    const changed = await octokit.rest.pulls.listReviewComments({ owner, repo, pull_number: number, headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(emu.rateLimit().used).toBe(used + 1);
  });

  it('reports a user’s permission: owner admin, a set collaborator, a stranger with none', async () => {
    const { emu, octokit, owner, repo } = world();
    emu.setPermission(owner, repo, 'carol', 'write');
    const level = async (username: string) => (await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username })).data;
    expect(await level(owner)).toMatchObject({ permission: 'admin', role_name: 'admin' });
    expect(await level('carol')).toMatchObject({ permission: 'write', role_name: 'write', user: { login: 'carol' } });
    expect(await level('mallory')).toMatchObject({ permission: 'none' });
  });

  it('lists review comments since a time, with diff hunks, and takes replies into the thread', async () => {
    const { emu, octokit, owner, repo } = world();
    const { number } = await openPull();
    const root = await emu.addReviewComment(owner, repo, number, {
      path: 'src/a.js',
      line: 1,
      body: 'Why 1?',
      user: 'carol',
      diffHunk: '@@ -0,0 +1 @@\n+export const a = 1;',
    });
    const { data: reply } = await octokit.rest.pulls.createReplyForReviewComment({
      owner,
      repo,
      pull_number: number,
      comment_id: root.id,
      body: 'Addressed in abc1234',
    });
    expect(reply).toMatchObject({
      in_reply_to_id: root.id,
      path: 'src/a.js',
      line: 1,
      diff_hunk: '@@ -0,0 +1 @@\n+export const a = 1;',
      user: { login: emu.login },
    });
    const all = (await octokit.rest.pulls.listReviewComments({ owner, repo, pull_number: number })).data;
    expect(all.map((c) => c.body)).toEqual(['Why 1?', 'Addressed in abc1234']);
    const later = (await octokit.rest.pulls.listReviewComments({ owner, repo, pull_number: number, since: new Date(Date.now() + 60_000).toISOString() })).data;
    expect(later).toEqual([]);
    const missing = await requestError(octokit.rest.pulls.createReplyForReviewComment({ owner, repo, pull_number: number, comment_id: 999_999, body: 'x' }));
    expect(missing.status).toBe(404);
  });

  it('serves a check run’s annotations and its job log (through a redirect)', async () => {
    const { emu, octokit, owner, repo } = world();
    const { sha } = await openPull();
    const id = emu.addCheckRun(owner, repo, sha, {
      name: 'unit',
      status: 'completed',
      conclusion: 'failure',
      annotations: [{ path: 'src/a.js', startLine: 1, level: 'failure', message: 'expected 2, got 1' }],
      log: 'step 1\nFAIL src/a.test.js\n',
    });
    const { data: annotations } = await octokit.rest.checks.listAnnotations({ owner, repo, check_run_id: id });
    expect(annotations).toEqual([expect.objectContaining({ path: 'src/a.js', start_line: 1, annotation_level: 'failure', message: 'expected 2, got 1' })]);
    // The log lives behind a short-lived URL outside the REST API (so outside its OpenAPI description).
    const plain = new Octokit({ auth: emu.token, baseUrl: emu.apiUrl });
    const log = await plain.rest.actions.downloadJobLogsForWorkflowRun({ owner, repo, job_id: id });
    expect(String(log.data)).toContain('FAIL src/a.test.js');
  });
});
