import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runnerSide } from '../../shared/link/sides.ts';
import { startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';
import { startBotAgainst, type BotUnderTest } from '../../emulators/support/bot-harness.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';
import { until } from '../../emulators/support/until.ts';
import { startWholeLoop, type WholeLoop } from '../../emulators/world.ts';
import { TaskStore } from '../../runner/tasks/store.ts';
import { git } from '../support/git-repo.ts';
import { startScriptedRunner } from '../support/scripted-runner.ts';

/** `/director close <task>`: the bot asks the task's runner (here a scripted one) to remove its worktree, only when that is safe. */
describe('/director close', () => {
  let home: ReturnType<typeof tempHome>;
  let slack: SlackEmulator;
  let bot: BotUnderTest;
  let channel: string;
  const stops: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    home = tempHome('director-close-');
    slack = await startSlackEmulator();
    slack.addUser({ id: 'U0ALICE', name: 'alice' });
    slack.addUser({ id: 'U0BOB', name: 'bob' });
    channel = slack.addChannel({ name: 'demo', members: ['U0ALICE', 'U0BOB'] }).id;
    bot = await startBotAgainst(slack, { mode: 'socket', home: join(home.dir, 'bot') });
  });

  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    await bot.stop();
    await slack.close();
    home.remove();
  });

  const slash = async (user: string, text: string) => JSON.stringify((await slack.person(user).slash(channel, '/director', text)).ack);

  it('sends task.close for a failed task of the starter, and refuses a running one or someone else’s', async () => {
    const token = bot.bot.pairLocalRunner('laptop', { user: 'U0ALICE', team: null }).token;
    const scripted = await startScriptedRunner({
      botUrl: `http://127.0.0.1:${bot.bot.port}`,
      token,
      name: 'laptop',
      home: join(home.dir, 'runner'),
      side: runnerSide,
    });
    stops.push(() => scripted.stop());
    await slash('U0ALICE', 'init acme/demo --runner laptop');
    await slash('U0ALICE', 'do write the changelog');
    const start = await scripted.next('task.start');

    scripted.send({ type: 'task.update', taskId: start.taskId, state: 'running', agent: 'codex', startedAt: Date.now() });
    await until(() => slack.messages(channel).some((m) => m.text?.includes('running')), 10_000, 'the card to say running');
    expect(await slash('U0ALICE', `close ${start.taskId}`)).toContain('is still running: stop it first');

    scripted.send({ type: 'task.update', taskId: start.taskId, state: 'failed', agent: 'codex' });
    await until(() => slack.messages(channel).some((m) => m.text?.includes('failed')), 10_000, 'the card to say failed');
    expect(await slash('U0BOB', `close ${start.taskId}`)).toContain('Only the person who started this task or a channel maintainer can close it');
    expect(await slash('U0ALICE', `close ${start.taskId}`)).toMatch(/Closing `t\d+`/);
    expect((await scripted.next('task.close')).taskId).toBe(start.taskId);
    expect(await slash('U0ALICE', 'close')).toContain('usage: `close <task>`');
  });
});

describe('/director close, end to end', () => {
  let loop: WholeLoop;
  beforeEach(async () => {
    loop = await startWholeLoop({ issues: ['Hangs forever'] });
    loop.model.script('Hangs forever', { turns: [{ steps: [{ shell: 'sleep 30' }, { message: 'never' }] }] });
  });
  afterEach(async () => {
    await loop.close();
  });

  it('removes a stopped task’s worktree and local branch on the real runner', async () => {
    const { slack, channel } = loop;
    const cardOf = (text: string) => slack.messages(channel).find((m) => m.text?.includes(text));
    const runner = loop.startRunner();
    await until(() => runner.endpoint.connected, 20_000, 'runner connected');
    await slack.person('U0ALICE').slash(channel, '/director', 'init acme/demo --runner laptop');
    await slack.person('U0ALICE').slash(channel, '/director', 'fix #1');
    await until(() => cardOf('#1')?.text?.includes('running'), 60_000, 'the task running');
    const card = cardOf('#1');
    if (!card) throw new Error('no card');
    await slack.person('U0ALICE').click(channel, card.ts, 'task_stop');
    await until(() => cardOf('#1')?.text?.includes('stopped'), 30_000, 'the task stopped');

    const tasks = new TaskStore(runner.db);
    const task = await until(() => tasks.all().find((t) => t.worktree !== null), 10_000, 'the kept worktree');
    const worktree = task.worktree ?? '';
    expect(existsSync(worktree)).toBe(true);
    expect(git(join(loop.home, 'checkout'), 'branch', '--list', task.branch ?? '')).toContain(task.branch ?? 'no branch');
    expect(JSON.stringify((await slack.person('U0ALICE').slash(channel, '/director', `close ${task.id}`)).ack)).toContain('Closing');
    await until(() => tasks.get(task.id)?.worktree === null, 20_000, 'the runner to close the task');
    expect(existsSync(worktree)).toBe(false);
    expect(git(join(loop.home, 'checkout'), 'branch', '--list', task.branch ?? '')).toBe('');
  }, 120_000);
});
