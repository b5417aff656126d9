import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runnerSide } from '../../shared/link/sides.ts';
import type { RunnerToBot } from '../../shared/protocol.ts';
import { startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';
import { startBotAgainst, type BotUnderTest } from '../../emulators/support/bot-harness.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';
import { until } from '../../emulators/support/until.ts';
import { startScriptedRunner, type ScriptedRunner } from '../support/scripted-runner.ts';

describe('the batch card of `fix top 10`', () => {
  let home: ReturnType<typeof tempHome>;
  let slack: SlackEmulator;
  let bot: BotUnderTest;
  let runner: ScriptedRunner<RunnerToBot>;
  let channel: string;

  beforeEach(async () => {
    home = tempHome('director-batch-');
    slack = await startSlackEmulator();
    slack.addUser({ id: 'U0ALICE', name: 'alice' });
    channel = slack.addChannel({ name: 'demo', members: ['U0ALICE'] }).id;
    bot = await startBotAgainst(slack, { mode: 'socket', home: join(home.dir, 'bot') });
    const token = bot.bot.pairLocalRunner('laptop', { user: 'U0ALICE', team: null }).token;
    runner = await startScriptedRunner({ botUrl: `http://127.0.0.1:${bot.bot.port}`, token, name: 'laptop', home: join(home.dir, 'runner'), side: runnerSide });
  });

  afterEach(async () => {
    await runner.stop();
    await bot.stop();
    await slack.close();
    home.remove();
  });

  it('is edited at most once per 3 s while ten tasks move, shows their last states, and counts them in words', async () => {
    const alice = slack.person('U0ALICE');
    await alice.slash(channel, '/director', 'init acme/demo --runner laptop');
    await alice.slash(channel, '/director', 'fix top 10 issues');
    const find = await runner.next('issues.find');
    const issues = Array.from({ length: 10 }, (_, i) => ({ number: i + 1, title: `Issue ${i + 1}`, url: `https://github.com/acme/demo/issues/${i + 1}` }));
    runner.send({ type: 'issues.found', requestId: find.requestId, issues });
    const starts = await until(
      () => {
        const found = runner.received.filter((f) => f.type === 'task.start');
        return found.length === 10 ? found : undefined;
      },
      10_000,
      'ten task starts',
    );

    // Every task walks through its states, in bursts, as a busy runner reports them.
    const states = ['preparing', 'running', 'verifying', 'publishing', 'awaiting_review'] as const;
    for (const [i, state] of states.entries()) {
      for (const start of starts)
        runner.send({
          type: 'task.update',
          taskId: start.taskId,
          state,
          agent: 'codex',
          ...(i === states.length - 1 && { prUrl: `https://github.com/acme/demo/pull/${start.taskId.length}` }),
        });
      await runner.acknowledged();
    }
    const batch = () => slack.messages(channel).find((m) => m.text?.startsWith('Fix top 10 issues'));
    await until(() => batch()?.text?.includes('10 ready for review'), 20_000, 'the batch card’s last state');
    expect(batch()?.text).toBe('Fix top 10 issues — 10 ready for review');

    const ts = batch()?.ts;
    const edits = slack.apiCalls.filter((c) => c.method === 'chat.update' && c.params.ts === ts);
    const first = edits[0]?.at ?? 0;
    const last = edits.at(-1)?.at ?? 0;
    // One at once, then at most one per 3 s window that followed.
    expect(edits.length).toBeLessThanOrEqual(2 + Math.floor((last - first) / 3000));
  });
});
