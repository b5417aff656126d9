// The runner's last word on merges: a hostile bot asks for merges the runner must refuse.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../../emulators/github/index.ts';
import { gitAsync } from '../../emulators/support/git.ts';
import { tempHome, twinOutsideTmp } from '../../emulators/support/temp-home.ts';
import { until } from '../../emulators/support/until.ts';
import { parseRunnerConfig } from '../../runner/config.ts';
import { startRunner, type RunningRunner } from '../../runner/main.ts';
import type { RunnerToBotReceived } from '../../shared/protocol.ts';
import { agentScript } from '../support/engine-harness.ts';
import { startHostileBot, type AnyFrame, type HostileBot } from '../support/hostile-bot.ts';
import { credentials } from '../support/link-harness.ts';

type MergeResult = Extract<RunnerToBotReceived, { type: 'merge.result' }>;

describe('a hostile bot asking a real runner to merge', () => {
  let home: ReturnType<typeof tempHome>;
  let github: GitHubEmulator;
  let bot: HostileBot;
  let runner: RunningRunner;

  beforeEach(async () => {
    home = tempHome('director-hostile-merge-');
    github = await startGitHubEmulator();
    await github.createRepo('acme', 'demo', { files: { 'README.md': '# demo\n', 'unit.js': "console.log('1 passed, 0 failed');\n" } });
    const checkout = join(home.dir, 'checkout');
    await gitAsync(home.dir, 'clone', '-q', github.gitUrl('acme', 'demo'), checkout);
    bot = await startHostileBot(home.dir);
    const script = join(twinOutsideTmp(home.dir, 'agents'), 'release.sh');
    copyFileSync(agentScript('release.sh'), script);
    const project = { repo: 'acme/demo', path: checkout, testCommand: 'node unit.js', agent: 'release' };
    const config = parseRunnerConfig({
      DIRECTOR_HOME: join(home.dir, 'runner'),
      LOG_LEVEL: 'silent',
      PROJECTS: [
        { name: 'demo', ...project },
        { name: 'locked', ...project, merge: false },
      ],
      AGENTS: { release: { kind: 'command', command: 'bash', args: [script] } },
      GITHUB_TOKEN: github.token,
      GITHUB_API_URL: github.apiUrl,
      GITHUB_URL: github.apiUrl,
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
    await github.close();
    home.remove();
  });

  const start = (taskId: string, project: string): AnyFrame => ({
    type: 'task.start',
    taskId,
    project,
    title: `Work of ${taskId}`,
    source: { kind: 'request', text: `change for ${taskId}`, requestedBy: 'U0MALLORY' },
  });
  const inReview = (taskId: string) =>
    until(
      () => bot.received.find((f) => f.type === 'task.update' && f.taskId === taskId && f.state === 'awaiting_review' && f.prUrl),
      60_000,
      `${taskId} in review`,
    );
  const pullOf = (taskId: string) => {
    const pull = github.pulls('acme', 'demo').find((p) => p.title === `Work of ${taskId}`);
    if (!pull) throw new Error(`no PR for ${taskId}`);
    return pull;
  };
  const ask = async (requestId: string, frame: Record<string, unknown>): Promise<MergeResult> => {
    bot.send({ type: 'merge.request', requestId, approvedBy: { id: 'U0MALLORY', name: 'mallory' }, ...frame });
    return until(
      () => bot.received.find((f): f is MergeResult => f.type === 'merge.result' && f.requestId === requestId && f.outcome !== 'waiting'),
      30_000,
      `the answer to ${requestId}`,
    );
  };

  it('refuses another task’s PR, an unknown task, a project with merge: false and a sha it was not shown; merges only what the rules allow', async () => {
    for (const [id, project] of [
      ['tmine01', 'demo'],
      ['tother1', 'demo'],
      ['tlock01', 'locked'],
    ] as const)
      bot.send(start(id, project));
    await Promise.all(['tmine01', 'tother1', 'tlock01'].map(inReview));
    const mine = pullOf('tmine01');
    const other = pullOf('tother1');
    const locked = pullOf('tlock01');

    expect(await ask('r1', { taskId: 'tmine01', pr: other.number, sha: other.head.sha })).toMatchObject({
      outcome: 'refused',
      reason: `PR #${other.number} is not the PR of task tmine01 (#${mine.number}): nothing merged`,
    });
    expect(await ask('r2', { taskId: 'tnobody', pr: other.number, sha: other.head.sha })).toMatchObject({
      outcome: 'refused',
      reason: 'this runner has no task tnobody',
    });
    expect(await ask('r3', { taskId: 'tlock01', pr: locked.number, sha: locked.head.sha })).toMatchObject({
      outcome: 'refused',
      reason: 'merging is turned off for project "locked" in this runner\'s config (merge: false)',
    });
    expect(await ask('r4', { taskId: 'tmine01', pr: mine.number, sha: other.head.sha })).toMatchObject({ outcome: 'moved', headSha: mine.head.sha });
    github.setCheckRuns('acme', 'demo', mine.head.sha, [{ name: 'ci', status: 'completed', conclusion: 'failure' }]);
    expect(await ask('r5', { taskId: 'tmine01', pr: mine.number, sha: mine.head.sha })).toMatchObject({ outcome: 'refused', reason: 'check failed: ci' });
    expect(github.pulls('acme', 'demo').some((p) => p.merged)).toBe(false);

    github.setCheckRuns('acme', 'demo', mine.head.sha, [{ name: 'ci', status: 'completed', conclusion: 'success' }]);
    const merged = await ask('r6', { taskId: 'tmine01', pr: mine.number, sha: mine.head.sha });
    expect(merged).toMatchObject({ outcome: 'merged' });
    expect(
      github
        .pulls('acme', 'demo')
        .filter((p) => p.merged)
        .map((p) => p.number),
    ).toEqual([mine.number]);
    expect(await github.headSha('acme', 'demo', 'main')).toBe(merged.mergeSha);
  });
});
