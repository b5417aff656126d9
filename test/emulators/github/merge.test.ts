import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pushBranch, requestError, startWorld } from './testkit.ts';
import type { World } from './testkit.ts';

let w: World;

beforeEach(async () => {
  w = await startWorld({ login: 'merger' });
});

afterEach(async () => {
  expect(w.problems).toEqual([]);
  await w.close();
});

/** origin/main as the clone sees it after a fetch. */
async function fetchedMain(): Promise<string> {
  await w.sandbox.git(w.work, ['fetch', '--quiet', 'origin']);
  return w.sandbox.git(w.work, ['rev-parse', 'origin/main']);
}

/** Pushes a branch and opens a (non-draft) PR for it; returns its number and head sha. */
async function openPr(branch: string, file: string, contents: string): Promise<{ number: number; sha: string }> {
  const sha = await pushBranch(w, branch, file, contents);
  const pr = await w.octokit.rest.pulls.create({ owner: w.owner, repo: w.repo, title: `Work on ${branch}`, head: branch, base: 'main' });
  return { number: pr.data.number, sha };
}

describe('merging', () => {
  it('409 on a stale sha, then a real merge commit that moves main', async () => {
    const { octokit, owner, repo, sandbox, work } = w;
    const before = await fetchedMain();
    const { number, sha } = await openPr('feature', 'feature.txt', 'hello\n');
    const stale = await requestError(octokit.rest.pulls.merge({ owner, repo, pull_number: number, sha: before }));
    expect(stale.status).toBe(409);
    expect(stale.response.data).toMatchObject({ message: 'Head branch was modified. Review and try the merge again.' });

    const merged = await octokit.rest.pulls.merge({ owner, repo, pull_number: number, sha, merge_method: 'merge' });
    expect(merged.status).toBe(200);
    expect(merged.data).toEqual({ sha: merged.data.sha, merged: true, message: 'Pull Request successfully merged' });
    expect(await fetchedMain()).toBe(merged.data.sha);
    expect(await sandbox.git(work, ['log', '-1', '--format=%P', 'origin/main'])).toBe(`${before} ${sha}`);
    expect(await sandbox.git(work, ['log', '-1', '--format=%B', 'origin/main'])).toBe('Merge pull request #1 from acme/feature\n\nWork on feature');
    expect(await sandbox.git(work, ['log', '-1', '--format=%an|%cn|%ce', 'origin/main'])).toBe('merger|GitHub|noreply@github.com');
    expect(await sandbox.git(work, ['show', 'origin/main:feature.txt'])).toBe('hello');

    const after = await octokit.rest.pulls.get({ owner, repo, pull_number: number });
    expect(after.data).toMatchObject({
      state: 'closed',
      merged: true,
      merge_commit_sha: merged.data.sha,
      merged_by: { login: 'merger' },
      head: { sha },
      commits: 1,
      changed_files: 1,
    });
    expect((await octokit.rest.pulls.checkIfMerged({ owner, repo, pull_number: number })).status).toBe(204);
    const again = await requestError(octokit.rest.pulls.merge({ owner, repo, pull_number: number }));
    expect(again.status).toBe(405);
    const issue = await octokit.rest.issues.get({ owner, repo, issue_number: number });
    expect(issue.data).toMatchObject({ state: 'closed', pull_request: { merged_at: after.data.merged_at } });
  });

  it('405 for drafts and for PRs set unmergeable; null mergeable is still attempted', async () => {
    const { emu, octokit, owner, repo } = w;
    const sha = await pushBranch(w, 'draft', 'd.txt', 'd\n');
    await octokit.rest.pulls.create({ owner, repo, title: 'Draft', head: 'draft', base: 'main', draft: true });
    const draft = await requestError(octokit.rest.pulls.merge({ owner, repo, pull_number: 1, sha }));
    expect(draft.status).toBe(405);
    expect(draft.response.data).toMatchObject({ message: 'Pull Request is still a draft' });

    emu.setDraft(owner, repo, 1, false);
    emu.setMergeable(owner, repo, 1, false);
    expect((await octokit.rest.pulls.get({ owner, repo, pull_number: 1 })).data).toMatchObject({ mergeable: false, mergeable_state: 'dirty' });
    const refused = await requestError(octokit.rest.pulls.merge({ owner, repo, pull_number: 1, sha }));
    expect(refused.status).toBe(405);
    expect(refused.message).toBe('Pull Request is not mergeable - https://docs.github.com/rest/pulls/pulls#merge-a-pull-request');

    emu.setMergeable(owner, repo, 1, null);
    expect((await octokit.rest.pulls.get({ owner, repo, pull_number: 1 })).data).toMatchObject({ mergeable: null, mergeable_state: 'unknown' });
    const custom = { commit_title: 'Custom title', commit_message: 'Custom body' };
    expect((await octokit.rest.pulls.merge({ owner, repo, pull_number: 1, sha, ...custom })).data.merged).toBe(true);
    expect(await fetchedMain()).toBe(w.emu.pulls(owner, repo)[0]?.mergeCommitSha);
    expect(await w.sandbox.git(w.work, ['log', '-1', '--format=%B', 'origin/main'])).toBe('Custom title\n\nCustom body');
  });

  it('real conflicts make a PR unmergeable (dirty) and the merge 405', async () => {
    const { octokit, owner, repo } = w;
    const a = await openPr('left', 'src/app.txt', 'one\nLEFT\nthree\n');
    const b = await openPr('right', 'src/app.txt', 'one\nRIGHT\nthree\n');
    expect((await octokit.rest.pulls.get({ owner, repo, pull_number: b.number })).data.mergeable).toBe(true);
    await octokit.rest.pulls.merge({ owner, repo, pull_number: a.number, sha: a.sha });
    const rightPr = await octokit.rest.pulls.get({ owner, repo, pull_number: b.number });
    expect(rightPr.data).toMatchObject({ mergeable: false, mergeable_state: 'dirty' });
    const refused = await requestError(octokit.rest.pulls.merge({ owner, repo, pull_number: b.number, sha: b.sha }));
    expect(refused.status).toBe(405);
    expect(await w.sandbox.git(w.work, ['show', `${await fetchedMain()}:src/app.txt`])).toBe('one\nLEFT\nthree');
  });

  it('squash makes one single-parent commit with GitHub’s default message', async () => {
    const { octokit, owner, repo, sandbox, work } = w;
    const before = await fetchedMain();
    const { number } = await openPr('sq', 'a.txt', 'a\n');
    const second = await sandbox.commit(work, 'b.txt', 'b\n', 'Add b');
    await sandbox.git(work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/sq']);
    const res = await octokit.rest.pulls.merge({ owner, repo, pull_number: number, sha: second, merge_method: 'squash' });
    expect(await fetchedMain()).toBe(res.data.sha);
    expect(await sandbox.git(work, ['log', '-1', '--format=%P', 'origin/main'])).toBe(before);
    expect(await sandbox.git(work, ['log', '-1', '--format=%B', 'origin/main'])).toBe('Work on sq (#1)\n\n* Change a.txt on sq\n* Add b');
    expect(await sandbox.git(work, ['ls-tree', '--name-only', 'origin/main'])).toBe('README.md\na.txt\nb.txt\nsrc');
  });

  it('rebase replays the commits onto main, keeping their authors', async () => {
    const { octokit, owner, repo, sandbox, work } = w;
    const { number } = await openPr('rb', 'r1.txt', '1\n');
    const second = await sandbox.commit(work, 'r2.txt', '2\n', 'Add r2');
    await sandbox.git(work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/rb']);
    // Move main first so the replay has to make new commits.
    const other = await openPr('other', 'o.txt', 'o\n');
    await octokit.rest.pulls.merge({ owner, repo, pull_number: other.number, merge_method: 'squash' });
    const mainBefore = await fetchedMain();
    const res = await octokit.rest.pulls.merge({ owner, repo, pull_number: number, sha: second, merge_method: 'rebase' });
    expect(await fetchedMain()).toBe(res.data.sha);
    expect(await sandbox.git(work, ['log', '--format=%s|%an|%cn', `${mainBefore}..origin/main`])).toBe(
      'Add r2|Test Author|GitHub\nChange r1.txt on rb|Test Author|GitHub',
    );
    expect(await sandbox.git(work, ['rev-parse', 'origin/main~2'])).toBe(mainBefore);
  });
});
