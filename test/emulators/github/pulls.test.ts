import { describe, expect, it } from 'vitest';
import { pushBranch, requestError, useWorld } from './testkit.ts';

const world = useWorld();

describe('creating pull requests from pushed branches', () => {
  it('opens a draft PR whose head is the pushed commit, and follows later pushes', async () => {
    const { octokit, owner, repo } = world();
    const first = await pushBranch(world(), 'feature', 'src/app.txt', 'one\ntwo\nthree\nfour\n');
    const created = await octokit.rest.pulls.create({ owner, repo, title: 'Add four', head: 'feature', base: 'main', body: 'Adds a line', draft: true });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`${world().emu.apiUrl}/repos/acme/widgets/pulls/1`);
    expect(created.data).toMatchObject({
      number: 1,
      state: 'open',
      draft: true,
      merged: false,
      mergeable: true,
      mergeable_state: 'draft',
      title: 'Add four',
      body: 'Adds a line',
      head: { ref: 'feature', sha: first, label: 'acme:feature' },
      base: { ref: 'main', sha: await world().emu.headSha(owner, repo, 'main') },
      user: { login: 'director-bot' },
      commits: 1,
      additions: 1,
      deletions: 0,
      changed_files: 1,
      html_url: `${world().emu.apiUrl}/acme/widgets/pull/1`,
    });

    const second = await world().sandbox.commit(world().work, 'notes.md', 'more\n', 'Second commit');
    await world().sandbox.git(world().work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/feature']);
    const after = await octokit.rest.pulls.get({ owner, repo, pull_number: 1 });
    expect(after.data.head.sha).toBe(second);
    expect(after.data).toMatchObject({ commits: 2, additions: 2, changed_files: 2 });
    expect(world().emu.pulls(owner, repo)[0]).toMatchObject({ number: 1, draft: true, head: { ref: 'feature', sha: second } });
  });

  it('refuses a second open PR for the same head with 422', async () => {
    const { octokit, owner, repo } = world();
    await pushBranch(world(), 'feature', 'a.txt', 'a\n');
    await octokit.rest.pulls.create({ owner, repo, title: 'One', head: 'acme:feature', base: 'main' });
    const dup = await requestError(octokit.rest.pulls.create({ owner, repo, title: 'Two', head: 'feature', base: 'main' }));
    expect(dup.status).toBe(422);
    expect(dup.response.data).toEqual({
      message: 'Validation Failed',
      errors: [{ resource: 'PullRequest', code: 'custom', message: 'A pull request already exists for acme:feature.' }],
      documentation_url: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
      status: '422',
    });
    expect(dup.message).toContain('A pull request already exists for acme:feature.');
    expect(world().emu.pulls(owner, repo)).toHaveLength(1);
  });

  it('answers 422 for a missing head, no new commits, missing fields and an unknown base', async () => {
    const { octokit, owner, repo } = world();
    const noHead = await requestError(octokit.rest.pulls.create({ owner, repo, title: 't', head: 'nope', base: 'main' }));
    expect(noHead.response.data).toMatchObject({ errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }] });

    await world().sandbox.git(world().work, ['push', '--quiet', 'origin', 'origin/main:refs/heads/same']);
    const same = await requestError(octokit.rest.pulls.create({ owner, repo, title: 't', head: 'same', base: 'main' }));
    expect(same.status).toBe(422);
    expect(same.response.data).toMatchObject({ errors: [{ code: 'custom', message: 'No commits between main and same' }] });

    const noBase = await requestError(octokit.rest.pulls.create({ owner, repo, title: 't', head: 'same', base: 'gone' }));
    expect(noBase.response.data).toMatchObject({ errors: [{ field: 'base', code: 'invalid' }] });

    const raw = await fetch(`${world().emu.apiUrl}/repos/acme/widgets/pulls`, {
      method: 'POST',
      headers: { authorization: `token ${world().emu.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ head: 'same' }),
    });
    expect(raw.status).toBe(422);
    expect(await raw.json()).toMatchObject({
      errors: [
        { resource: 'PullRequest', code: 'missing_field', field: 'base' },
        { resource: 'PullRequest', code: 'missing_field', field: 'title' },
      ],
    });
    const wrongType = await fetch(`${world().emu.apiUrl}/repos/acme/widgets/pulls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world().emu.token}` },
      body: JSON.stringify({ title: 5, head: 'same', base: 'main' }),
    });
    expect(wrongType.status).toBe(422);
    const broken = await fetch(`${world().emu.apiUrl}/repos/acme/widgets/pulls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world().emu.token}` },
      body: '{not json',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ message: 'Problems parsing JSON' });
    expect(world().emu.pulls(owner, repo)).toEqual([]);
  });

  it('allows only one of two racing creates for the same head', async () => {
    const { octokit, owner, repo } = world();
    await pushBranch(world(), 'race', 'r.txt', 'r\n');
    const results = await Promise.allSettled([1, 2, 3].map((n) => octokit.rest.pulls.create({ owner, repo, title: `Race ${n}`, head: 'race', base: 'main' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(world().emu.pulls(owner, repo)).toHaveLength(1);
  });
});

describe('listing and updating pull requests', () => {
  it('filters by state, head (owner:branch) and base, and ignores a head without owner like GitHub', async () => {
    const { octokit, owner, repo } = world();
    await pushBranch(world(), 'f1', 'f1.txt', '1\n');
    await pushBranch(world(), 'f2', 'f2.txt', '2\n');
    await pushBranch(world(), 'dev', 'dev.txt', 'd\n');
    await octokit.rest.pulls.create({ owner, repo, title: 'F1', head: 'f1', base: 'main' });
    await octokit.rest.pulls.create({ owner, repo, title: 'F2', head: 'f2', base: 'dev' });
    await octokit.rest.pulls.update({ owner, repo, pull_number: 1, state: 'closed' });

    const open = await octokit.rest.pulls.list({ owner, repo });
    expect(open.data.map((p) => p.number)).toEqual([2]);
    const all = await octokit.rest.pulls.list({ owner, repo, state: 'all' });
    expect(all.data.map((p) => p.number)).toEqual([2, 1]);
    const byHead = await octokit.rest.pulls.list({ owner, repo, state: 'all', head: 'acme:f1' });
    expect(byHead.data.map((p) => p.title)).toEqual(['F1']);
    const byBase = await octokit.rest.pulls.list({ owner, repo, state: 'all', base: 'dev' });
    expect(byBase.data.map((p) => p.title)).toEqual(['F2']);
    const ownerless = await octokit.rest.pulls.list({ owner, repo, state: 'all', head: 'f1' });
    expect(ownerless.data).toHaveLength(2);
    // The list shape has no mergeability (GitHub computes that only for one PR).
    expect(open.data[0]).not.toHaveProperty('mergeable');
  });

  it('updates title, body, base and state; reopening is refused while a twin is open', async () => {
    const { octokit, owner, repo } = world();
    await pushBranch(world(), 'dev', 'dev.txt', 'd\n');
    await pushBranch(world(), 'feat', 'feat.txt', 'f\n');
    await octokit.rest.pulls.create({ owner, repo, title: 'Old', head: 'feat', base: 'main' });
    const patched = await octokit.rest.pulls.update({ owner, repo, pull_number: 1, title: 'New', body: 'Body', base: 'dev' });
    expect(patched.data).toMatchObject({ title: 'New', body: 'Body', base: { ref: 'dev' } });
    const closed = await octokit.rest.pulls.update({ owner, repo, pull_number: 1, state: 'closed' });
    expect(closed.data).toMatchObject({ state: 'closed', mergeable: null });
    expect(closed.data.closed_at).not.toBeNull();
    await octokit.rest.pulls.create({ owner, repo, title: 'Twin', head: 'feat', base: 'dev' });
    const reopen = await requestError(octokit.rest.pulls.update({ owner, repo, pull_number: 1, state: 'open' }));
    expect(reopen.status).toBe(422);
    const badBase = await requestError(octokit.rest.pulls.update({ owner, repo, pull_number: 2, base: 'nope' }));
    expect(badBase.response.data).toMatchObject({ errors: [{ field: 'base', code: 'invalid' }] });
    const missing = await requestError(octokit.rest.pulls.get({ owner, repo, pull_number: 99 }));
    expect(missing.status).toBe(404);
  });
});
