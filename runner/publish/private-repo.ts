import { existsSync, lstatSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redactor } from '../../shared/redact.ts';
import { cleanGit, type CleanGit } from './clean-git.ts';
import type { CommitIdentity } from './git.ts';
import { scanDiff, SecretsFoundError } from './secret-scan.ts';

export interface PrivatePublishArgs {
  /** The runner's own bare repository for this GitHub repo, under DIRECTOR_HOME. */
  gitDir: string;
  /** PATH for git; nothing else of the runner's environment is passed. */
  path: string;
  /** The checked remote URL: the only place fetched from and pushed to. */
  url: string;
  token: string;
  /** The task's files; read as content, its `.git` and config never used. */
  worktree: string;
  /** The user's clone's git directory: the agent's branch tip is read from it as a file, never run. */
  commonDir: string;
  branch: string;
  defaultBranch: string;
  message: string;
  identity: CommitIdentity;
  /** Detects secrets on added lines. */
  redact: Redactor;
}

const SHA = /^[0-9a-f]{40}$/;

/** A regular file's text, else undefined: the agent may have left a FIFO or a link to read forever. */
function regularFile(path: string): string | undefined {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  return stat?.isFile() && stat.size < 64 * 1024 * 1024 ? readFileSync(path, 'utf8') : undefined;
}

/** The branch's tip as the user's clone records it, or undefined. Plain file reads: no git runs there. */
export function readBranchTip(commonDir: string, branch: string): string | undefined {
  const ref = `refs/heads/${branch}`;
  const loose = regularFile(join(commonDir, ref))?.trim();
  if (loose !== undefined) return SHA.test(loose) ? loose : undefined;
  const line = regularFile(join(commonDir, 'packed-refs'))
    ?.split('\n')
    .find((l) => l.endsWith(` ${ref}`));
  const sha = line?.slice(0, 40);
  return sha && SHA.test(sha) ? sha : undefined;
}

function authEnv(token: string): Record<string, string> {
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  // A header through git's environment config: never on the command line or in the URL.
  return { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}` };
}

async function verified(git: CleanGit, rev: string): Promise<string | undefined> {
  return git(['rev-parse', '-q', '--verify', `${rev}^{commit}`]).catch(() => undefined);
}

/**
 * The commit to build on: the branch as last pushed, else where the agent's branch left the
 * default branch. Both come from the remote through this repository, so a parent the agent
 * forged (to hide a secret from the diff) cannot be chosen.
 */
async function trustedParent(git: CleanGit, args: PrivatePublishArgs): Promise<{ parent: string; published: boolean }> {
  const published = await verified(git, `refs/director/published/${args.branch}`);
  if (published) return { parent: published, published: true };
  const base = await verified(git, 'refs/director/base');
  if (!base) throw new Error(`the remote has no ${args.defaultBranch} branch to build on`);
  const tip = readBranchTip(args.commonDir, args.branch);
  if (!tip) return { parent: base, published: false };
  // The agent's objects are read only to find the common ancestor; its result must be ours.
  // A short time limit: a FIFO planted among those objects must not stall the runner.
  const borrowing = cleanGit(args.gitDir, args.path, 30_000);
  const fork = await borrowing(['merge-base', tip, base], { GIT_ALTERNATE_OBJECT_DIRECTORIES: join(args.commonDir, 'objects') }).catch(() => '');
  const ours = SHA.test(fork) ? await verified(git, fork) : undefined;
  return { parent: ours ?? base, published: false };
}

/**
 * The default branch as a second parent, when the runner merged it into the worktree to let the
 * agent resolve a conflict (MERGE_HEAD, read as a file). Only a commit of the default branch as
 * fetched here is ever taken, and only when the branch does not contain it yet.
 */
async function mergedDefault(git: CleanGit, args: PrivatePublishArgs, parent: string): Promise<string | undefined> {
  const pointer = regularFile(join(args.worktree, '.git'))?.trim();
  const adminDir = pointer?.startsWith('gitdir: ') ? pointer.slice('gitdir: '.length) : undefined;
  const mergeHead = adminDir ? regularFile(join(adminDir, 'MERGE_HEAD'))?.trim() : undefined;
  if (!mergeHead || !SHA.test(mergeHead)) return undefined;
  const base = await verified(git, 'refs/director/base');
  const ancestor = (a: string, b: string) =>
    git(['merge-base', '--is-ancestor', a, b]).then(
      () => true,
      () => false,
    );
  // The default branch may have moved on since the runner merged it: any commit of it, as fetched here, will do.
  if (!base || !(await ancestor(mergeHead, base))) return undefined;
  return (await ancestor(mergeHead, parent)) ? undefined : mergeHead;
}

/**
 * Commits the worktree's files in the runner's private repository and pushes the commit to the
 * task's branch, after a secret scan of everything it adds. Returns the pushed head, or
 * 'nothing' when the worktree adds nothing to the default branch.
 */
export async function publishFromPrivateRepo(args: PrivatePublishArgs): Promise<{ headSha: string } | 'nothing'> {
  const { gitDir, url, branch, defaultBranch, worktree } = args;
  const git = cleanGit(gitDir, args.path);
  if (!existsSync(join(gitDir, 'HEAD'))) {
    mkdirSync(gitDir, { recursive: true, mode: 0o700 });
    await git(['init', '-q', '--bare']);
  }
  const auth = authEnv(args.token);
  const refspecs = [`+refs/heads/${defaultBranch}:refs/director/base`, `+refs/heads/${branch}*:refs/director/published/${branch}*`];
  await git(['fetch', '-q', '--no-tags', '--no-recurse-submodules', url, ...refspecs], auth);
  const { parent, published } = await trustedParent(git, args);

  const index = { GIT_INDEX_FILE: join(gitDir, `index-${branch.replace(/[^A-Za-z0-9_-]/g, '_')}`) };
  await git(['read-tree', parent], index);
  // The worktree is only a source of files: its .git entry is skipped and its attributes name no driver our config defines.
  await git([`--work-tree=${worktree}`, 'add', '-A', '--', '.'], index, worktree);
  const tree = await git(['write-tree'], index);
  if (tree === (await git(['rev-parse', `${parent}^{tree}`]))) return published ? { headSha: parent } : 'nothing';

  const diff = await git(['diff', '-U0', '--no-renames', '--no-ext-diff', '--no-textconv', '--text', '--no-color', parent, tree]);
  const findings = scanDiff(diff, args.redact);
  if (findings.length > 0) throw new SecretsFoundError(findings);

  const { name, email } = args.identity;
  const who = { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email };
  const merged = await mergedDefault(git, args, parent);
  const head = await git(['commit-tree', tree, '-p', parent, ...(merged ? ['-p', merged] : []), '-m', args.message], who);
  await git(['push', '-q', '--no-verify', url, `${head}:refs/heads/${branch}`], auth);
  await git(['update-ref', `refs/director/published/${branch}`, head]);
  return { headSha: head };
}
