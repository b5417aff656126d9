// Approve & merge from Slack: real Bolt buttons through the Slack emulator, the real runner, real Octokit against the GitHub emulator.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../../emulators/support/until.ts';
import type { WholeLoop } from '../../emulators/world.ts';
import { blocksOf, cardOf, startMergeWorld, tasksInReview } from './merge-world.ts';

describe('Approve & merge', () => {
  let loop: WholeLoop;

  beforeEach(async () => {
    loop = await startMergeWorld(['Crash on empty config', 'Typo in greeting']);
  });

  afterEach(async () => {
    await loop.close();
  });

  const worktrees = () => {
    const dir = join(loop.home, 'runner', 'worktrees', 'demo');
    return existsSync(dir) ? readdirSync(dir) : [];
  };

  it('shows the diff at a glance; refuses a non-merger saying who may; two clicks at once merge once; the card, thread, issue, branch and worktree follow', async () => {
    const { slack, github, channel } = loop;
    await tasksInReview(loop, [1]);
    const card = cardOf(loop, '#1 ');
    if (!card) throw new Error('no card');
    const pull = github.pulls('acme', 'demo')[0];
    expect(pull?.draft).toBe(true);
    const blocks = blocksOf(card);
    expect(blocks).toMatch(/1 file changed · \+\d+ −0/);
    expect(blocks).toContain('checks ✅ 0 · ⏳ 0 · ❌ 0');
    expect(blocks).toContain(`head \`${pull?.head.sha.slice(0, 7)}\``);
    expect(blocks).toContain('Request changes');
    expect(blocks).toContain('View diff');

    // Bob is a member, not a maintainer: refused, told who may.
    await slack.person('U0BOB').click(channel, card.ts, 'merge_approve');
    await until(() => slack.ephemerals(channel, 'U0BOB').find((e) => e.text?.includes('may merge')), 10_000, 'the refusal');
    expect(slack.ephemerals(channel, 'U0BOB').at(-1)?.text).toBe(
      'Only <@U0ALICE> may merge in this channel (`/director init … --mergers @a,@b` changes that).',
    );

    // Alice names Bob a merger too; both click at once.
    await slack.person('U0ALICE').slash(channel, '/director', 'init acme/demo --runner laptop --agent release --mergers <@U0ALICE>,<@U0BOB>');
    await Promise.all([slack.person('U0ALICE').click(channel, card.ts, 'merge_approve'), slack.person('U0BOB').click(channel, card.ts, 'merge_approve')]);
    await until(() => blocksOf(cardOf(loop, '#1 ')).includes('Merged'), 30_000, 'the card shows the merge');
    const ephemerals = [...slack.ephemerals(channel, 'U0ALICE'), ...slack.ephemerals(channel, 'U0BOB')].map((e) => e.text ?? '');
    expect(ephemerals.filter((t) => /^Already (being )?merged by <@U0(ALICE|BOB)>/.test(t))).toHaveLength(1);

    const merged = github.pulls('acme', 'demo')[0];
    expect(merged).toMatchObject({ merged: true, draft: false, state: 'closed' });
    expect(blocksOf(cardOf(loop, '#1 '))).toContain(`at \`${merged?.mergeCommitSha?.slice(0, 7)}\``);
    expect(blocksOf(cardOf(loop, '#1 '))).not.toContain('merge_approve');
    const main = await github.headSha('acme', 'demo', 'main');
    expect(main).toBe(merged?.mergeCommitSha);
    const message = await gitLog(loop, main ?? '');
    expect(message).toContain('Closes #1');
    expect(message).toMatch(/Approved in Slack by (alice|bob)\./);
    expect(github.issues('acme', 'demo').find((i) => i.number === 1)?.state).toBe('closed');
    await until(async () => (await github.headSha('acme', 'demo', `refs/heads/${merged?.head.ref ?? ''}`)) === undefined, 10_000, 'the branch deleted');
    await until(() => worktrees().length === 0, 10_000, 'the worktree removed');
    await until(() => slack.thread(channel, card.ts).some((m) => m.text?.includes(':tada:')), 20_000, 'the thread post');
    expect(slack.thread(channel, card.ts).filter((m) => m.text?.includes(':tada:'))).toHaveLength(1);
    expect(JSON.stringify((await slack.person('U0ALICE').slash(channel, '/director', 'audit')).ack)).toMatch(/merged PR/);
  });
});

/** The full message of a commit in the emulator's bare repo. */
async function gitLog(loop: WholeLoop, sha: string): Promise<string> {
  const { execFileSync } = await import('node:child_process');
  const gitDir = join(loop.github.root, 'acme', 'demo.git');
  return execFileSync('git', [`--git-dir=${gitDir}`, 'log', '-1', '--format=%B', sha], { encoding: 'utf8' });
}
