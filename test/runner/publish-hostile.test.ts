import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { githubPublisher } from '../../runner/tasks/pipeline.ts';
import { milestoneFor } from '../../runner/tasks/milestones.ts';
import { bareDir } from '../../emulators/github/bare.ts';
import { startGitHubEmulator, type GitHubEmulator } from '../../emulators/github/index.ts';
import { gitAsync, gitEnv } from '../../emulators/support/git.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';
import { createRedactor, REDACTED } from '../../shared/redact.ts';
import { request, scriptAgent, startEngine, type EngineUnderTest } from '../support/engine-harness.ts';

const RUNNER_TOKEN = `drt_0123456789ab_${'R7kq2M9xZpL4vN8wT1yB'}`;
const OPENAI_KEY = `sk-proj-${'Ab3dE5gH7jK9mN1pQ3sT5vX7zB9dF1hJ'}`;
const files = { 'README.md': '# demo\n', 'src/app.js': 'export const answer = 42;\n' };

/** Every byte of every object in a bare repository, to search for what must never arrive. */
function allObjects(gitDir: string): string {
  return execFileSync('git', ['cat-file', '--batch-all-objects', '--batch'], {
    env: { ...process.env, ...gitEnv, GIT_DIR: gitDir },
    encoding: 'latin1',
    maxBuffer: 1 << 28,
  });
}

describe('publishing from the runner’s own git directory, with real git and the GitHub emulator', () => {
  let home: ReturnType<typeof tempHome>;
  let gh: GitHubEmulator;
  let setup: EngineUnderTest | undefined;
  let listener: Server;
  let connections: number;

  beforeEach(async () => {
    home = tempHome('director-hostile-publish-');
    gh = await startGitHubEmulator();
    await gh.createRepo('acme', 'demo', { files });
    await gitAsync(home.dir, 'clone', '-q', gh.gitUrl('acme', 'demo'), join(home.dir, 'repo', 'checkout'));
    connections = 0;
    listener = createServer((socket: Socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    await setup?.engine.stop();
    setup?.close();
    setup = undefined;
    await new Promise((resolve) => listener.close(resolve));
    await gh.close();
    home.remove();
  });

  async function run(script: string, agentEnv: Record<string, string>) {
    const octokit = new Octokit({ auth: gh.token, baseUrl: gh.apiUrl });
    const path = process.env.PATH ?? '/usr/bin:/bin';
    setup = startEngine(
      home.dir,
      [scriptAgent('hostile', script)],
      {
        agentEnv: { PATH: path, HOME: home.dir, ...gitEnv, ...agentEnv },
        verify: () => Promise.resolve(undefined),
        publish: githubPublisher({
          octokit,
          gitUrl: (repo) => `${gh.apiUrl}/${repo}.git`,
          allowedOrigin: gh.apiUrl,
          privateRoot: join(home.dir, 'home', 'publish'),
          token: gh.token,
          identity: { name: 'Director', email: 'director@example.com' },
          redact: createRedactor([gh.token, RUNNER_TOKEN]),
          path,
        }),
      },
      files,
      { repo: 'acme/demo' },
    );
    const task = setup.engine.create({ project: 'demo', agent: 'hostile', title: 'Add the feature', input: request('Add the feature.') });
    await setup.engine.idle();
    return { task: setup.store.require(task.id), events: setup.store.events(task.id), changes: setup.changes };
  }

  it('pushes only to the configured remote: no URL rewrite, proxy, credential helper, hook or filter of the agent’s is used', async () => {
    const markers = join(home.dir, 'markers');
    mkdirSync(markers);
    const port = (listener.address() as { port: number }).port;
    const { task, events } = await run('hostile-git.sh', { LISTENER_PORT: String(port), GITHUB_BASE: `${gh.apiUrl}/`, MARKERS: markers });
    expect(task.error ?? '').toBe('');
    expect(task.state).toBe('awaiting_review');
    expect(connections).toBe(0);
    expect(readdirSync(markers)).toEqual([]);
    const head = await gh.headSha('acme', 'demo', task.branch ?? '');
    expect(events.at(-1)).toMatchObject({ type: 'published', headSha: head });
    // The files went out as written: no clean filter touched them.
    const clone = join(home.dir, 'check');
    await gitAsync(home.dir, 'clone', '-q', '--branch', task.branch ?? '', gh.gitUrl('acme', 'demo'), clone);
    expect(await gitAsync(clone, 'show', 'HEAD:feature.txt')).toBe("the agent's real work");
    expect(await gitAsync(clone, 'log', '--format=%an', '-1')).toBe('Director');
    expect(existsSync(join(markers, 'filter'))).toBe(false);
  });

  it('blocks a push with secrets, names file and line redacted, lets the agent remove them once, then pushes', async () => {
    const { task, events, changes } = await run('leaks-secrets.sh', { LEAK_RUNNER_TOKEN: RUNNER_TOKEN, LEAK_OPENAI_KEY: OPENAI_KEY });
    expect(task.error ?? '').toBe('');
    expect(task.state).toBe('awaiting_review');
    const blocked = events.filter((e) => e.type === 'push_blocked');
    expect(blocked).toEqual([
      {
        type: 'push_blocked',
        fixup: true,
        findings: expect.arrayContaining([
          { file: '.env.example', line: 2, excerpt: `OPENAI_API_KEY=${REDACTED}` },
          { file: 'leaked-runner.json', line: 3, excerpt: `  "token": "${REDACTED}"` },
        ]) as unknown,
      },
    ]);
    const milestone = changes.flatMap((c) => (c.event?.type === 'push_blocked' ? [milestoneFor(c.task, c.event)] : []))[0];
    expect(milestone).toMatchObject({
      post: true,
      text: expect.stringMatching(/^Push blocked: a secret in (\.env\.example:2|leaked-runner\.json:3)/) as unknown,
    });
    expect(JSON.stringify(milestone)).not.toMatch(/drt_0123|sk-proj-/);
    const objects = allObjects(bareDir(gh.root, 'acme', 'demo'));
    expect(objects).not.toContain(RUNNER_TOKEN);
    expect(objects).not.toContain(OPENAI_KEY);
    expect(objects).toContain('OPENAI_API_KEY=<your-key>');
    expect(gh.pulls('acme', 'demo')).toHaveLength(1);
  });

  it('publishes the files the agent leaves, never its own commits: a secret in its history does not leave', async () => {
    const { task } = await run('commits-secret.sh', { LEAK_RUNNER_TOKEN: RUNNER_TOKEN });
    expect(task.error ?? '').toBe('');
    expect(task.state).toBe('awaiting_review');
    const objects = allObjects(bareDir(gh.root, 'acme', 'demo'));
    expect(objects).not.toContain(RUNNER_TOKEN);
    expect(objects).toContain('export const feature = true;');
  });

  it('fails the task on a second find and pushes nothing', async () => {
    const { task, events } = await run('leaks-secrets.sh', { LEAK_RUNNER_TOKEN: RUNNER_TOKEN, LEAK_OPENAI_KEY: OPENAI_KEY, LEAK_AGAIN: '1' });
    expect(task.state).toBe('failed');
    expect(task.error).toContain('a secret is still in the diff after a fix-up turn');
    expect(task.error).toContain('leaked-runner.json:3');
    expect(task.error).not.toContain(RUNNER_TOKEN);
    expect(events.filter((e) => e.type === 'push_blocked').map((e) => e.type === 'push_blocked' && e.fixup)).toEqual([true, false]);
    expect(await gh.headSha('acme', 'demo', task.branch ?? '')).toBeUndefined();
    const objects = allObjects(bareDir(gh.root, 'acme', 'demo'));
    expect(objects).not.toContain(RUNNER_TOKEN);
    expect(objects).not.toContain(OPENAI_KEY);
    expect(gh.pulls('acme', 'demo')).toEqual([]);
  });
});
