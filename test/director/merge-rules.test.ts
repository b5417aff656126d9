// Approve & merge against GitHub's rules: a moved head, merge when green, a failing required check, a missing review.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitAsync } from '../../emulators/support/git.ts';
import { until } from '../../emulators/support/until.ts';
import type { WholeLoop } from '../../emulators/world.ts';
import { blocksOf, cardOf, startMergeWorld, tasksInReview } from './merge-world.ts';

describe('Approve & merge against GitHub’s rules', () => {
  let loop: WholeLoop;

  beforeEach(async () => {
    loop = await startMergeWorld(['Crash on empty config', 'Typo in greeting']);
  });

  afterEach(async () => {
    await loop.close();
  });

  const alice = () => loop.slack.person('U0ALICE');
  const pullOf = (n: number) => loop.github.pulls('acme', 'demo').find((p) => p.title.includes(n === 1 ? 'Crash' : 'Typo'));
  const aliceSaw = (text: string) => loop.slack.ephemerals(loop.channel, 'U0ALICE').some((e) => e.text?.includes(text));

  it('head moved between render and click: nothing merged, the card redrawn with the new head, the clicker told', async () => {
    const { github, channel } = loop;
    await tasksInReview(loop, [1]);
    const card = cardOf(loop, '#1 ');
    const pull = pullOf(1);
    if (!card || !pull) throw new Error('no card or PR');
    // Someone pushes to the PR's branch after the card was drawn.
    const checkout = `${loop.home}/checkout`;
    await gitAsync(checkout, 'fetch', '-q', 'origin');
    await gitAsync(checkout, 'checkout', '-q', '-B', 'late', `origin/${pull.head.ref}`);
    await gitAsync(checkout, '-c', 'user.name=Late', '-c', 'user.email=late@example.com', 'commit', '-q', '--allow-empty', '-m', 'late push');
    await gitAsync(checkout, 'push', '-q', github.authGitUrl('acme', 'demo'), `HEAD:refs/heads/${pull.head.ref}`);
    const moved = (await github.headSha('acme', 'demo', pull.head.ref)) ?? '';

    await alice().click(channel, card.ts, 'merge_approve');
    await until(() => aliceSaw('head moved'), 20_000, 'the clicker told');
    await until(() => blocksOf(cardOf(loop, '#1 ')).includes(`head \`${moved.slice(0, 7)}\``), 20_000, 'the card redrawn with the new head');
    expect(pullOf(1)?.merged).toBe(false);
    expect(blocksOf(cardOf(loop, '#1 '))).toContain(`:${moved}`);
  });

  it('checks running: the click becomes merge when green, merged once the emulator completes the required check', async () => {
    const { github, channel } = loop;
    github.setRuleset('acme', 'demo', 'main', { requiredChecks: ['ci'] });
    await tasksInReview(loop, [1]);
    const pull = pullOf(1);
    if (!pull) throw new Error('no PR');
    github.setCheckRuns('acme', 'demo', pull.head.sha, [{ name: 'ci', status: 'in_progress' }]);
    const card = cardOf(loop, '#1 ');
    if (!card) throw new Error('no card');
    await alice().click(channel, card.ts, 'merge_approve');
    await until(() => blocksOf(cardOf(loop, '#1 ')).includes('Merge when green'), 20_000, 'merge when green on the card');
    expect(blocksOf(cardOf(loop, '#1 '))).toContain(`at \`${pull.head.sha.slice(0, 7)}\``);
    expect(pullOf(1)?.merged).toBe(false);
    github.setCheckRuns('acme', 'demo', pull.head.sha, [{ name: 'ci', status: 'completed', conclusion: 'success' }]);
    await until(() => blocksOf(cardOf(loop, '#1 ')).includes('*Merged*'), 20_000, 'merged once green');
    expect(pullOf(1)?.merged).toBe(true);
  });

  it('a failing required check: the card says which, a click merges nothing; a missing review: the card says so until one arrives', async () => {
    const { github, channel } = loop;
    github.setRuleset('acme', 'demo', 'main', { requiredChecks: ['ci'], requiredApprovals: 1 });
    // The checks are known before the PRs are described: set them as soon as each PR exists.
    await tasksInReviewWithChecks(loop, (sha, n) =>
      github.setCheckRuns('acme', 'demo', sha, [{ name: 'ci', status: 'completed', conclusion: n === 1 ? 'failure' : 'success' }]),
    );
    const failing = cardOf(loop, '#1 ');
    const unreviewed = cardOf(loop, '#2 ');
    if (!failing || !unreviewed) throw new Error('no cards');
    expect(blocksOf(failing)).toContain(':x: failing: ci');
    expect(blocksOf(unreviewed)).toContain('GitHub requires 1 approving review(s), the PR has 0; the runner cannot approve its own PR');

    await alice().click(channel, failing.ts, 'merge_approve');
    await until(() => aliceSaw('Not merged: check failed: ci'), 20_000, 'the refusal for the failing check');
    await alice().click(channel, unreviewed.ts, 'merge_approve');
    await until(() => aliceSaw('requires 1 approving review(s) and the PR has 0'), 20_000, 'the refusal for the missing review');
    await until(() => blocksOf(cardOf(loop, '#2 ')).includes('Not merged: main requires 1 approving review(s)'), 20_000, 'the card says why');
    expect(github.pulls('acme', 'demo').some((p) => p.merged)).toBe(false);

    // A reviewer approves on GitHub: the button works.
    await github.addReview('acme', 'demo', pullOf(2)?.number ?? 0, { state: 'APPROVED', user: 'carol' });
    await alice().click(channel, unreviewed.ts, 'merge_approve');
    await until(() => pullOf(2)?.merged, 20_000, 'merged after the review');
    expect(pullOf(1)?.merged).toBe(false);
  });
});

/** Starts #1 and #2 and sets each PR's checks as soon as it exists, then waits for both review sections. */
async function tasksInReviewWithChecks(loop: WholeLoop, checks: (sha: string, n: number) => void): Promise<void> {
  const seen = new Set<string>();
  const timer = setInterval(() => {
    for (const pull of loop.github.pulls('acme', 'demo')) {
      if (seen.has(pull.head.sha)) continue;
      seen.add(pull.head.sha);
      checks(pull.head.sha, pull.title.includes('Crash') ? 1 : 2);
    }
  }, 5);
  try {
    await tasksInReview(loop, [1, 2]);
  } finally {
    clearInterval(timer);
  }
}
