import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { frameSchema } from '../../shared/link/decode.ts';
import type { LinkSide } from '../../shared/link/endpoint.ts';
import { runnerSide } from '../../shared/link/sides.ts';
import { botToRunnerSchema, type BotToRunner } from '../../shared/protocol.ts';
import { startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';
import { startBotAgainst, type BotUnderTest } from '../../emulators/support/bot-harness.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';
import { until } from '../../emulators/support/until.ts';
import { startScriptedRunner, type ScriptedRunner } from '../support/scripted-runner.ts';

/** A runner build from the future: its task.update may carry milestone kinds and fields this bot has never seen. */
const newerRunnerSide: LinkSide<Record<string, unknown>, BotToRunner> = {
  sends: z.looseObject({ type: z.string() }),
  receives: frameSchema(botToRunnerSchema),
};

describe('the bot and a runner it did not build: frames the test writes', () => {
  let home: ReturnType<typeof tempHome>;
  let slack: SlackEmulator;
  let bot: BotUnderTest;
  let channel: string;
  let token: string;
  const stops: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    home = tempHome('director-frames-');
    slack = await startSlackEmulator();
    slack.addUser({ id: 'U0ALICE', name: 'alice' });
    slack.addUser({ id: 'U0MALLORY', name: 'mallory' });
    channel = slack.addChannel({ name: 'demo', members: ['U0ALICE'] }).id;
    bot = await startBotAgainst(slack, { mode: 'socket', home: join(home.dir, 'bot') });
    token = bot.bot.pairLocalRunner('laptop', { user: 'U0ALICE', team: null }).token;
  });

  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    await bot.stop();
    await slack.close();
    home.remove();
  });

  const alice = () => slack.person('U0ALICE');
  const runner = async <Out>(side: LinkSide<Out, BotToRunner>): Promise<ScriptedRunner<Out>> => {
    const started = await startScriptedRunner({ botUrl: `http://127.0.0.1:${bot.bot.port}`, token, name: 'laptop', home: join(home.dir, 'runner'), side });
    stops.push(() => started.stop());
    return started;
  };
  const card = (text: string) => slack.messages(channel).find((m) => m.text?.includes(text));
  /** Binds the channel to the scripted runner, asks for a task, and waits for its start frame. */
  const startTask = async <Out>(scripted: ScriptedRunner<Out>, request = 'write the changelog') => {
    await alice().slash(channel, '/director', 'init acme/demo --runner laptop');
    await alice().slash(channel, '/director', `do ${request}`);
    return scripted.next('task.start');
  };

  it('applies a newer runner’s update: an unknown milestone kind is shown by its text, unknown fields are ignored', async () => {
    const newer = await runner(newerRunnerSide);
    const start = await startTask(newer);

    newer.send({
      type: 'task.update',
      taskId: start.taskId,
      state: 'running',
      agent: 'codex',
      startedAt: Date.now(),
      milestone: { kind: 'merge_queued', queuePosition: 3, text: 'Queued for merge behind 2 PRs', detail: 'position 3 of 3', post: true },
      cost: { usd: 0.42 },
    });

    await until(() => card('write the changelog')?.text?.includes('running'), 10_000, 'the card showing the state change');
    expect(JSON.stringify(card('write the changelog')?.blocks)).toContain('Queued for merge behind 2 PRs');
    expect(JSON.stringify(card('write the changelog')?.blocks)).not.toContain('unsandboxed');
    const root = card('write the changelog');
    if (!root) throw new Error('no card');
    await until(
      () => slack.thread(channel, root.ts).some((m) => m.text?.includes('Queued for merge behind 2 PRs')),
      10_000,
      'the milestone posted in the thread',
    );
    expect(slack.thread(channel, root.ts).find((m) => m.text?.includes('Queued for merge'))?.text).toContain('position 3 of 3');
  });

  it('refuses a known milestone kind with a broken shape, and still takes the next update', async () => {
    const newer = await runner(newerRunnerSide);
    const start = await startTask(newer);
    const update = { type: 'task.update', taskId: start.taskId, agent: 'codex', startedAt: Date.now() };

    newer.send({ ...update, state: 'verifying', milestone: { kind: 'pr', text: 'Draft PR', post: true } });
    newer.send({ ...update, state: 'running', milestone: { kind: 'progress', text: 'still going', post: false } });

    await until(() => JSON.stringify(card('write the changelog')?.blocks ?? '').includes('still going'), 10_000, 'the valid update applied');
    expect(slack.messages(channel).some((m) => m.text?.includes('verifying'))).toBe(false);
  });

  it('never lets a runner’s URL or a request’s text become a mention or a forged link on the card', async () => {
    const hostile = await runner(newerRunnerSide);
    const start = await startTask(hostile, '<!channel> <https://evil.example|click me> please');
    hostile.send({
      type: 'task.update',
      taskId: start.taskId,
      state: 'awaiting_review',
      agent: 'codex',
      prUrl: 'https://evil.example/login|Draft pull request> <!channel',
      milestone: { kind: 'progress', text: 'done', post: false },
    });
    hostile.send({ type: 'task.update', taskId: start.taskId, state: 'awaiting_review', agent: 'codex', prUrl: 'javascript:alert(1)' });
    // Both are refused whole at the bot's door (a PR link must be a plain http(s) URL); the next honest update goes through.
    hostile.send({ type: 'task.update', taskId: start.taskId, state: 'failed', agent: 'codex' });
    await until(() => slack.messages(channel).some((m) => m.text?.includes('failed')), 10_000, 'the card updated');
    const shown = slack.messages(channel).find((m) => m.text?.includes('please'));
    const everything = JSON.stringify(shown);
    expect(everything).not.toContain('<!channel');
    expect(everything).not.toContain('<https://evil.example|click me>');
    expect(everything).not.toContain('javascript:');
    expect(shown?.text).toContain('&lt;!channel&gt;');
  });

  it('takes a follow-up’s pickup only from the task’s own runner', async () => {
    const own = await runner(runnerSide);
    const strangerToken = bot.bot.pairLocalRunner('desk', { user: 'U0MALLORY', team: null }).token;
    const stranger = await startScriptedRunner({
      botUrl: `http://127.0.0.1:${bot.bot.port}`,
      token: strangerToken,
      name: 'desk',
      home: join(home.dir, 'desk'),
      side: runnerSide,
    });
    stops.push(() => stranger.stop());
    await startTask(own);
    const root = await until(() => card('write the changelog'), 10_000, 'the card');
    const reply = await alice().say(channel, 'Also update the README.', { threadTs: root.ts });
    const steer = await own.next('task.steer');
    stranger.send({ type: 'task.followup', taskId: steer.taskId, followUpId: steer.followUpId });
    await stranger.acknowledged();
    expect(slack.reactions(channel, reply.ts).map((r) => r.name)).not.toContain('white_check_mark');
    own.send({ type: 'task.followup', taskId: steer.taskId, followUpId: steer.followUpId });
    await until(() => slack.reactions(channel, reply.ts).some((r) => r.name === 'white_check_mark'), 10_000, 'the ✅ from the task’s runner');
  });

  it('marks every card of an unsandboxed runner’s tasks, and only those', async () => {
    const started = await startScriptedRunner({
      botUrl: `http://127.0.0.1:${bot.bot.port}`,
      token,
      name: 'laptop',
      home: join(home.dir, 'runner'),
      side: runnerSide,
      sandbox: 'off',
    });
    stops.push(() => started.stop());
    await startTask(started);
    await until(() => JSON.stringify(card('write the changelog')?.blocks ?? '').includes('unsandboxed'), 10_000, 'the card marked unsandboxed');
  });

  it('answers `stop all` at once while a fix top N waits for the runner’s issue listing', async () => {
    const scripted = await runner(runnerSide);
    await alice().slash(channel, '/director', 'init acme/demo --runner laptop');
    await alice().slash(channel, '/director', 'do write the changelog');
    const first = await scripted.next('task.start');

    expect((await alice().slash(channel, '/director', 'fix top 2 issues')).ack).toMatchObject({ text: 'Asking the runner for the issues…' });
    const find = await scripted.next('issues.find');
    // The listing is still unanswered: stop all must not wait behind it.
    const stop = await alice().slash(channel, '/director', 'stop all');
    expect(JSON.stringify(stop.ack)).toContain('Stopping 1 task(s).');
    expect((await scripted.next('task.stop')).taskId).toBe(first.taskId);

    scripted.send({
      type: 'issues.found',
      requestId: find.requestId,
      issues: [{ number: 7, title: 'Crash on empty config', url: 'https://github.com/acme/demo/issues/7' }],
    });
    await until(() => slack.ephemerals(channel, 'U0ALICE').some((e) => e.text?.includes('Started 1 task(s)')), 10_000, 'the batch started after the listing');
    await until(() => scripted.received.filter((f) => f.type === 'task.start').length === 2, 10_000, 'the batch’s task sent to the runner');
  });
});
