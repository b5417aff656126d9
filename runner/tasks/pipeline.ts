import type { Octokit } from '@octokit/rest';
import type { Redactor } from '../../shared/redact.ts';
import { join } from 'node:path';
import type { CommitIdentity } from '../publish/git.ts';
import { publishFromPrivateRepo } from '../publish/private-repo.ts';
import { checkedRemoteUrl } from '../publish/push-url.ts';
import { pullRequestBody } from '../publish/body.ts';
import { upsertDraftPull } from '../publish/pull-request.ts';
import { detectTestCommand, splitCommand } from '../verify/detect.ts';
import { runVerification, type VerifyOptions } from '../verify/run.ts';
import { verifyCommandFor, type EngineProject } from './project.ts';
import type { TaskRecord } from './store.ts';
import type { Publish, Verify } from './verify-and-publish.ts';

/** The engine's verify step: the task's verification command (chosen, configured, else detected) in the worktree. */
export function projectVerifier(options: Omit<VerifyOptions, 'runId' | 'cwd' | 'argv'>): Verify {
  return async (task, project, runId) => {
    const cwd = task.worktree ?? project.path;
    const configured = verifyCommandFor(task, project);
    const argv = configured ? splitCommand(configured) : detectTestCommand(cwd);
    if (!argv) return undefined;
    const { ok, command, durationMs, passed, failed, skipped, failing, timedOut, output } = await runVerification({ ...options, runId, cwd, argv });
    return {
      type: 'verification',
      ok,
      command,
      durationMs,
      ...(passed !== undefined && { passed }),
      ...(failed !== undefined && { failed }),
      ...(skipped !== undefined && { skipped }),
      failing,
      timedOut,
      output,
    };
  };
}

export interface PublisherOptions {
  octokit: Octokit;
  /** Where to push a repository, e.g. https://github.com/owner/name.git. */
  gitUrl: (repo: string) => string;
  /** The only origin a push may go to (github.url); checked before every fetch and push. */
  allowedOrigin: string;
  /** The runner's own git directories, one per repository, under DIRECTOR_HOME: the agent cannot reach them. */
  privateRoot: string;
  /** The runner's GitHub token: for the push and the PR; never given to agents. */
  token: string;
  identity: CommitIdentity;
  redact: Redactor;
  /** PATH for git; no other variable of the runner's reaches the publishing git. */
  path: string;
}

function titleOf(task: TaskRecord): string {
  if (task.input.kind === 'sentry') return `${task.input.issue.title} (${task.input.issue.shortId})`;
  return task.input.kind === 'issue' ? `${task.input.issue.title} (#${task.input.issue.number})` : task.title;
}

/**
 * The engine's publish step: the runner commits the worktree's files in its own git directory
 * (never with the clone's config, hooks or attribute drivers), scans the diff for secrets, pushes
 * the task's branch to the checked URL and opens or updates its draft PR.
 */
export function githubPublisher({ octokit, gitUrl, allowedOrigin, privateRoot, token, identity, redact, path }: PublisherOptions): Publish {
  // One publish per private git directory at a time: concurrent fetches of a default branch that moved (a merge) fight over its ref's lock.
  const queues = new Map<string, Promise<unknown>>();
  const oneAtATime = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const next = (queues.get(key) ?? Promise.resolve()).then(work, work);
    queues.set(
      key,
      next.catch(() => undefined),
    );
    return next;
  };
  return async (task, project: EngineProject, summary, verification, review) => {
    if (!project.repo) throw new Error(`project ${project.name} has no GitHub repo configured, so nothing can be published`);
    if (!task.worktree || !task.branch) throw new Error(`task ${task.id} has no worktree to publish`);
    const closes =
      task.input.kind === 'issue' ? `\n\nCloses #${task.input.issue.number}` : task.input.kind === 'sentry' ? `\n\nFixes ${task.input.issue.shortId}` : '';
    const gitDir = join(privateRoot, `${project.repo}.git`);
    const worktree = task.worktree;
    const branch = task.branch;
    const pushed = await oneAtATime(gitDir, () =>
      publishFromPrivateRepo({
        gitDir,
        path,
        url: checkedRemoteUrl(gitUrl(project.repo ?? ''), allowedOrigin),
        token,
        worktree,
        commonDir: join(project.path, '.git'),
        branch,
        defaultBranch: project.defaultBranch,
        message: redact(`${titleOf(task)}${closes}\n\nCommitted by Director for task ${task.id}.`),
        identity,
        redact,
      }),
    );
    if (pushed === 'nothing') return 'nothing';
    const pull = await upsertDraftPull(octokit, {
      repo: project.repo,
      branch: task.branch,
      base: project.defaultBranch,
      title: redact(titleOf(task)),
      body: pullRequestBody(task.input, summary, verification, redact, review),
      ...(task.pr_number !== null && { existing: task.pr_number }),
    });
    return { prNumber: pull.number, prUrl: pull.url, headSha: pushed.headSha, updated: !pull.created };
  };
}
