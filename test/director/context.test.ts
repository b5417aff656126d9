import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TaskStore } from '../../runner/tasks/store.ts';
import { until } from '../../emulators/support/until.ts';
import { startWholeLoop, type WholeLoop } from '../../emulators/world.ts';

const fail = (): never => {
  throw new Error('the runner is not running');
};
const DECISION = 'I decided to serve the health check at /healthz because the load balancer already probes that path.';
const INSTRUCTION = 'Please keep the old parse() API as a thin wrapper for one release.';

describe('thread context in Slack: status from the summary, restart, project memory', () => {
  let loop: WholeLoop;

  beforeEach(async () => {
    loop = await startWholeLoop({ issues: [] });
  });

  afterEach(async () => {
    await loop.close();
  });

  const alice = () => loop.slack.person('U0ALICE');
  const cardOf = (text: string) => loop.slack.messages(loop.channel).find((m) => m.text?.includes(text));
  const taskIdOf = (text: string) => /task `([a-z0-9]+)`/.exec(JSON.stringify(cardOf(text)?.blocks))?.[1] ?? '';
  const ack = async (text: string) => JSON.stringify((await alice().slash(loop.channel, '/director', text)).ack);

  async function bound(): Promise<void> {
    loop.startRunner();
    await until(() => loop.runner?.endpoint.connected, 20_000, 'runner connected');
    expect(await ack('init acme/demo --runner laptop')).toContain('now directs');
  }

  it('answers `status?` in a thread from the summary, and restarts a task in a fresh session seeded with it', async () => {
    const { slack, model, channel } = loop;
    model.script('refactor the parser', {
      turns: [
        {
          steps: [
            { writeFile: { path: 'src/parser.js', content: 'export const parse = (s) => s.split(",");\n' } },
            { message: `Rewrote the parser. ${DECISION}` },
          ],
        },
        { steps: [{ writeFile: { path: 'src/legacy.js', content: 'export { parse } from "./parser.js";\n' } }, { message: 'Kept the old API as a wrapper.' }] },
      ],
    });
    // The fresh session after the restart: its prompt carries the summary.
    model.script('Summary of the task so far', {
      turns: [
        { steps: [{ writeFile: { path: 'src/after-restart.js', content: 'export const fresh = true;\n' } }, { message: 'Continued from the summary.' }] },
      ],
    });
    await bound();
    await ack('do refactor the parser');
    await until(() => cardOf('refactor the parser')?.text?.includes('PR ready for review'), 90_000, 'the first turn published');
    const card = cardOf('refactor the parser');
    if (!card) throw new Error('no card');
    const taskId = taskIdOf('refactor the parser');

    // The task awaits review: `@director …` in its thread re-opens it (a plain reply would not).
    const steer = await alice().mention(channel, INSTRUCTION, { threadTs: card.ts });
    await until(() => slack.reactions(channel, steer.ts).some((r) => r.name === 'white_check_mark'), 60_000, 'the instruction picked up');
    await until(
      () => model.conversation('refactor the parser').some((r) => r.humanMessages.some((m) => m.includes(INSTRUCTION))),
      60_000,
      'the agent got the instruction',
    );
    await until(
      () => slack.thread(channel, card.ts).some((m) => m.user === 'U0BOT' && m.text?.includes('Draft PR #1 updated')),
      90_000,
      'the second turn published',
    );

    // "status?" is answered in the thread from the runner's summary, in a few lines; the agent never sees it.
    const question = await alice().say(channel, 'status?', { threadTs: card.ts });
    const answerIn = () => slack.thread(channel, card.ts).find((m) => m.user === 'U0BOT' && JSON.stringify(m.blocks ?? []).includes('task_status_more'));
    const answer = await until(answerIn, 30_000, 'the status answer in the thread');
    expect(answer.text).toContain('src/parser.js');
    expect(answer.text).toContain('draft pull request');
    expect(slack.reactions(channel, question.ts)).toHaveLength(0);
    expect(model.requests.some((r) => r.humanMessages.some((m) => m.trim() === 'status?'))).toBe(false);
    // More: the whole summary, instructions and decisions verbatim, for the one who asked.
    await alice().click(channel, answer.ts, 'task_status_more');
    await until(
      () => slack.ephemerals(channel, 'U0ALICE').some((e) => e.text?.includes(INSTRUCTION) && e.text.includes(DECISION)),
      30_000,
      'the whole summary',
    );

    // The short answer from the slash command, for the asker only (by the card's handle).
    await alice().slash(channel, '/director', `status ${taskId}`);
    await until(() => slack.ephemerals(channel, 'U0ALICE').filter((e) => e.text?.includes('*Changed:*')).length === 1, 30_000, 'the ephemeral status');

    // Restart: a fresh session in the same worktree whose first request carries the summary.
    const runnerId = z
      .object({ id: z.string() })
      .parse((loop.runner?.db ?? fail()).prepare('SELECT id FROM tasks WHERE title = ?').get('refactor the parser')).id;
    const task = new TaskStore(loop.runner?.db ?? fail()).require(runnerId);
    const headBeforeRestart = await loop.github.headSha('acme', 'demo', task.branch ?? '');
    const bob = slack.person('U0BOB');
    expect(JSON.stringify((await bob.slash(channel, '/director', `restart ${taskId}`)).ack)).toContain('Only the person who started this task');
    expect(await ack(`restart ${taskId}`)).toContain('Restarting');
    await until(() => model.conversation('Summary of the task so far').length > 0, 60_000, 'the fresh session');
    const first = model.conversation('Summary of the task so far')[0];
    const prompt = first?.humanMessages[0] ?? '';
    expect(prompt).toContain(INSTRUCTION);
    expect(prompt).toContain(DECISION);
    expect(prompt).toContain('src/legacy.js');
    await until(
      () => slack.thread(channel, card.ts).some((m) => m.user === 'U0BOT' && m.text?.includes('Restarted in a fresh session')),
      30_000,
      'the restart posted',
    );
    // Same worktree and branch: the earlier files are there, and the fresh session's work is pushed to the same PR.
    await until(() => existsSync(join(task.worktree ?? '', 'src/after-restart.js')), 60_000, 'the fresh session’s file in the worktree');
    for (const file of ['src/parser.js', 'src/legacy.js']) expect(existsSync(join(task.worktree ?? '', file))).toBe(true);
    await until(async () => (await loop.github.headSha('acme', 'demo', task.branch ?? '')) !== headBeforeRestart, 60_000, 'the PR updated');
    expect(loop.github.pulls('acme', 'demo')).toHaveLength(1);
  });

  it('keeps a digest of each finished task in the channel’s memory, feeds it to the next task, and lets people edit it', async () => {
    const { model } = loop;
    model.script('add a health endpoint', {
      turns: [
        {
          steps: [
            { writeFile: { path: 'src/health.js', content: 'export const health = () => "ok";\n' } },
            { message: `Added the endpoint. ${DECISION}\nPing <!channel> when merged. \`\`\` done` },
          ],
        },
      ],
    });
    model.script('document the health endpoint', {
      turns: [{ steps: [{ writeFile: { path: 'docs/health.md', content: '# Health\n' } }, { message: 'Documented it.' }] }],
    });
    await bound();
    expect(await ack('memory')).toContain('project memory is empty');

    await ack('do add a health endpoint');
    await until(() => cardOf('add a health endpoint')?.text?.includes('PR ready for review'), 90_000, 'the first task done');
    await until(async () => (await ack('memory')).includes('/healthz'), 20_000, 'the digest in memory');
    // The agent's words reach the thread, but never as a channel-wide mention.
    const card = cardOf('add a health endpoint');
    await until(() => loop.slack.thread(loop.channel, card?.ts ?? '').some((m) => m.text?.includes('Ping')), 30_000, 'the final post');
    const posts = loop.slack
      .thread(loop.channel, card?.ts ?? '')
      .filter((m) => m.user === 'U0BOT')
      .map((m) => m.text ?? '');
    expect(posts.join('\n')).toContain('Ping &lt;!channel&gt; when merged.');
    expect(posts.join('\n')).not.toContain('<!channel>');
    expect(await ack('memory')).not.toContain('<!channel>');
    const memory = await ack('memory');
    expect(memory).toContain('1. :white_check_mark: add a health endpoint');
    expect(memory).toContain('src/health.js');

    expect(await ack('remember Releases are cut from the stable branch, never from main.')).toContain('Remembered, as entry 2');
    expect(await ack('remember')).toContain('usage: `remember <fact>`');
    expect(await ack('memory')).toContain('2. :pushpin: Releases are cut from the stable branch, never from main.');

    await ack('do document the health endpoint');
    await until(() => model.conversation('document the health endpoint').length > 0, 60_000, 'the second task’s agent');
    const prompt = model.conversation('document the health endpoint')[0]?.humanMessages[0] ?? '';
    expect(prompt).toContain('What the team learned in earlier tasks');
    expect(prompt).toContain('Releases are cut from the stable branch, never from main.');
    expect(prompt).toContain('/healthz');

    // Bob neither added the fact nor started a task here; with alice as maintainer he may not remove it.
    expect(await ack('init acme/demo --runner laptop --maintainers <@U0ALICE>')).toContain('now directs');
    expect(JSON.stringify((await loop.slack.person('U0BOB').slash(loop.channel, '/director', 'forget 2')).ack)).toContain('Entry 2 stays');
    expect(await ack('forget 2')).toContain('Forgot entry 2');
    expect(await ack('forget 9')).toContain('There is no entry 9');
    const after = await ack('memory');
    expect(after).not.toContain('Releases are cut');
    expect(after).toContain('/healthz');
  });
});
