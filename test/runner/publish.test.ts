import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitHubIssues } from '../../runner/github/issues.ts';
import { githubPublisher, projectVerifier } from '../../runner/tasks/pipeline.ts';
import { systemClock } from '../../shared/clock.ts';
import { createRedactor, REDACTED } from '../../shared/redact.ts';
import { startGitHubEmulator, type GitHubEmulator } from '../../emulators/github/index.ts';
import { startModelEmulator, type ModelEmulator, type Playbook } from '../../emulators/model/index.ts';
import { startEngine, type EngineUnderTest } from '../support/engine-harness.ts';
import { gitAsync } from '../../emulators/support/git.ts';
import { quietLog } from '../support/link-harness.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';
import { until } from '../../emulators/support/until.ts';
import { driverFor } from '../support/real-agents.ts';

const RUNNER_SECRET = 'runner-secret-value-7788';
const files = {
  'package.json': JSON.stringify({ name: 'demo', private: true, scripts: { test: 'node test.js' } }),
  'test.js': [
    "const { existsSync } = require('node:fs');",
    "if (!existsSync('src/fixed.js')) { console.log('FAILED tests/test_fix.py::test_has_fix'); console.log('0 passed, 1 failed'); process.exit(1); }",
    "console.log('1 passed, 0 failed');",
  ].join('\n'),
  'src/app.js': 'export const answer = 42;\n',
};
const writeFix = { writeFile: { path: 'src/fixed.js', content: 'export const fixed = true;\n' } };

describe('from issue to verified draft PR, with the real codex CLI and the GitHub emulator', () => {
  let home: ReturnType<typeof tempHome>;
  let gh: GitHubEmulator;
  let model: ModelEmulator;
  let setup: EngineUnderTest | undefined;
  let issueNumber: number;

  beforeEach(async () => {
    home = tempHome('director-publish-');
    gh = await startGitHubEmulator();
    model = await startModelEmulator();
    await gh.createRepo('acme', 'demo', { files });
    issueNumber = gh.addIssue('acme', 'demo', { title: 'Greeting is missing', body: 'Please add src/fixed.js.', labels: ['bug'] }).number;
    await gitAsync(home.dir, 'clone', '-q', gh.gitUrl('acme', 'demo'), join(home.dir, 'repo', 'checkout'));
  });

  afterEach(async () => {
    await setup?.engine.stop();
    setup?.close();
    setup = undefined;
    await model.close();
    await gh.close();
    home.remove();
  });

  async function run(playbook: Playbook) {
    model.script('Greeting is missing', playbook);
    const octokit = new Octokit({ auth: gh.token, baseUrl: gh.apiUrl });
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home.dir, GIT_CONFIG_NOSYSTEM: '1' };
    setup = startEngine(
      home.dir,
      [driverFor('codex', model, home.dir)],
      {
        agentEnv: { ...env, LANG: 'C.UTF-8' },
        verify: projectVerifier({ env, timeLimitMs: 60_000, redact: createRedactor(), log: quietLog, clock: systemClock }),
        publish: githubPublisher({
          octokit,
          gitUrl: (repo) => gh.gitUrl(repo.split('/')[0] ?? '', repo.split('/')[1] ?? ''),
          allowedOrigin: gh.apiUrl,
          privateRoot: join(home.dir, 'home', 'publish'),
          path: env.PATH,
          token: gh.token,
          identity: { name: 'Director', email: 'director@example.com' },
          redact: createRedactor([gh.token, RUNNER_SECRET]),
        }),
      },
      files,
      { repo: 'acme/demo' },
    );
    const input = { kind: 'issue' as const, repo: 'acme/demo', issue: await new GitHubIssues(octokit).issue('acme/demo', issueNumber) };
    const task = setup.engine.create({ project: 'demo', agent: 'codex', title: input.issue.title, input });
    await setup.engine.idle();
    return { task: setup.store.require(task.id), events: setup.store.events(task.id), engine: setup.engine, store: setup.store };
  }

  it('opens a draft PR whose head is the pushed commit and whose body carries the evidence, redacted', async () => {
    const { task, events } = await run({ turns: [{ steps: [writeFix, { message: `Added src/fixed.js. (Used ${RUNNER_SECRET} to check.)` }] }] });
    expect(task).toMatchObject({ state: 'awaiting_review', pr_number: 2 });
    const [pull] = gh.pulls('acme', 'demo');
    expect(gh.pulls('acme', 'demo')).toHaveLength(1);
    expect(pull).toMatchObject({ number: 2, draft: true, head: { ref: task.branch } });
    expect(pull?.head.sha).toBe(await gh.headSha('acme', 'demo', task.branch ?? ''));
    expect(pull?.body).toContain(`Closes #${issueNumber}`);
    expect(pull?.body).toContain('**Verification:** `npm test` passed');
    expect(pull?.body).toContain('(1 passed, 0 failed)');
    expect(pull?.body).toContain(REDACTED);
    expect(pull?.body).not.toContain(RUNNER_SECRET);
    expect(events.filter((e) => e.type === 'verification')).toEqual([expect.objectContaining({ ok: true, passed: 1, failed: 0 })]);
    expect(events.at(-1)).toMatchObject({ type: 'published', prNumber: 2, updated: false });
  });

  it('gives the agent a fix-up turn with the failure, then publishes', async () => {
    const { task, events } = await run({
      turns: [{ steps: [{ message: 'Looked around; nothing to change.' }] }, { steps: [writeFix, { message: 'Fixed it.' }] }],
    });
    expect(task).toMatchObject({ state: 'awaiting_review', summary: 'Fixed it.' });
    expect(events.filter((e) => e.type === 'verification').map((e) => e.type === 'verification' && e.ok)).toEqual([false, true]);
    const fixup = model.conversation('Greeting is missing').at(-1)?.humanMessages[1] ?? '';
    expect(fixup).toContain('`npm test` failed after your changes');
    expect(fixup).toContain('tests/test_fix.py::test_has_fix');
    expect(gh.pulls('acme', 'demo')).toHaveLength(1);
  });

  it('fails with the evidence and opens no PR when the tests never pass', async () => {
    const idle = { steps: [{ message: 'Still nothing.' }] };
    const { task, events } = await run({ turns: [idle, idle, idle] });
    expect(task.state).toBe('failed');
    expect(task.error).toContain('the tests still fail after 2 fix-up turn(s)');
    expect(task.error).toContain('tests/test_fix.py::test_has_fix');
    expect(events.filter((e) => e.type === 'verification')).toHaveLength(3);
    expect(gh.pulls('acme', 'demo')).toEqual([]);
  });

  it('publishes a steer after the PR to the same branch and the same PR, with a new head', async () => {
    const { task, engine, store } = await run({
      turns: [
        { steps: [writeFix, { message: 'Fixed it.' }] },
        { steps: [{ writeFile: { path: 'src/extra.js', content: 'export const extra = 1;\n' } }, { message: 'Added the extra bit.' }] },
      ],
    });
    const firstHead = gh.pulls('acme', 'demo')[0]?.head.sha;
    engine.steer(task.id, 'Please also add src/extra.js.', 'alice');
    await until(() => store.require(task.id).runs === 2, 10_000, 'the steer run');
    await engine.idle();
    const after = store.require(task.id);
    expect(after).toMatchObject({ state: 'awaiting_review', pr_number: task.pr_number, branch: task.branch });
    const pulls = gh.pulls('acme', 'demo');
    expect(pulls).toHaveLength(1);
    const head = await gh.headSha('acme', 'demo', task.branch ?? '');
    expect(head).not.toBe(firstHead);
    expect(store.events(task.id).at(-1)).toMatchObject({ type: 'published', prNumber: task.pr_number, headSha: head, updated: true });
  });
});
