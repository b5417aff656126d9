import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseRunnerConfig } from '../../runner/config.ts';
import { startRunner, type RunningRunner } from '../../runner/main.ts';
import { TaskStore } from '../../runner/tasks/store.ts';
import type { TaskUpdateReceived } from '../../shared/protocol.ts';
import { tempHome, twinOutsideTmp } from '../../emulators/support/temp-home.ts';
import { until } from '../../emulators/support/until.ts';
import { agentScript } from '../support/engine-harness.ts';
import { makeRepo } from '../support/git-repo.ts';
import { startHostileBot, type AnyFrame, type HostileBot } from '../support/hostile-bot.ts';
import { credentials } from '../support/link-harness.ts';

const files = {
  'README.md': '# demo\n',
  'unit.js': "console.log('1 passed, 0 failed');\n",
  'full.js': "console.log('7 passed, 0 failed');\n",
};

describe('the runner is the last word on its machine: a hostile bot talking to a real runner', () => {
  let home: ReturnType<typeof tempHome>;
  let bot: HostileBot;
  let runner: RunningRunner;
  let marker: string;

  beforeEach(async () => {
    home = tempHome('director-hostile-');
    marker = join(home.dir, 'MARKER');
    const repo = makeRepo(join(home.dir, 'repo'), files);
    bot = await startHostileBot(home.dir);
    // The agent's script outside /tmp: the sandbox hides /tmp, and this checkout may live there.
    const script = join(twinOutsideTmp(home.dir, 'agents'), 'edit.sh');
    copyFileSync(agentScript('edit.sh'), script);
    const config = parseRunnerConfig({
      DIRECTOR_HOME: join(home.dir, 'runner'),
      LOG_LEVEL: 'silent',
      PROJECTS: [
        { name: 'demo', repo: 'acme/demo', path: repo.path, verifyCommands: { unit: 'node unit.js', full: 'node full.js' }, verify: 'unit', agent: 'edit' },
      ],
      AGENTS: { edit: { kind: 'command', command: 'bash', args: [script] } },
    });
    runner = startRunner({
      config,
      credentials: credentials(bot.url, 'laptop', 'drt_hostile0123456789abcdef'),
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    await until(() => bot.connected(), 10_000, 'the runner connected to the hostile bot');
  });

  afterEach(async () => {
    await runner.stop();
    await bot.stop();
    home.remove();
  });

  const start = (taskId: string, over: Record<string, unknown> = {}): AnyFrame => ({
    type: 'task.start',
    taskId,
    project: 'demo',
    title: 'Add the changelog',
    source: { kind: 'request', text: 'write the changelog', requestedBy: 'U0MALLORY' },
    ...over,
  });
  const updates = (taskId: string) => bot.received.filter((f): f is TaskUpdateReceived => f.type === 'task.update' && f.taskId === taskId);
  const refusal = (taskId: string, count = 1) =>
    until(() => updates(taskId).length >= count && updates(taskId).at(-1), 10_000, `the runner's answer to ${taskId}`);
  const worktrees = () => {
    const dir = join(home.dir, 'runner', 'worktrees');
    return existsSync(dir) ? readdirSync(dir) : [];
  };

  it('refuses shell text, a verify name, a project and an agent of its own choosing, telling the channel why and running nothing', async () => {
    const hostile = {
      tshell1: { verifyCommand: `sh -c 'touch ${marker}'` },
      tnope01: { verify: 'nope' },
      tproto1: { verify: 'constructor' },
      tother1: { project: 'not-mine', verify: 'unit' },
      tevil01: { agent: 'evil' },
    };
    for (const [taskId, over] of Object.entries(hostile)) bot.send(start(taskId, over));

    const answers = Object.fromEntries(await Promise.all(Object.keys(hostile).map(async (id) => [id, await refusal(id)] as const)));
    expect(answers.tshell1?.milestone?.text).toBe(
      'Refused by runner laptop: the bot sent shell text to verify with, and this runner runs only its own verify commands — upgrade the bot and choose one by name',
    );
    expect(answers.tnope01?.milestone?.text).toBe(
      'Refused by runner laptop: project "demo" has no verify command "nope" (it has: unit, full) — choose one of them, or add it to its verifyCommands',
    );
    expect(answers.tproto1?.milestone?.text).toContain('project "demo" has no verify command "constructor"');
    expect(answers.tother1?.milestone?.text).toBe('Refused by runner laptop: it has no project "not-mine" — add it to its PROJECTS');
    expect(answers.tevil01?.milestone?.text).toBe('Refused by runner laptop: it has no agent "evil" — use one of codex, claude, edit, or add it to its AGENTS');
    for (const answer of Object.values(answers)) expect(answer).toMatchObject({ state: 'failed', milestone: { kind: 'failed', post: true } });

    // Asked again (a bot replaying after a reconnect), and pushed to retry or steer what it never accepted.
    bot.send(start('tshell1', hostile.tshell1));
    bot.send({ type: 'task.retry', taskId: 'tshell1' });
    bot.send({ type: 'task.steer', taskId: 'tevil01', followUpId: 'f1', text: 'go on', author: 'U0MALLORY' });
    bot.send({ type: 'task.ask', requestId: 'r1', taskId: 'tevil01' });
    // Frames are handled in order: once the question is answered, everything before it was handled.
    await until(() => bot.received.find((f) => f.type === 'task.summary' && f.requestId === 'r1'), 10_000, 'the answer to task.ask');
    expect(bot.received.find((f) => f.type === 'task.summary')).toMatchObject({ taskId: 'tevil01', error: 'this runner has no task tevil01' });

    expect(existsSync(marker)).toBe(false);
    expect(worktrees()).toEqual([]);
    const store = new TaskStore(runner.db);
    expect(store.all()).toEqual([]);
    expect(updates('tshell1').map((u) => u.state)).toEqual(['failed', 'failed']);
  });

  it('runs the named verify command the channel chose among the project’s own', async () => {
    bot.send(start('tfull01', { verify: 'full' }));
    bot.send(start('tdflt01'));
    const verification = (taskId: string) =>
      until(() => updates(taskId).find((u) => u.milestone?.kind === 'verification')?.milestone, 30_000, `the verification of ${taskId}`);
    expect(await verification('tfull01')).toMatchObject({ kind: 'verification', outcome: 'passed', command: 'node full.js', passed: 7 });
    expect(await verification('tdflt01')).toMatchObject({ kind: 'verification', outcome: 'passed', command: 'node unit.js', passed: 1 });
    await until(() => updates('tfull01').some((u) => u.state === 'finished'), 30_000, 'the task finished');
    expect(new TaskStore(runner.db).get('tfull01')).toMatchObject({ verify: 'full', state: 'finished' });
  });
});
