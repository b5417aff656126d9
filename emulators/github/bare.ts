// Creating the bare repositories git http-backend serves: one initial commit on the default branch.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, sep } from 'node:path';
import { identityEnv } from './git.ts';
import type { GitRunner } from './git.ts';

/** Where GitHub-made commits come from. */
export const GITHUB_COMMITTER = { name: 'GitHub', email: 'noreply@github.com' };

/** Owner and repo names GitHub accepts (also keeps paths inside the root). */
export function validRepoName(name: string): boolean {
  return /^[A-Za-z0-9_.-]+$/.test(name) && name !== '.' && name !== '..' && !name.endsWith('.git');
}

/** The bare repository's directory under root ("owner/repo.git", as http-backend's PATH_INFO names it). */
export function bareDir(root: string, owner: string, repo: string): string {
  return join(root, owner, `${repo}.git`);
}

/** Writes files into a scratch dir, rejecting paths that would escape it. */
async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, contents] of Object.entries(files)) {
    const target = normalize(join(dir, path));
    if (!target.startsWith(dir + sep)) throw new Error(`github emulator: file path escapes the repo: ${path}`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, contents);
  }
}

/** `git init --bare` with push over HTTP enabled and an initial commit; returns the commit's sha. */
export async function initBareRepo(
  git: GitRunner,
  gitDir: string,
  opts: { defaultBranch: string; files: Record<string, string>; author: { name: string; email: string }; nowMs: number },
): Promise<string> {
  await mkdir(dirname(gitDir), { recursive: true });
  await git.ok(['init', '--bare', '--quiet', `--initial-branch=${opts.defaultBranch}`, gitDir]);
  // http-backend refuses receive-pack unless enabled (or REMOTE_USER is set); enable it, auth is ours.
  await git.ok(['config', 'http.receivepack', 'true'], { gitDir });
  // GitHub lets clients fetch any reachable commit by sha (e.g. `git fetch origin <sha>`).
  await git.ok(['config', 'uploadpack.allowReachableSHA1InWant', 'true'], { gitDir });
  const scratch = await mkdtemp(join(tmpdir(), 'gh-emu-init-'));
  try {
    const work = join(scratch, 'work');
    await mkdir(work);
    await writeFiles(work, opts.files);
    const env = { GIT_INDEX_FILE: join(scratch, 'index'), ...identityEnv(opts.author, opts.author, opts.nowMs) };
    await git.ok(['--work-tree', work, 'add', '--all', '.'], { gitDir, env, cwd: work });
    const tree = await git.ok(['write-tree'], { gitDir, env });
    const sha = await git.ok(['commit-tree', tree, '-m', 'Initial commit'], { gitDir, env });
    await git.ok(['update-ref', `refs/heads/${opts.defaultBranch}`, sha, ''], { gitDir });
    return sha;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
