import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runnerSide } from '../../shared/link/sides.ts';
import type { RunnerToBot } from '../../shared/protocol.ts';
import { startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';
import { startBotAgainst, type BotUnderTest } from '../../emulators/support/bot-harness.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';
import { until } from '../../emulators/support/until.ts';
import { startScriptedRunner, type ScriptedRunner } from '../support/scripted-runner.ts';

/** A task's thread as people use it: who steers, who is told, what a mention in it does. The runner is scripted. */
describe('a task’s thread, as the people in the channel use it', () => {
  let home: ReturnType<typeof tempHome>;
  let slack: SlackEmulator;
  let bot: BotUnderTest;
  let runner: ScriptedRunner<RunnerToBot>;
  let channel: string;

  beforeEach(async () => {
    home = tempHome('director-threads-');
    slack = await startSlackEmulator();
    slack.addUser({ id: 'U0ALICE', name: 'alice' });
    slack.addUser({ id: 'U0BOB', name: 'bob' });
    channel = slack.addChannel({ name: 'demo', members: ['U0ALICE', 'U0BOB'] }).id;
    bot = await startBotAgainst(slack, { mode: 'socket', home: join(home.dir, 'bot') });
    const token = bot.bot.pairLocalRunner('laptop', { user: 'U0ALICE', team: null }).token;
    runner = await startScriptedRunner({ botUrl: `http://127.0.0.1:${bot.bot.port}`, token, name: 'laptop', home: join(home.dir, 'runner'), side: runnerSide });
    await slack.person('U0ALICE').slash(channel, '/director', 'init acme/demo --runner laptop');
  });

  afterEach(async () => {
    await runner.stop();
    await bot.stop();
    await slack.close();
    home.remove();
  });

  const alice = () => slack.person('U0ALICE');
  const bob = () => slack.person('U0BOB');
  const card = (text: string) => slack.messages(channel).find((m) => m.text?.includes(text));
  const update = (taskId: string, state: Extract<RunnerToBot, { type: 'task.update' }>['state'], milestone?: Record<string, unknown>) =>
    runner.send({ type: 'task.update', taskId, state, agent: 'codex', startedAt: Date.now(), ...(milestone && { milestone }) } as RunnerToBot);
  const steers = () => runner.received.filter((f) => f.type === 'task.steer');
  const botPosts = (rootTs: string) =>
    slack
      .thread(channel, rootTs)
      .slice(1)
      .filter((m) => m.user === 'U0BOT');

  /** Alice starts a request; the card shows it running. */
  const running = async (request: string) => {
    const before = runner.received.length;
    await alice().slash(channel, '/director', `do ${request}`);
    const start = await runner.next('task.start', before);
    update(start.taskId, 'running');
    const root = await until(() => (card(request)?.text?.includes('running') ? card(request) : undefined), 10_000, 'the card running');
    return { taskId: start.taskId, root };
  };

  it('passes an instruction to the agent, but not people talking to each other', async () => {
    const { root } = await running('write the changelog');
    const talk = [
      await bob().say(channel, 'hey @bob can you look at this?', { threadTs: root.ts }),
      await bob().say(channel, '<@U0ALICE> thoughts on this one?', { threadTs: root.ts }),
      await bob().say(channel, '<!here> anyone around?', { threadTs: root.ts }),
    ];
    const meant = await alice().say(channel, 'Please also add docs for this.', { threadTs: root.ts });
    await until(() => steers().length === 1, 10_000, 'the instruction sent to the runner');
    await until(() => slack.reactions(channel, meant.ts).some((r) => r.name === 'eyes'), 10_000, 'the 👀 on the instruction');
    expect(steers().map((s) => s.text)).toEqual(['Please also add docs for this.']);
    for (const message of talk) expect(slack.reactions(channel, message.ts)).toEqual([]);
  });

  it('leaves a settled task alone on a plain reply, and re-opens it on `@director continue`', async () => {
    const { taskId, root } = await running('write the changelog');
    update(taskId, 'failed', { kind: 'failed', reason: 'the tests still fail', text: 'Failed: the tests still fail', post: true });
    await until(() => card('write the changelog')?.text?.includes('failed'), 10_000, 'the card failed');
    const plain = await alice().say(channel, 'that is a pity, try the other approach', { threadTs: root.ts });
    const explicit = await alice().mention(channel, 'continue with the other approach', { threadTs: root.ts });
    await until(() => steers().length === 1, 10_000, 'the explicit instruction sent');
    expect(steers()[0]).toMatchObject({ taskId, text: 'with the other approach', author: 'U0ALICE' });
    await until(() => slack.reactions(channel, explicit.ts).some((r) => r.name === 'eyes'), 10_000, 'the 👀 on the explicit one');
    expect(slack.reactions(channel, plain.ts)).toEqual([]);
    // The settled card offers Retry and Status instead of Stop.
    const blocks = JSON.stringify(card('write the changelog')?.blocks);
    expect(blocks).toContain('task_retry');
    expect(blocks).toContain('task_status');
    expect(blocks).not.toContain('task_stop');
  });

  it('acts on the thread’s own task for `@director stop`, `retry`, `restart` and `status`', async () => {
    const { taskId, root } = await running('write the changelog');
    await alice().mention(channel, 'stop', { threadTs: root.ts });
    expect((await runner.next('task.stop')).taskId).toBe(taskId);
    await until(() => botPosts(root.ts).some((p) => p.text?.includes('Stopping 1 task(s)')), 10_000, 'the answer in the thread');
    update(taskId, 'cancelled', { kind: 'cancelled', text: 'Stopped', post: true });
    await until(() => card('write the changelog')?.text?.includes('stopped'), 10_000, 'the card stopped');
    await alice().mention(channel, 'retry', { threadTs: root.ts });
    expect((await runner.next('task.retry')).taskId).toBe(taskId);
    await alice().mention(channel, 'restart', { threadTs: root.ts });
    expect((await runner.next('task.restart')).taskId).toBe(taskId);
    await alice().mention(channel, 'status', { threadTs: root.ts });
    expect((await runner.next('task.ask')).taskId).toBe(taskId);
    expect(slack.messages(channel).some((m) => m.text?.includes('usage'))).toBe(false);
  });

  it('the Stop button asks for confirmation; Continue on a card awaiting review re-opens the task', async () => {
    const { taskId } = await running('write the changelog');
    const stop = JSON.stringify(card('write the changelog')?.blocks);
    expect(stop).toContain('"confirm"');
    expect(stop).toContain('Stop this task?');
    update(taskId, 'awaiting_review', { kind: 'finished', text: 'Ready for review: draft PR #1 passed its tests', post: true });
    await until(() => card('write the changelog')?.text?.includes('PR ready for review'), 10_000, 'the card ready');
    const root = card('write the changelog');
    if (!root) throw new Error('no card');
    await alice().click(channel, root.ts, 'task_continue');
    await until(() => steers().length === 1, 10_000, 'the Continue sent');
    expect(steers()[0]).toMatchObject({ taskId, author: 'U0ALICE' });
  });

  it('mentions the starter once each on a question, a PR ready for review and a failure, and nobody else', async () => {
    const first = await running('write the changelog');
    const posted = (m: Record<string, unknown>) => update(first.taskId, 'running', m);
    posted({ kind: 'plan', steps: [{ text: 'Read', done: false }], text: 'Plan: 1 step(s)', detail: '☐ Read', post: true });
    posted({ kind: 'question', question: 'Which format, <@U0BOB>?', text: 'Question: Which format, <@U0BOB>?', post: true });
    update(first.taskId, 'verifying', {
      kind: 'verification',
      outcome: 'passed',
      command: 'npm test',
      failing: [],
      text: 'Tests passed: `npm test`',
      post: true,
    });
    update(first.taskId, 'publishing', {
      kind: 'pr',
      number: 1,
      url: 'https://github.com/acme/demo/pull/1',
      updated: false,
      text: 'Draft PR #1 opened',
      post: true,
    });
    update(first.taskId, 'awaiting_review', { kind: 'finished', text: 'Ready for review: draft PR #1 passed its tests', post: true });
    await until(() => botPosts(first.root.ts).length === 5, 20_000, 'five posts in the first thread');

    const second = await running('tidy the config');
    update(second.taskId, 'failed', {
      kind: 'failed',
      reason: 'the agent exited with code 3',
      text: 'Failed: the agent exited with code 3',
      detail: 'boom',
      post: true,
    });
    await until(() => botPosts(second.root.ts).length === 1, 20_000, 'the failure posted');

    const mentioning = [...botPosts(first.root.ts), ...botPosts(second.root.ts)].filter((p) => /<[@!]/.test(p.text ?? ''));
    expect(mentioning.map((p) => p.text?.split(' ')[0])).toEqual(['<@U0ALICE>', '<@U0ALICE>', '<@U0ALICE>']);
    expect(mentioning.map((p) => p.text)).toEqual([
      expect.stringContaining('Question: Which format'),
      expect.stringContaining('Ready for review'),
      expect.stringContaining('Failed: the agent exited with code 3'),
    ]);
    // The agent's words cannot mention anyone.
    expect(mentioning.every((p) => (p.text?.match(/<@/g) ?? []).length === 1)).toBe(true);
  });
});

describe('a task’s card and its status, as people read them', () => {
  let home: ReturnType<typeof tempHome>;
  let slack: SlackEmulator;
  let bot: BotUnderTest;
  let runner: ScriptedRunner<RunnerToBot>;
  let channel: string;

  beforeEach(async () => {
    home = tempHome('director-cards-');
    slack = await startSlackEmulator();
    slack.addUser({ id: 'U0ALICE', name: 'alice' });
    channel = slack.addChannel({ name: 'demo', members: ['U0ALICE'] }).id;
    bot = await startBotAgainst(slack, { mode: 'socket', home: join(home.dir, 'bot') });
    const token = bot.bot.pairLocalRunner('laptop', { user: 'U0ALICE', team: null }).token;
    runner = await startScriptedRunner({ botUrl: `http://127.0.0.1:${bot.bot.port}`, token, name: 'laptop', home: join(home.dir, 'runner'), side: runnerSide });
    await slack.person('U0ALICE').slash(channel, '/director', 'init acme/demo --runner laptop');
  });

  afterEach(async () => {
    await runner.stop();
    await bot.stop();
    await slack.close();
    home.remove();
  });

  const alice = () => slack.person('U0ALICE');
  const card = (text: string) => slack.messages(channel).find((m) => m.text?.includes(text));
  const ack = async (text: string) => JSON.stringify((await alice().slash(channel, '/director', text)).ack);

  it('names tasks t1, t2 … everywhere ids are taken, and old ids keep working', async () => {
    expect(await ack('do write the changelog')).toContain('Started 1 task(s): `t1`');
    const first = await runner.next('task.start');
    expect(await ack('do tidy the config')).toContain('`t2`');
    const second = await runner.next('task.start', runner.received.indexOf(first) + 1);
    await until(() => JSON.stringify(card('tidy the config')?.blocks ?? '').includes('task `t2`'), 10_000, 'the handle on the card');
    expect(await ack('stop t2')).toContain('Stopping 1 task(s).');
    expect((await runner.next('task.stop')).taskId).toBe(second.taskId);
    // The id a card showed before handles existed still works.
    expect(await ack(`stop ${first.taskId}`)).toContain('Stopping 1 task(s).');
    expect(await ack('status')).toMatch(/`t1` write the changelog — queued.*`t2` tidy the config — queued/s);
    expect(await ack('retry t9')).toContain('No task `t9` in this channel');
  });

  it('ticks the plan’s steps on the card as the agent’s todo list changes', async () => {
    await alice().slash(channel, '/director', 'do write the changelog');
    const { taskId } = await runner.next('task.start');
    const plan = (done: boolean[]) => ({
      kind: 'plan',
      steps: ['Read the log', 'Write the entry'].map((text, i) => ({ text, done: done[i] ?? false })),
      text: 'Plan: 2 step(s)',
      post: false,
    });
    runner.send({ type: 'task.update', taskId, state: 'running', agent: 'codex', milestone: plan([false, false]) } as RunnerToBot);
    await until(() => JSON.stringify(card('write the changelog')?.blocks ?? '').includes(':white_square: Read the log'), 10_000, 'the plan on the card');
    runner.send({ type: 'task.update', taskId, state: 'running', agent: 'codex', milestone: plan([true, true]) } as RunnerToBot);
    await until(
      () => JSON.stringify(card('write the changelog')?.blocks ?? '').includes(':ballot_box_with_check: Write the entry'),
      10_000,
      'the steps ticked',
    );
    expect(JSON.stringify(card('write the changelog')?.blocks)).toContain(':ballot_box_with_check: Read the log');
  });

  it('answers `status?` in a few readable lines, with the whole summary behind More', async () => {
    await alice().slash(channel, '/director', 'do write the changelog');
    const { taskId } = await runner.next('task.start');
    runner.send({ type: 'task.update', taskId, state: 'awaiting_review', agent: 'codex', prUrl: 'https://github.com/acme/demo/pull/4' });
    const root = await until(() => (card('write the changelog')?.text?.includes('ready') ? card('write the changelog') : undefined), 10_000, 'the card');
    await alice().say(channel, 'status?', { threadTs: root.ts });
    const ask = await runner.next('task.ask');
    const summary = [
      '## Task',
      'write the changelog — awaiting_review',
      '## Open questions',
      '- Which version number?',
      '## Last verification',
      '`npm test` passed (3 passed)',
      '## Files touched',
      '1 file(s): CHANGELOG.md',
      '## Where it stands',
      'The agent wrote the entry.',
    ].join('\n');
    runner.send({ type: 'task.summary', requestId: ask.requestId, taskId, summary });
    const answer = await until(() => slack.thread(channel, root.ts).find((m) => m.text?.includes('Last tests')), 10_000, 'the answer');
    expect(answer.text).toContain('PR ready for review');
    expect(answer.text).toContain('*Changed:* 1 file(s): CHANGELOG.md');
    expect(answer.text).toContain('*Last tests:* `npm test` passed (3 passed)');
    expect(answer.text).toContain('*Open question:* Which version number?');
    expect(answer.text).not.toMatch(/##|awaiting_review|```/);
    expect(answer.text?.split('\n').length).toBeLessThanOrEqual(8);

    await alice().click(channel, answer.ts, 'task_status_more');
    const more = await runner.next('task.ask', runner.received.indexOf(ask) + 1);
    runner.send({ type: 'task.summary', requestId: more.requestId, taskId, summary });
    const full = await until(() => slack.ephemerals(channel, 'U0ALICE').find((e) => e.text?.includes('Where it stands')), 10_000, 'the whole summary');
    expect(full.text).toContain('*Where it stands*');
    expect(full.text).toContain('The agent wrote the entry.');
    expect(full.text).not.toContain('##');
  });
});
