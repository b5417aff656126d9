// Approve & merge from Slack: real Bolt buttons through the Slack emulator, the real runner, real Octokit against the GitHub emulator.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitAsync } from '../../emulators/support/git.ts';
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
    // The starter (alice) is told once, whoever of the two merged.
    const tada = slack.thread(channel, card.ts).find((m) => m.text?.includes(':tada:'))?.text ?? '';
    expect(tada.match(/<@U0ALICE>/g)).toHaveLength(1);
    expect(JSON.stringify((await slack.person('U0ALICE').slash(channel, '/director', 'audit')).ack)).toMatch(/merged PR/);
  });
});

/** The full message of a commit in the emulator's bare repo. */
async function gitLog(loop: WholeLoop, sha: string): Promise<string> {
  const { execFileSync } = await import('node:child_process');
  const gitDir = join(loop.github.root, 'acme', 'demo.git');
  return execFileSync('git', [`--git-dir=${gitDir}`, 'log', '-1', '--format=%B', sha], { encoding: 'utf8' });
}

describe('Request changes and View diff', () => {
  let loop: WholeLoop;

  beforeEach(async () => {
    loop = await startMergeWorld(['Crash on empty config']);
  });

  afterEach(async () => {
    await loop.close();
  });

  it('Request changes opens a modal whose text the agent’s next turn carries; View diff posts the redacted diff as a file in the thread', async () => {
    const { slack, github, channel } = loop;
    await tasksInReview(loop, [1]);
    const card = cardOf(loop, '#1 ');
    const pull = github.pulls('acme', 'demo')[0];
    if (!card || !pull) throw new Error('no card or PR');

    await slack.person('U0ALICE').click(channel, card.ts, 'merge_request_changes');
    const view = await until(() => slack.views.find((v) => v.user === 'U0ALICE'), 10_000, 'the modal');
    expect(JSON.stringify(view.view)).toContain('What should the agent change?');
    await slack.person('U0ALICE').submitView(view.id, { changes: { text: 'Please rename the flag to --strict-mode' } });
    await until(() => slack.thread(channel, card.ts).some((m) => m.text?.includes('requested changes')), 20_000, 'the request in the thread');
    const head = await until(
      async () => {
        const sha = await github.headSha('acme', 'demo', pull.head.ref);
        return sha !== pull.head.sha ? sha : undefined;
      },
      60_000,
      'the agent’s next turn pushed',
    );
    // The card names the task by its short handle; its buttons carry the task's id.
    const taskId = /"value":"(t[0-9a-f]{10})"/.exec(blocksOf(card))?.[1] ?? '';
    expect(await gitShow(loop, `${head}:work/${taskId}.txt`)).toContain('Please rename the flag to --strict-mode');

    // Someone pushes the runner's own token into the branch: View diff shows it redacted.
    const checkout = join(loop.home, 'checkout');
    await gitAsync(checkout, 'fetch', '-q', 'origin');
    await gitAsync(checkout, 'checkout', '-q', '-B', 'leak', `origin/${pull.head.ref}`);
    writeFileSync(join(checkout, 'leak.txt'), `token=${github.token}\n`);
    await gitAsync(checkout, 'add', 'leak.txt');
    await gitAsync(checkout, '-c', 'user.name=Leaky', '-c', 'user.email=leaky@example.com', 'commit', '-q', '-m', 'leak');
    await gitAsync(checkout, 'push', '-q', github.authGitUrl('acme', 'demo'), `HEAD:refs/heads/${pull.head.ref}`);

    await slack.person('U0BOB').click(channel, card.ts, 'merge_view_diff');
    const posted = await until(() => slack.thread(channel, card.ts).find((m) => (m.files ?? []).length > 0), 30_000, 'the diff file in the thread');
    expect(posted.text).toContain('Diff of PR');
    const file = slack.file(posted.files?.[0]?.id ?? '');
    const text = file?.bytes?.toString('utf8') ?? '';
    expect(file?.name).toMatch(/^pr-\d+\.diff$/);
    expect(text).toContain('+++ b/leak.txt');
    expect(text).toContain('token=[REDACTED]');
    expect(text).not.toContain(github.token);
  });
});

async function gitShow(loop: WholeLoop, spec: string): Promise<string> {
  const { execFileSync } = await import('node:child_process');
  return execFileSync('git', [`--git-dir=${join(loop.github.root, 'acme', 'demo.git')}`, 'show', spec], { encoding: 'utf8' });
}
