import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentSchema } from '../../runner/config.ts';
import { GitHubIssues } from '../../runner/github/issues.ts';
import { buildReviewers } from '../../runner/review/drivers.ts';
import { agentReviewer } from '../../runner/review/reviewer.ts';
import { bubblewrapSandbox } from '../../runner/sandbox/sandbox.ts';
import { milestoneFor } from '../../runner/tasks/milestones.ts';
import { githubPublisher, projectVerifier } from '../../runner/tasks/pipeline.ts';
import { systemClock } from '../../shared/clock.ts';
import { createRedactor } from '../../shared/redact.ts';
import { startGitHubEmulator, type GitHubEmulator } from '../../emulators/github/index.ts';
import {
  claudeEnv,
  codexArgs,
  codexEnv,
  garbageReviewerPlaybook,
  reviewerPlaybook,
  startModelEmulator,
  type ModelEmulator,
  type Playbook,
} from '../../emulators/model/index.ts';
import { startEngine, type EngineUnderTest } from '../support/engine-harness.ts';
import { gitAsync } from '../../emulators/support/git.ts';
import { quietLog } from '../support/link-harness.ts';
import { tempHome, twinOutsideTmp } from '../../emulators/support/temp-home.ts';
import { driverFor } from '../support/real-agents.ts';

const bin = (name: string) => fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url));
const files = {
  'package.json': JSON.stringify({ name: 'demo', private: true, scripts: { test: 'node test.js' } }),
  'test.js': "console.log('1 passed, 0 failed');\n",
  'AGENTS.md': 'Every exported function needs a guard for empty input.\n',
  'src/app.js': 'export const answer = 42;\n',
};
const p1 = { severity: 'P1', file: 'src/greet.js', line: 1, problem: 'greet() crashes on an empty name.', fix: 'Return a default greeting for "".' } as const;
const p2 = { severity: 'P2', file: 'src/greet.js', line: 1, problem: 'The greeting is not localised.', fix: 'Use the i18n table.' } as const;
const implementer: Playbook = {
  turns: [
    { steps: [{ writeFile: { path: 'src/greet.js', content: 'export const greet = (n) => `hi ${n[0]}`;\n' } }, { message: 'Added greet().' }] },
    {
      steps: [
        { writeFile: { path: 'src/guard.js', content: '// guarded-empty-name\nexport const guard = (n) => n || "you";\n' } },
        { message: 'Guarded the empty name.' },
      ],
    },
  ],
};

describe('the reviewer gate before the PR, with the real codex CLI as implementer and reviewer', () => {
  let home: ReturnType<typeof tempHome>;
  let gh: GitHubEmulator;
  let model: ModelEmulator;
  let setup: EngineUnderTest | undefined;
  let issueNumber: number;

  beforeEach(async () => {
    home = tempHome('director-review-');
    gh = await startGitHubEmulator();
    model = await startModelEmulator();
    await gh.createRepo('acme', 'demo', { files });
    issueNumber = gh.addIssue('acme', 'demo', { title: 'Add a greeting', body: 'Please add src/greet.js.' }).number;
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

  /** The engine with a reviewer; `sandboxed`: the reviewer in bubblewrap, so everything lives outside /tmp (which it hides). */
  async function run(choice: string | null, sandboxed = false) {
    model.script('Add a greeting', implementer);
    const octokit = new Octokit({ auth: gh.token, baseUrl: gh.apiUrl });
    const dir = sandboxed ? twinOutsideTmp(home.dir, 'world') : home.dir;
    if (sandboxed) await gitAsync(dir, 'clone', '-q', gh.gitUrl('acme', 'demo'), join(dir, 'repo', 'checkout'));
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, GIT_CONFIG_NOSYSTEM: '1' };
    const agents = {
      codex: agentSchema.parse({
        kind: 'codex',
        command: bin('codex'),
        args: codexArgs(model),
        env: codexEnv(model, twinOutsideTmp(home.dir, 'codex-review')),
      }),
      claude: agentSchema.parse({ kind: 'claude', command: bin('claude'), env: claudeEnv(model, twinOutsideTmp(home.dir, 'claude-review')) }),
    };
    const redact = createRedactor([gh.token]);
    const review = agentReviewer({
      reviewers: buildReviewers(agents),
      kinds: new Map(Object.entries(agents).map(([name, a]) => [name, a.kind])),
      agentEnv: { ...env, LANG: 'C.UTF-8' },
      gitEnv: env,
      redact,
      log: quietLog,
      clock: systemClock,
      graceMs: 1000,
      choiceFor: () => choice,
      ...(sandboxed && { sandbox: bubblewrapSandbox({ bwrapPath: 'bwrap', runnerHome: join(dir, 'home'), home: dir }) }),
    });
    setup = startEngine(
      dir,
      [driverFor('codex', model, dir)],
      {
        agentEnv: { ...env, LANG: 'C.UTF-8' },
        verify: projectVerifier({ env, timeLimitMs: 60_000, redact, log: quietLog, clock: systemClock }),
        review,
        publish: githubPublisher({
          octokit,
          gitUrl: (repo) => gh.gitUrl(repo.split('/')[0] ?? '', repo.split('/')[1] ?? ''),
          allowedOrigin: gh.apiUrl,
          privateRoot: join(dir, 'home', 'publish'),
          path: env.PATH,
          token: gh.token,
          identity: { name: 'Director', email: 'director@example.com' },
          redact,
        }),
      },
      files,
      { repo: 'acme/demo' },
    );
    const input = { kind: 'issue' as const, repo: 'acme/demo', issue: await new GitHubIssues(octokit).issue('acme/demo', issueNumber) };
    const task = setup.engine.create({ project: 'demo', agent: 'codex', title: input.issue.title, input });
    await setup.engine.idle();
    return { task: setup.store.require(task.id), events: setup.store.events(task.id) };
  }

  const reviewerRequests = () => model.requests.filter((r) => r.purpose === 'turn' && (r.humanMessages[0] ?? '').startsWith('You are the reviewer'));

  it('a P1 finding → one fix-up turn → tests → the reviewer again, clean of blockers → the PR body lists the review; the thread gets one line', async () => {
    model.scriptReviewer('Add a greeting', reviewerPlaybook([p1, p2]));
    // The second review sees the fix in the diff.
    model.scriptReviewer('guarded-empty-name', reviewerPlaybook([p2]));
    const { task, events } = await run('codex');

    expect(task.state).toBe('awaiting_review');
    const implementerTurns = model.conversation('Add a greeting').filter((r) => !reviewerRequests().includes(r));
    const fixup = implementerTurns.at(-1)?.humanMessages[1] ?? '';
    expect(fixup).toContain('greet() crashes on an empty name.');
    expect(fixup).not.toContain('not localised');
    expect(events.filter((e) => e.type === 'verification')).toHaveLength(2);
    const reviewed = events.filter((e) => e.type === 'reviewed');
    expect(reviewed).toEqual([{ type: 'reviewed', reviewer: 'codex', fixed: 1, noted: [p2] }]);
    const first = reviewerRequests()[0];
    // The reviewer saw the issue, the project's conventions and the diff, and was held to the schema.
    expect(first?.humanMessages[0]).toContain('Every exported function needs a guard');
    expect(first?.humanMessages[0]).toContain('src/greet.js');
    expect(JSON.stringify(first?.body)).toContain('json_schema');

    const body = gh.pulls('acme', 'demo')[0]?.body ?? '';
    expect(body).toContain('**Review** by codex: 1 finding(s) fixed before this PR, 1 noted.');
    expect(body).toContain('**P2** `src/greet.js:1`: The greeting is not localised.');
    const review = reviewed[0];
    if (!review) throw new Error('no review');
    expect(milestoneFor(task, review)).toMatchObject({ kind: 'review', text: 'Review: 1 finding fixed, 1 noted', post: true });
  });

  it('a reviewer answering garbage is asked once more, then the PR says it could not review, and publishing goes on', async () => {
    model.scriptReviewer('Add a greeting', garbageReviewerPlaybook());
    const { task, events } = await run('codex');

    expect(task.state).toBe('awaiting_review');
    expect(new Set(reviewerRequests().map((r) => r.sessionId)).size).toBe(2);
    expect(reviewerRequests().at(-1)?.humanMessages[0]).toContain('Your previous answer could not be used');
    expect(events.find((e) => e.type === 'reviewed')).toMatchObject({ fixed: 0, problem: 'the final message is not JSON' });
    expect(gh.pulls('acme', 'demo')[0]?.body).toContain('**Review:** could not review (the final message is not JSON).');
  });

  it('by default a codex task is reviewed by the other vendor’s CLI: claude, with its JSON final message', async () => {
    model.scriptReviewer('Add a greeting', reviewerPlaybook([p2]));
    const { task, events } = await run(null);

    expect(task.state).toBe('awaiting_review');
    expect(reviewerRequests().every((r) => r.api === 'messages')).toBe(true);
    expect(events.find((e) => e.type === 'reviewed')).toEqual({ type: 'reviewed', reviewer: 'claude', fixed: 0, noted: [p2] });
    expect(gh.pulls('acme', 'demo')[0]?.body).toContain('The greeting is not localised.');
  });

  it('the reviewer runs in the bubblewrap sandbox with the worktree read-only: its attempt to edit fails, its findings still count', async () => {
    model.scriptReviewer('Add a greeting', {
      turns: [{ steps: [{ shell: 'echo reviewer-was-here > src/greet.js' }, { message: JSON.stringify({ findings: [p2] }) }] }],
    });
    const { task, events } = await run('codex', true);

    expect(task.state).toBe('awaiting_review');
    expect(events.find((e) => e.type === 'reviewed')).toEqual({ type: 'reviewed', reviewer: 'codex', fixed: 0, noted: [p2] });
    const attempt = reviewerRequests()
      .flatMap((r) => r.toolResults)
      .find((t) => t.name === 'exec_command');
    expect(attempt?.exitCode).not.toBe(0);
    expect(attempt?.output).toMatch(/Read-only file system/);
    expect(readFileSync(join(task.worktree ?? '', 'src/greet.js'), 'utf8')).not.toContain('reviewer-was-here');
    expect(gh.pulls('acme', 'demo')[0]?.body).not.toContain('reviewer-was-here');
  });
});
