import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitHubIssues } from '../../runner/github/issues.ts';
import { waitOutRateLimits } from '../../runner/github/rate-limit.ts';
import { startGitHubEmulator, type GitHubEmulator } from '../../emulators/github/index.ts';
import { gitAsync } from '../../emulators/support/git.ts';
import { quietLog } from '../support/link-harness.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';
import { VirtualClock } from '../support/virtual-clock.ts';

describe('GitHub issues for "fix top N"', () => {
  let home: ReturnType<typeof tempHome>;
  let gh: GitHubEmulator;
  let clock: VirtualClock;
  let issues: GitHubIssues;
  let octokit: Octokit;

  beforeEach(async () => {
    home = tempHome('director-issues-');
    clock = new VirtualClock(Date.UTC(2026, 10, 21));
    // Pages of 10, so 25 issues take three pages.
    gh = await startGitHubEmulator({ perPageMax: 10, now: () => clock.now() });
    await gh.createRepo('acme', 'demo', { files: { 'README.md': '# demo\n' } });
    for (let i = 1; i <= 25; i++) {
      gh.addIssue('acme', 'demo', {
        title: `Issue ${i}`,
        labels: i % 2 === 0 ? ['bug'] : ['feature'],
        reactions: i === 7 ? 50 : i % 5,
        comments: Array.from({ length: i % 4 }, (_, c) => `comment ${c}`),
        createdAt: Date.UTC(2026, 0, i),
      });
    }
    // An open PR (number 26) that closes issue 3: its issue must not be picked.
    const checkout = join(home.dir, 'checkout');
    await gitAsync(home.dir, 'clone', '-q', gh.authGitUrl('acme', 'demo'), checkout);
    writeFileSync(join(checkout, 'fix.txt'), 'fix\n');
    await gitAsync(checkout, 'checkout', '-q', '-b', 'fix-3');
    await gitAsync(checkout, 'add', '-A');
    await gitAsync(checkout, 'commit', '-qm', 'fix 3');
    await gitAsync(checkout, 'push', '-q', 'origin', 'fix-3');
    const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    octokit = new Octokit({ auth: gh.token, baseUrl: gh.apiUrl, log: silent });
    await octokit.rest.pulls.create({ owner: 'acme', repo: 'demo', head: 'fix-3', base: 'main', title: 'Fix the third', body: 'Fixes #3' });
    waitOutRateLimits(octokit, { clock, log: quietLog });
    issues = new GitHubIssues(octokit);
  });

  afterEach(async () => {
    await gh.close();
    home.remove();
  });

  it('lists newest first, across pages, without PRs, issues an open PR closes, or busy ones', async () => {
    const top = await issues.top('acme/demo', { limit: 22, order: 'newest', busy: new Set([25]) });
    expect(top.map((i) => i.number)).toEqual([24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 2]);
    expect(top.some((i) => i.number === 26)).toBe(false);
    expect(gh.requests.filter((r) => r.path === '/repos/acme/demo/issues').length).toBeGreaterThanOrEqual(3);
  });

  it('filters by label and orders by comments or reactions', async () => {
    expect((await issues.top('acme/demo', { limit: 3, order: 'newest', label: 'bug' })).map((i) => i.number)).toEqual([24, 22, 20]);
    const byComments = await issues.top('acme/demo', { limit: 4, order: 'comments' });
    expect(byComments.every((i) => i.comments === 3)).toBe(true);
    expect((await issues.top('acme/demo', { limit: 1, order: 'reactions' }))[0]?.number).toBe(7);
  });

  it('reads one issue with its recent comments', async () => {
    const issue = await issues.issue('acme/demo', 23);
    expect(issue).toMatchObject({ number: 23, title: 'Issue 23', labels: ['feature'] });
    expect(issue.comments.map((c) => c.body)).toEqual(['comment 0', 'comment 1', 'comment 2']);
  });

  it('waits out an exhausted rate limit until its reset instead of failing or spinning', async () => {
    const before = clock.now();
    gh.exhaustRateLimit({ status: 403, resetInSeconds: 120 });
    const top = await issues.top('acme/demo', { limit: 2, order: 'newest' });
    expect(top.map((i) => i.number)).toEqual([25, 24]);
    expect(clock.now() - before).toBeGreaterThanOrEqual(120_000);
    const refused = gh.requests.filter((r) => r.status === 403);
    expect(refused.length).toBe(1);
  });

  it('waits out a secondary limit by its retry-after', async () => {
    const before = clock.now();
    gh.exhaustRateLimit({ status: 429, resetInSeconds: 30, secondary: true });
    await issues.top('acme/demo', { limit: 1, order: 'newest' });
    expect(clock.now() - before).toBeGreaterThanOrEqual(30_000);
  });
});
