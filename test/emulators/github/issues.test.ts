import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pushBranch, requestError, startWorld } from './testkit.ts';
import type { World } from './testkit.ts';

let w: World;
const T0 = Date.parse('2024-05-01T12:00:00Z');
const day = (n: number): number => T0 + n * 86_400_000;

beforeEach(async () => {
  w = await startWorld();
});

afterEach(async () => {
  expect(w.problems).toEqual([]);
  await w.close();
});

describe('listing issues', () => {
  it('includes PRs with a pull_request key, in one number space', async () => {
    const { emu, octokit, owner, repo } = w;
    emu.addIssue(owner, repo, { title: 'Plain issue' });
    await pushBranch(w, 'feature', 'f.txt', 'f\n');
    const pr = await octokit.rest.pulls.create({ owner, repo, title: 'A PR', head: 'feature', base: 'main' });
    expect(pr.data.number).toBe(2);
    const list = await octokit.rest.issues.listForRepo({ owner, repo });
    expect(list.data.map((i) => [i.number, i.pull_request === undefined])).toEqual([
      [2, false],
      [1, true],
    ]);
    expect(list.data[0]?.pull_request).toMatchObject({ url: `${emu.apiUrl}/repos/acme/widgets/pulls/2`, merged_at: null });
    expect(list.data[0]?.html_url).toBe(`${emu.apiUrl}/acme/widgets/pull/2`);
    expect(emu.issues(owner, repo).map((i) => i.title)).toEqual(['Plain issue']);
    expect(emu.pulls(owner, repo).map((p) => p.title)).toEqual(['A PR']);
  });

  it('filters by state, labels (all must match), assignee, milestone, creator and since', async () => {
    const { emu, octokit, owner, repo } = w;
    emu.addIssue(owner, repo, { title: 'a', labels: ['bug', 'p1'], assignee: 'alice', milestone: 'v1', createdAt: day(1) });
    emu.addIssue(owner, repo, { title: 'b', labels: ['bug'], assignee: 'bob', createdAt: day(2), user: 'carol' });
    emu.addIssue(owner, repo, { title: 'c', labels: ['p1'], milestone: 'v2', createdAt: day(3) });
    emu.addIssue(owner, repo, { title: 'd', labels: ['bug', 'p1'], state: 'closed', milestone: 'v1', createdAt: day(4) });
    const titles = async (q: Omit<Parameters<typeof octokit.rest.issues.listForRepo>[0] & object, 'owner' | 'repo'>): Promise<string[]> =>
      (await octokit.rest.issues.listForRepo({ owner, repo, ...q })).data.map((i) => i.title);

    expect(await titles({})).toEqual(['c', 'b', 'a']);
    expect(await titles({ state: 'closed' })).toEqual(['d']);
    expect(await titles({ state: 'all', labels: 'bug,p1' })).toEqual(['d', 'a']);
    expect(await titles({ labels: 'BUG' })).toEqual(['b', 'a']);
    expect(await titles({ assignee: 'alice' })).toEqual(['a']);
    expect(await titles({ assignee: 'none' })).toEqual(['c']);
    expect(await titles({ assignee: '*' })).toEqual(['b', 'a']);
    expect(await titles({ milestone: '1', state: 'all' })).toEqual(['d', 'a']);
    expect(await titles({ milestone: 'none' })).toEqual(['b']);
    expect(await titles({ milestone: '*' })).toEqual(['c', 'a']);
    expect(await titles({ creator: 'carol' })).toEqual(['b']);
    expect(await titles({ since: new Date(day(2)).toISOString() })).toEqual(['c', 'b']);
    const bad = await fetch(`${w.emu.apiUrl}/repos/acme/widgets/issues?state=bogus`, { headers: { authorization: `token ${w.emu.token}` } });
    expect(bad.status).toBe(422);
  });

  it('sorts by created, updated and comments in both directions', async () => {
    const { emu, octokit, owner, repo } = w;
    const a = emu.addIssue(owner, repo, { title: 'a', createdAt: day(1), comments: ['x', 'y', 'z'] });
    emu.addIssue(owner, repo, { title: 'b', createdAt: day(2) });
    emu.addIssue(owner, repo, { title: 'c', createdAt: day(3), comments: ['x'] });
    a.updatedAt = day(9);
    const titles = async (sort: 'created' | 'updated' | 'comments', direction?: 'asc' | 'desc'): Promise<string[]> =>
      (await octokit.rest.issues.listForRepo({ owner, repo, sort, ...(direction ? { direction } : {}) })).data.map((i) => i.title);
    expect(await titles('created', 'asc')).toEqual(['a', 'b', 'c']);
    expect(await titles('updated')).toEqual(['a', 'c', 'b']);
    expect(await titles('comments')).toEqual(['a', 'c', 'b']);
    expect(await titles('comments', 'asc')).toEqual(['b', 'c', 'a']);
  });

  it('paginates with GitHub’s Link header and octokit.paginate walks all pages', async () => {
    const { emu, octokit, owner, repo } = w;
    for (let i = 1; i <= 35; i += 1) emu.addIssue(owner, repo, { title: `issue ${i}`, createdAt: day(i) });
    const first = await octokit.rest.issues.listForRepo({ owner, repo, per_page: 15, direction: 'asc' });
    const base = `${emu.apiUrl}/repos/acme/widgets/issues?per_page=15&direction=asc`;
    expect(first.headers.link).toBe(`<${base}&page=2>; rel="next", <${base}&page=3>; rel="last"`);
    const middle = await octokit.rest.issues.listForRepo({ owner, repo, per_page: 15, direction: 'asc', page: 2 });
    expect(middle.headers.link).toBe(`<${base}&page=1>; rel="prev", <${base}&page=3>; rel="next", <${base}&page=3>; rel="last", <${base}&page=1>; rel="first"`);
    const before = emu.requests.length;
    const all = await octokit.paginate(octokit.rest.issues.listForRepo, { owner, repo, per_page: 15, direction: 'asc' });
    expect(all.map((i) => i.title)).toEqual(Array.from({ length: 35 }, (_, i) => `issue ${i + 1}`));
    expect(emu.requests.slice(before).map((r) => r.query.page)).toEqual([undefined, '2', '3']);

    const defaults = await octokit.rest.issues.listForRepo({ owner, repo });
    expect(defaults.data).toHaveLength(30);
    expect(defaults.headers.link).toContain('rel="next"');
    const clamped = await octokit.rest.issues.listForRepo({ owner, repo, per_page: 500 });
    expect(clamped.data).toHaveLength(35);
    expect(clamped.headers.link).toBeUndefined();
  });
});

describe('one issue and its comments', () => {
  it('gets an issue with labels, milestone, reactions and comment count', async () => {
    const { emu, octokit, owner, repo } = w;
    emu.addIssue(owner, repo, {
      title: 'Bug',
      body: 'Broken',
      labels: ['bug'],
      assignee: 'alice',
      milestone: 'v1',
      comments: ['c1', 'c2'],
      reactions: 3,
      user: 'reporter',
    });
    const res = await octokit.rest.issues.get({ owner, repo, issue_number: 1 });
    expect(res.data).toMatchObject({
      number: 1,
      title: 'Bug',
      body: 'Broken',
      state: 'open',
      comments: 2,
      user: { login: 'reporter', type: 'User' },
      assignee: { login: 'alice' },
      labels: [{ name: 'bug' }],
      milestone: { number: 1, title: 'v1', open_issues: 1 },
      reactions: { total_count: 3, '+1': 3 },
      author_association: 'NONE',
    });
    expect(res.data).not.toHaveProperty('pull_request');
    expect((await requestError(octokit.rest.issues.get({ owner, repo, issue_number: 7 }))).status).toBe(404);
  });

  it('lists comments with paging and since, and posts new ones', async () => {
    const { emu, octokit, owner, repo } = w;
    emu.addIssue(owner, repo, { title: 'Talk', createdAt: day(1) });
    for (let i = 1; i <= 5; i += 1) emu.addComment(owner, repo, 1, `comment ${i}`, i % 2 === 0 ? 'alice' : 'bob');
    const page = await octokit.rest.issues.listComments({ owner, repo, issue_number: 1, per_page: 2, page: 3 });
    expect(page.data.map((c) => c.body)).toEqual(['comment 5']);
    const all = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: 1, per_page: 2 });
    expect(all.map((c) => c.user?.login)).toEqual(['bob', 'alice', 'bob', 'alice', 'bob']);
    const posted = await octokit.rest.issues.createComment({ owner, repo, issue_number: 1, body: 'from the bot' });
    expect(posted.status).toBe(201);
    expect(posted.data).toMatchObject({ body: 'from the bot', user: { login: 'director-bot' }, author_association: 'COLLABORATOR' });
    expect(emu.issues(owner, repo)[0]?.comments.at(-1)?.body).toBe('from the bot');
    const since = await octokit.rest.issues.listComments({ owner, repo, issue_number: 1, since: new Date(Date.now() + 60_000).toISOString() });
    expect(since.data).toEqual([]);
  });
});
