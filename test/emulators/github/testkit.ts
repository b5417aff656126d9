// Helpers for the emulator's own tests: isolated real git in temp dirs, and Octokit checked against OpenAPI.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, expect } from 'vitest';
import { z } from 'zod';
import { isolatedGitEnv } from '../../../emulators/github/git.ts';
import { startGitHubEmulator } from '../../../emulators/github/index.ts';
import type { GitHubEmulator, GitHubEmulatorOptions } from '../../../emulators/github/index.ts';
import { checkResponse } from './openapi.ts';

/** Outcome of a git command that is allowed to fail. */
export interface GitOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** A temp HOME and workspace where git runs with no user/system config and never prompts. */
export class GitSandbox {
  private constructor(readonly dir: string) {}

  static async create(): Promise<GitSandbox> {
    const dir = await mkdtemp(join(tmpdir(), 'gh-emu-test-'));
    await mkdir(join(dir, 'home'));
    return new GitSandbox(dir);
  }

  /** A path inside the sandbox. */
  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  /** Runs git in `cwd`; resolves even on failure. */
  run(cwd: string, args: readonly string[]): Promise<GitOutcome> {
    const env = isolatedGitEnv(this.path('home'), {
      GIT_AUTHOR_NAME: 'Test Author',
      GIT_AUTHOR_EMAIL: 'author@example.com',
      GIT_COMMITTER_NAME: 'Test Author',
      GIT_COMMITTER_EMAIL: 'author@example.com',
      // No askpass of any kind: a credential prompt must fail, not hang.
      GIT_ASKPASS: '',
      SSH_ASKPASS: '',
    });
    return new Promise((resolve) => {
      execFile('git', [...args], { cwd, env, maxBuffer: 64 * 1024 * 1024, timeout: 30_000 }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout: stdout.trim(), stderr: stderr.trim() });
      });
    });
  }

  /** Runs git and returns stdout; throws with stderr on failure. */
  async git(cwd: string, args: readonly string[]): Promise<string> {
    const out = await this.run(cwd, args);
    if (out.code !== 0) throw new Error(`git ${args.join(' ')} failed (${out.code}): ${out.stderr}`);
    return out.stdout;
  }

  /** Clones into sandbox/<name>; returns the work tree path. */
  async clone(url: string, name: string): Promise<string> {
    await this.git(this.dir, ['clone', '--quiet', url, name]);
    return this.path(name);
  }

  /** Writes a file, commits it, returns the new HEAD sha. */
  async commit(repoDir: string, file: string, contents: string | Buffer, message: string): Promise<string> {
    const target = join(repoDir, file);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, contents);
    await this.git(repoDir, ['add', '--', file]);
    await this.git(repoDir, ['commit', '--quiet', '-m', message]);
    return this.git(repoDir, ['rev-parse', 'HEAD']);
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** Octokit's logger, quiet (request-log reports every expected 4xx through log.error). */
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** The real Octokit pointed at the emulator (token null: anonymous); every success is checked against OpenAPI into `problems`. */
export function octokitFor(emu: GitHubEmulator, problems: string[], token: string | null = emu.token): Octokit {
  const octokit = new Octokit({ ...(token === null ? {} : { auth: token }), baseUrl: emu.apiUrl, log: silent });
  octokit.hook.after('request', (response, options) => {
    // GraphQL is not part of the REST description.
    if (new URL(response.url).pathname === '/graphql') return;
    problems.push(...checkResponse(options.method, response.url, response.status, response.data));
  });
  return octokit;
}

/** What Octokit's RequestError carries that tests look at. */
const HttpFailure = z.object({
  name: z.literal('HttpError'),
  status: z.number(),
  message: z.string(),
  response: z.object({
    data: z.unknown(),
    headers: z.record(z.string(), z.union([z.string(), z.number(), z.undefined()])),
  }),
});

/** A parsed Octokit RequestError. */
export type HttpFailure = z.infer<typeof HttpFailure>;

/** The RequestError a call rejected with (fails the test if it resolved or threw something else). */
export async function requestError(call: Promise<unknown>): Promise<HttpFailure> {
  try {
    await call;
  } catch (error) {
    return HttpFailure.parse(error);
  }
  throw new Error('expected the request to fail');
}

/** One emulator with acme/widgets, a clone of it, and a validating Octokit. */
export interface World {
  emu: GitHubEmulator;
  sandbox: GitSandbox;
  octokit: Octokit;
  /** OpenAPI mismatches seen so far (tests assert it stays empty). */
  problems: string[];
  /** Work tree cloned with the token URL, so `git push` just works. */
  work: string;
  owner: string;
  repo: string;
  close(): Promise<void>;
}

/** Starts a World; `opts` go to startGitHubEmulator. */
export async function startWorld(opts: GitHubEmulatorOptions = {}): Promise<World> {
  const emu = await startGitHubEmulator(opts);
  const sandbox = await GitSandbox.create();
  const owner = 'acme';
  const repo = 'widgets';
  await emu.createRepo(owner, repo, { files: { 'README.md': '# widgets\n', 'src/app.txt': 'one\ntwo\nthree\n' } });
  const work = await sandbox.clone(emu.authGitUrl(owner, repo), 'work');
  const problems: string[] = [];
  const octokit = octokitFor(emu, problems);
  const close = async (): Promise<void> => {
    await emu.close();
    await sandbox.remove();
  };
  return { emu, sandbox, octokit, problems, work, owner, repo, close };
}

/**
 * Registers beforeEach/afterEach that start a fresh world and, after each test, check that every
 * response matched the OpenAPI description. Returns a getter for the current world.
 */
export function useWorld(opts: GitHubEmulatorOptions = {}): () => World {
  let world: World | undefined;
  beforeEach(async () => {
    world = await startWorld(opts);
  });
  afterEach(async () => {
    expect(world?.problems).toEqual([]);
    await world?.close();
  });
  return () => {
    if (!world) throw new Error('the world starts in beforeEach');
    return world;
  };
}

/** Creates `branch` from `from` with one commit of `file`, pushes it, returns the commit sha. */
export async function pushBranch(world: World, branch: string, file: string, contents: string, from = 'main'): Promise<string> {
  const { sandbox, work } = world;
  await sandbox.git(work, ['fetch', '--quiet', 'origin']);
  await sandbox.git(work, ['checkout', '--quiet', '-B', branch, `origin/${from}`]);
  const sha = await sandbox.commit(work, file, contents, `Change ${file} on ${branch}`);
  await sandbox.git(work, ['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`]);
  return sha;
}
