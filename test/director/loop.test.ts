import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Playbook } from '../../emulators/model/index.ts';
import { until } from '../../emulators/support/until.ts';
import { startWholeLoop, type WholeLoop } from '../../emulators/world.ts';

const fixes = (n: number): Playbook => ({
  turns: [
    {
      steps: [
        { plan: ['Read the code', 'Fix it'] },
        { shell: 'npm test' },
        { writeFile: { path: `src/fix-${n}.js`, content: `export const fix${n} = true;\n` } },
        { message: `Fixed issue ${n}.` },
      ],
    },
    { steps: [{ writeFile: { path: `docs/fix-${n}.md`, content: 'docs\n' } }, { message: 'Added the docs.' }] },
    { steps: [{ writeFile: { path: `docs/fix-${n}-more.md`, content: 'more docs\n' } }, { message: 'Added an example.' }] },
  ],
});

describe('the Director in Slack: the whole loop through the emulators', () => {
  let loop: WholeLoop;

  beforeEach(async () => {
    loop = await startWholeLoop({ issues: ['Crash on empty config', 'Typo in greeting', 'Slow startup'] });
  });

  afterEach(async () => {
    await loop.close();
  });

  const alice = () => loop.slack.person('U0ALICE');
  const cards = () => loop.slack.messages(loop.channel);

  it('fix top 3 issues → 3 task threads, 3 verified draft PRs, a batch card showing 3 ready; two replies steer one task within the thread budget', async () => {
    const { slack, github, model, channel } = loop;
    ['Crash on empty config', 'Typo in greeting', 'Slow startup'].forEach((title, i) => model.script(title, fixes(i + 1)));
    loop.startRunner();
    await until(() => loop.runner?.endpoint.connected, 20_000, 'runner connected');

    expect(JSON.stringify((await alice().slash(channel, '/director', 'init acme/demo --runner laptop')).ack)).toContain('now directs');
    const asked = await alice().slash(channel, '/director', 'fix the top 3 issues');
    expect(asked.ack).toMatchObject({ text: 'Asking the runner for the issues…' });
    await until(() => slack.ephemerals(channel, 'U0ALICE').some((e) => e.text?.includes('Started 3 task(s)')), 30_000, 'the answer');

    await until(
      () => github.pulls('acme', 'demo').length === 3 && cards().filter((m) => m.text?.includes('PR ready for review')).length === 3,
      90_000,
      'three PRs and three cards ready',
    );
    const batch = cards().find((m) => m.text?.startsWith('Fix top 3 issues'));
    await until(
      () =>
        cards()
          .find((m) => m.text?.startsWith('Fix top 3 issues'))
          ?.text?.includes('3 ready for review'),
      20_000,
      'the batch card at 3 ready for review',
    );
    expect(batch).toBeDefined();
    expect(github.pulls('acme', 'demo').every((p) => p.draft && (p.body ?? '').includes('**Verification:** `npm test` passed'))).toBe(true);

    const taskCards = cards().filter((m) => m.text?.includes('PR ready for review'));
    expect(taskCards).toHaveLength(3);
    // Thread posts leave at Slack's ~1/s per channel, so they trail the card edits.
    const botPosts = (ts: string) =>
      slack
        .thread(channel, ts)
        .slice(1)
        .filter((m) => m.user === 'U0BOT');
    await until(() => taskCards.every((card) => botPosts(card.ts).some((p) => p.text?.includes('Ready for review'))), 60_000, 'every thread’s final post');
    for (const card of taskCards) {
      const posts = botPosts(card.ts);
      expect(posts.length, 'thread posts per task').toBeLessThanOrEqual(6);
      expect(posts.some((p) => p.text?.includes('Plan'))).toBe(true);
      expect(posts.some((p) => p.text?.includes('Tests passed'))).toBe(true);
      expect(posts.some((p) => p.text?.includes('Draft PR #'))).toBe(true);
      expect(posts.some((p) => /exec_command|apply_patch|\/bin\/bash/.test(p.text ?? ''))).toBe(false);
    }

    // Steer the first task by replying in its thread.
    const first = taskCards[0];
    if (!first) throw new Error('no card');
    const pullNumber = /pull\/(\d+)/.exec(JSON.stringify(first.blocks))?.[1];
    const pull = github.pulls('acme', 'demo').find((p) => String(p.number) === pullNumber);
    const headBefore = pull?.head.sha;
    // The task awaits review: only an explicit `@director …` re-opens it.
    const reply = await alice().mention(channel, 'Please also add docs for this.', { threadTs: first.ts });
    await until(() => slack.reactions(channel, reply.ts).some((r) => r.name === 'white_check_mark'), 60_000, 'the follow-up picked up');
    expect(slack.reactions(channel, reply.ts).map((r) => r.name)).toEqual(expect.arrayContaining(['eyes', 'white_check_mark']));
    await until(async () => (await github.headSha('acme', 'demo', pull?.head.ref ?? '')) !== headBefore, 60_000, 'a new PR head');
    expect(github.pulls('acme', 'demo')).toHaveLength(3);

    // Each steered cycle posts once (its tests and the PR update in one message): ≤ 6 for the first cycle, ≤ 2 more per steer.
    const firstCycle = botPosts(first.ts).length;
    expect(firstCycle).toBeLessThanOrEqual(6);
    await until(() => botPosts(first.ts).some((p) => p.text?.includes('Ready for review again')), 60_000, 'the first steer’s one post');
    const again = await alice().mention(channel, 'And add an example.', { threadTs: first.ts });
    await until(() => slack.reactions(channel, again.ts).some((r) => r.name === 'white_check_mark'), 60_000, 'the second follow-up picked up');
    await until(() => botPosts(first.ts).filter((p) => p.text?.includes('Ready for review again')).length === 2, 60_000, 'the second steer’s post');
    expect(botPosts(first.ts).length).toBeLessThanOrEqual(firstCycle + 4);
    expect(botPosts(first.ts).filter((p) => p.text?.startsWith('Tests passed')).length, 'a tests post of its own').toBe(1);
    expect(botPosts(first.ts).some((p) => p.text?.startsWith('Draft PR') && p.text.includes('updated'))).toBe(false);
  }, 240_000);
});

describe('the Director in Slack: stopping, refusing and waiting', () => {
  let loop: WholeLoop;

  beforeEach(async () => {
    loop = await startWholeLoop({ issues: ['Hangs forever'] });
    loop.model.script('Hangs forever', { turns: [{ steps: [{ shell: 'sleep 30' }, { message: 'never' }] }] });
    loop.model.script('write the changelog', {
      turns: [{ steps: [{ writeFile: { path: 'CHANGELOG.md', content: '# Changes\n' } }, { message: 'Wrote the changelog.' }] }],
    });
  });

  afterEach(async () => {
    await loop.close();
  });

  const cardOf = (text: string) => loop.slack.messages(loop.channel).find((m) => m.text?.includes(text));

  it('answers an unbound channel with how to bind it, and an unknown command with the closest one', async () => {
    const other = loop.slack.addChannel({ name: 'elsewhere', members: ['U0ALICE'] }).id;
    expect(JSON.stringify((await loop.slack.person('U0ALICE').slash(other, '/director', 'fix top 3 issues')).ack)).toContain('/director init owner/repo');
    const unknown = JSON.stringify((await loop.slack.person('U0ALICE').slash(other, '/director', 'stauts')).ack);
    expect(unknown).toContain('Did you mean `/director status`');
  });

  it('tells the runner’s owner privately why it refused a task (a verify command its project does not name); the thread gets one line', async () => {
    const { slack, channel } = loop;
    loop.startRunner();
    await until(() => loop.runner?.endpoint.connected, 20_000, 'runner connected');
    await slack.person('U0ALICE').slash(channel, '/director', 'init acme/demo --runner laptop --verify nope');
    await slack.person('U0ALICE').slash(channel, '/director', 'do write the changelog');
    await until(() => cardOf('write the changelog')?.text?.includes('failed'), 20_000, 'the refused task failed on its card');
    const card = cardOf('write the changelog');
    if (!card) throw new Error('no card');
    const refusal =
      'Refused by runner laptop: project "demo" has no verify command "nope" (it has: check) — choose one of them, or add it to its verifyCommands';
    // The runner's configuration is its owner's business: the reason goes to them; the channel gets one line.
    await until(() => slack.directMessages('U0ALICE').some((m) => m.text?.includes(refusal)), 20_000, 'the runner’s reason to its owner');
    await until(
      () =>
        slack
          .thread(channel, card.ts)
          .some((m) => m.text === '<@U0ALICE> Failed: runner *laptop* is not set up for this task; its owner, <@U0ALICE>, has been told why.'),
      20_000,
      'one line in the thread',
    );
    expect(JSON.stringify(slack.messages(channel))).not.toContain('verify command');
    expect(loop.runner?.engine.running).toBe(0);
  });

  it('checks `init` against the runner’s projects before it binds', async () => {
    const { slack, channel } = loop;
    loop.startRunner();
    await until(() => loop.runner?.endpoint.connected, 20_000, 'runner connected');
    const refused = JSON.stringify((await slack.person('U0ALICE').slash(channel, '/director', 'init acme/web --runner laptop')).ack);
    expect(refused).toContain('Runner *laptop* has no project `web` (it has: `demo`)');
    expect(JSON.stringify((await slack.person('U0ALICE').slash(channel, '/director', 'do write the changelog')).ack)).toContain('not bound');
    expect(JSON.stringify((await slack.person('U0ALICE').slash(channel, '/director', 'init acme/web --runner laptop --project demo')).ack)).toContain(
      'now directs',
    );
  });

  it('refuses a Stop press by someone else, and stops the task for its starter', async () => {
    const { slack, channel } = loop;
    loop.startRunner();
    await until(() => loop.runner?.endpoint.connected, 20_000, 'runner connected');
    await slack.person('U0ALICE').slash(channel, '/director', 'init acme/demo --runner laptop');
    await slack.person('U0ALICE').slash(channel, '/director', 'fix #1');
    await until(() => cardOf('#1')?.text?.includes('running'), 60_000, 'the task running');
    // The bot knew only the number; the card now carries the issue's title from GitHub.
    await until(() => cardOf('#1 Hangs forever'), 10_000, 'the real title on the card');
    // Asking again does not start a second task for an issue in progress.
    expect(JSON.stringify((await slack.person('U0ALICE').slash(channel, '/director', 'fix #1')).ack)).toContain('Nothing new to start (1 already in progress)');
    const card = cardOf('#1');
    if (!card) throw new Error('no card');

    await slack.person('U0BOB').click(channel, card.ts, 'task_stop');
    await until(() => slack.ephemerals(channel, 'U0BOB').some((e) => e.text?.includes('Only the person who started this task')), 10_000, 'the refusal');
    expect(cardOf('#1')?.text).toContain('running');

    await slack.person('U0ALICE').click(channel, card.ts, 'task_stop');
    await until(() => cardOf('#1')?.text?.includes('stopped'), 30_000, 'the task stopped');
    expect(JSON.stringify(cardOf('#1')?.blocks)).not.toContain('task_stop');

    // Retry runs it again in its worktree; this time the model just answers and the task ends.
    const taskId = /task `([a-z0-9]+)`/.exec(JSON.stringify(cardOf('#1')?.blocks))?.[1] ?? '';
    expect(JSON.stringify((await slack.person('U0ALICE').slash(channel, '/director', `retry ${taskId}`)).ack)).toContain('Retrying');
    await until(() => cardOf('#1')?.text?.includes('finished'), 60_000, 'the retried task finished');
  });

  it('holds tasks over the channel’s concurrency and uses the verification command the channel chose by name', async () => {
    const { slack, channel, github } = loop;
    loop.model.script('first request', { turns: [{ steps: [{ writeFile: { path: 'one.txt', content: '1\n' } }, { message: 'One.' }] }] });
    loop.model.script('second request', { turns: [{ steps: [{ writeFile: { path: 'two.txt', content: '2\n' } }, { message: 'Two.' }] }] });
    loop.startRunner();
    await until(() => loop.runner?.endpoint.connected, 20_000, 'runner connected');
    await slack.person('U0ALICE').slash(channel, '/director', 'init acme/demo --runner laptop --concurrency 1 --verify check');
    await slack.person('U0ALICE').slash(channel, '/director', 'do first request');
    await slack.person('U0ALICE').slash(channel, '/director', 'do second request');
    await until(() => cardOf('second request')?.text?.includes('waiting for a free slot'), 10_000, 'the second task held');
    await until(() => cardOf('second request')?.text?.includes('PR ready for review'), 90_000, 'the second task done after the first');
    expect(cardOf('first request')?.text).toContain('PR ready for review');
    expect(github.pulls('acme', 'demo').every((p) => (p.body ?? '').includes('`node test.js` passed'))).toBe(true);
  });

  it('runs a request with the real claude CLI', async () => {
    const { slack, channel } = loop;
    loop.startRunner();
    await slack.person('U0ALICE').slash(channel, '/director', 'init acme/demo --runner laptop');
    await slack.person('U0ALICE').slash(channel, '/director', 'do write the changelog agent:claude');
    await until(() => cardOf('write the changelog')?.text?.includes('PR ready for review'), 90_000, 'the claude task done');
    expect(JSON.stringify(cardOf('write the changelog')?.blocks)).toContain('agent: claude');
    expect(loop.github.pulls('acme', 'demo')).toHaveLength(1);
  });

  it('shows tasks as waiting while the runner is offline, and runs them when it comes back', async () => {
    const { slack, channel } = loop;
    await slack.person('U0ALICE').slash(channel, '/director', 'init acme/demo --runner laptop');
    expect(JSON.stringify((await slack.person('U0ALICE').slash(channel, '/director', 'do write the changelog')).ack)).toContain('Started 1 task(s)');
    await until(() => cardOf('write the changelog')?.text?.includes('waiting for runner laptop'), 10_000, 'the waiting card');
    loop.startRunner();
    await until(() => cardOf('write the changelog')?.text?.includes('PR ready for review'), 90_000, 'the task done after the runner came back');
    expect(JSON.stringify((await slack.person('U0ALICE').slash(channel, '/director', 'status')).ack)).toContain('PR ready for review');
  });
});
