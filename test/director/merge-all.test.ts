// Merge all ready on a batch card: one click, each PR pinned to its shown head, merged one at a time; siblings behind a strict rule are updated.
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { until } from '../../emulators/support/until.ts';
import type { WholeLoop } from '../../emulators/world.ts';
import { blocksOf, startMergeWorld } from './merge-world.ts';

describe('Merge all ready', () => {
  let loop: WholeLoop;

  beforeEach(async () => {
    loop = await startMergeWorld(['Crash on empty config', 'Typo in greeting', 'Slow startup']);
  });

  afterEach(async () => {
    await loop.close();
  });

  it('merges three sibling PRs with one click under a strict rule: the ones left behind are updated, then merged; the batch card counts them', async () => {
    const { slack, github, channel } = loop;
    github.setRuleset('acme', 'demo', 'main', { strict: true, requiredChecks: ['ci'] });
    // CI passes on every head it sees, updated branches included.
    const seen = new Set<string>();
    const ci = setInterval(() => {
      for (const sha of github
        .pulls('acme', 'demo')
        .map((p) => p.head.sha)
        .filter((s) => !seen.has(s))) {
        seen.add(sha);
        github.setCheckRuns('acme', 'demo', sha, [{ name: 'ci', status: 'completed', conclusion: 'success' }]);
      }
    }, 20);
    onTestFinished(() => clearInterval(ci));
    loop.startRunner();
    await until(() => loop.runner?.endpoint.connected, 20_000, 'runner connected');
    await slack.person('U0ALICE').slash(channel, '/director', 'init acme/demo --runner laptop --agent release');
    await slack.person('U0ALICE').slash(channel, '/director', 'fix top 3 issues');
    const batch = () => slack.messages(channel).find((m) => m.text?.startsWith('Fix top 3 issues'));
    await until(() => blocksOf(batch()).includes('Merge all ready (3)'), 90_000, 'Merge all ready (3) on the batch card');

    // A member may not.
    const card = batch();
    if (!card) throw new Error('no batch card');
    await slack.person('U0BOB').click(channel, card.ts, 'merge_all_ready');
    await until(() => slack.ephemerals(channel, 'U0BOB').some((e) => e.text?.startsWith('Only <@U0ALICE> may merge')), 10_000, 'the refusal');

    const shown = github.pulls('acme', 'demo').map((p) => p.head.sha);
    await slack.person('U0ALICE').click(channel, card.ts, 'merge_all_ready');
    await until(() => github.pulls('acme', 'demo').every((p) => p.merged), 60_000, 'all three merged');
    await until(() => blocksOf(batch()).includes('Merged 3 of 3'), 20_000, 'the batch card counts them');
    expect(blocksOf(batch())).not.toContain('merge_all_ready');
    // The first merged at the head shown; the others were behind, so GitHub updated them before they merged.
    const heads = github.pulls('acme', 'demo').map((p) => p.head.sha);
    expect(heads.filter((sha) => shown.includes(sha))).toHaveLength(1);
    expect(github.issues('acme', 'demo').every((i) => i.state === 'closed')).toBe(true);
  }, 180_000);
});

describe('Merge all ready with a sibling conflict', () => {
  let loop: WholeLoop;

  beforeEach(async () => {
    loop = await startMergeWorld(['Crash SHARED one', 'Typo in greeting', 'Slow SHARED three']);
  });

  afterEach(async () => {
    await loop.close();
  });

  it('a merge makes a sibling conflict: its agent (a command agent) resolves it, it verifies, returns to ready and merges', async () => {
    const { slack, github, channel } = loop;
    loop.startRunner();
    await until(() => loop.runner?.endpoint.connected, 20_000, 'runner connected');
    await slack.person('U0ALICE').slash(channel, '/director', 'init acme/demo --runner laptop --agent release');
    await slack.person('U0ALICE').slash(channel, '/director', 'fix top 3 issues');
    const batch = () => slack.messages(channel).find((m) => m.text?.startsWith('Fix top 3 issues'));
    await until(() => blocksOf(batch()).includes('Merge all ready (3)'), 90_000, 'Merge all ready (3)');
    await slack.person('U0ALICE').click(channel, batch()?.ts ?? '', 'merge_all_ready');

    // Two merge; the SHARED sibling left conflicting gets a turn from the runner, is verified and published again.
    await until(() => github.pulls('acme', 'demo').filter((p) => p.merged).length === 2, 60_000, 'two merged');
    const conflicted = () => github.pulls('acme', 'demo').find((p) => !p.merged);
    const stale = conflicted()?.head.sha;
    await until(async () => (await github.headSha('acme', 'demo', conflicted()?.head.ref ?? '')) !== stale, 90_000, 'the resolution pushed');
    await until(() => blocksOf(batch()).includes('Merge all ready (1)'), 90_000, 'the sibling back to ready');
    await slack.person('U0ALICE').click(channel, batch()?.ts ?? '', 'merge_all_ready');
    await until(() => github.pulls('acme', 'demo').every((p) => p.merged), 60_000, 'all three merged');
    await until(() => blocksOf(batch()).includes('Merged 3 of 3'), 20_000, 'the batch card counts them');
    // Both sides of the conflict survive on main.
    const { execFileSync } = await import('node:child_process');
    const shared = execFileSync('git', [`--git-dir=${github.root}/acme/demo.git`, 'show', 'main:src/shared.txt'], { encoding: 'utf8' });
    expect(shared.match(/shared line from/g)).toHaveLength(2);
    expect(shared).not.toContain('<<<<<<<');
  }, 180_000);
});
