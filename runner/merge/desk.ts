import type { Octokit } from '@octokit/rest';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import type { MergeMethod, MergeOutcome, MergeRequest, RunnerToBot } from '../../shared/protocol.ts';
import { readGate, verdict, type PullGate } from '../github/checks.ts';
import { repoParts } from '../github/issues.ts';
import type { TaskRecord, TaskStore } from '../tasks/store.ts';
import { prState } from './pr-state.ts';

/** A project's merge settings in the runner's config: `false` turns merging off. */
export type MergeSettings = false | { deleteBranch: boolean; removeWorktree: boolean };

export interface MergeDeskOptions {
  octokit: Octokit | undefined;
  store: TaskStore;
  /** Project name → its repo and merge settings. */
  projects: ReadonlyMap<string, { repo?: string | undefined; merge: MergeSettings }>;
  send: (frame: RunnerToBot) => void;
  /** Removes a settled task's worktree (the engine's close). */
  removeWorktree: (taskId: string) => Promise<void>;
  /** After a merge: the other PRs of the project may now be behind or conflict. */
  afterMerge?: (project: string, mergedTaskId: string) => Promise<void>;
  clock: Clock;
  log: Logger;
  /** How often pending checks are read again (merge when green). */
  pollMs?: number;
  /** How long merge when green waits for checks before giving up. */
  waitLimitMs?: number;
}

const statusOf = z.object({ status: z.number(), message: z.string().transform((m) => m.replace(/ - https:\/\/\S+$/, '')) });
const repoSchema = z.object({ allow_squash_merge: z.boolean().optional(), allow_merge_commit: z.boolean().optional() });
const mergedSchema = z.object({ sha: z.string() });

class Refusal extends Error {
  constructor(
    readonly outcome: Exclude<MergeOutcome, 'merged' | 'waiting'>,
    reason: string,
    readonly headSha?: string,
  ) {
    super(reason);
  }
}

/**
 * The runner's last word on merges: only its own tasks' PRs, at the sha the card showed, with every
 * check green and the reviews GitHub requires. Merges of one project run one at a time; a click
 * while checks run becomes "merge when green", pinned to that sha. Never an admin merge.
 */
export class MergeDesk {
  private readonly lanes = new Map<string, Promise<void>>();
  /** Looks at GitHub and merges queued or running per project. */
  private readonly busy = new Map<string, number>();
  /** Projects with a merge whose siblings were not looked at yet, with the last merged task. */
  private readonly pendingSiblings = new Map<string, string>();

  constructor(private readonly options: MergeDeskOptions) {}

  /** Handles a merge request: each look at GitHub and each merge waits behind the project's others; waiting for checks does not hold them up. */
  request(frame: MergeRequest): Promise<void> {
    const task = this.options.store.get(frame.taskId);
    return this.run(frame, task, (work) => this.inLane(task?.project ?? '', work));
  }

  private inLane<T>(lane: string, work: () => Promise<T>): Promise<T> {
    this.busy.set(lane, (this.busy.get(lane) ?? 0) + 1);
    const next = (this.lanes.get(lane) ?? Promise.resolve()).then(work);
    const settled = () => {
      this.busy.set(lane, (this.busy.get(lane) ?? 1) - 1);
      this.siblingsWhenIdle(lane);
    };
    this.lanes.set(lane, next.then(settled, settled));
    return next;
  }

  /** The sibling pass runs once a project's queued merges are done (Merge all ready does not wait for it after each). */
  private siblingsWhenIdle(project: string): void {
    const merged = this.pendingSiblings.get(project);
    if (merged === undefined || (this.busy.get(project) ?? 0) > 0) return;
    this.pendingSiblings.delete(project);
    void this.options.afterMerge?.(project, merged).catch((error: unknown) => this.options.log.warn({ err: error }, 'looking at sibling PRs failed'));
  }

  /** Sends the task's PR state for its card. */
  async describe(taskId: string): Promise<void> {
    const { store, projects, octokit, send } = this.options;
    const task = store.get(taskId);
    const repo = task ? projects.get(task.project)?.repo : undefined;
    if (!task?.pr_number || !repo || !octokit) return;
    send(prState(taskId, await readGate(octokit, repo, task.pr_number)));
  }

  private async run(frame: MergeRequest, task: TaskRecord | undefined, lane: <T>(work: () => Promise<T>) => Promise<T>): Promise<void> {
    const result = (outcome: MergeOutcome, extra: { headSha?: string; mergeSha?: string; reason?: string } = {}) =>
      this.options.send({ type: 'merge.result', requestId: frame.requestId, taskId: frame.taskId, outcome, sha: frame.sha, ...extra });
    try {
      const { repo, octokit } = this.allowed(frame, task);
      await this.mergeWhenGreen(frame, repo, octokit, {
        lane,
        waiting: () => result('waiting', { reason: 'waiting for checks' }),
        // Clean-up and the sibling pass run beside the lane: the next merge need not wait for them.
        merged: (merged) => {
          result('merged', { mergeSha: merged.sha, headSha: merged.head });
          if (task) void this.cleanUp(task, repo, octokit).catch((error: unknown) => this.options.log.warn({ err: error }, 'clean-up after a merge failed'));
          return Promise.resolve();
        },
      });
    } catch (error) {
      if (error instanceof Refusal) return result(error.outcome, { reason: error.message, ...(error.headSha && { headSha: error.headSha }) });
      this.options.log.error({ err: error, task: frame.taskId }, 'merge failed');
      result('refused', { reason: `GitHub failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  /** The runner's own rules, before GitHub is asked anything. */
  private allowed(frame: MergeRequest, task: TaskRecord | undefined): { repo: string; octokit: Octokit } {
    const { projects, octokit } = this.options;
    if (!task) throw new Refusal('refused', `this runner has no task ${frame.taskId}`);
    const project = projects.get(task.project);
    if (project?.merge === false) throw new Refusal('refused', `merging is turned off for project "${task.project}" in this runner's config (merge: false)`);
    if (!project?.repo || !octokit) throw new Refusal('refused', 'this runner has no GITHUB_TOKEN or no repo for the project, so it cannot merge');
    if (task.pr_number !== frame.pr) {
      throw new Refusal('refused', `PR #${frame.pr} is not the PR of task ${task.id}${task.pr_number ? ` (#${task.pr_number})` : ''}: nothing merged`);
    }
    return { repo: project.repo, octokit };
  }

  /** Reads the gate until it is green (then merges at the pinned sha), or refuses saying why; waits for checks outside the lane. */
  private async mergeWhenGreen(
    frame: MergeRequest,
    repo: string,
    octokit: Octokit,
    on: { lane: <T>(work: () => Promise<T>) => Promise<T>; waiting: () => void; merged: (merged: { sha: string; head: string }) => Promise<void> },
  ): Promise<void> {
    const { clock, pollMs = 5000, waitLimitMs = 6 * 3600_000 } = this.options;
    const started = clock.now();
    const state = { pinned: frame.sha, waited: false };
    for (;;) {
      const step = await on.lane(() => this.attempt(frame, repo, octokit, state, on.merged));
      if (step.kind === 'done') return;
      if (step.kind === 'again') continue;
      if (clock.now() - started > waitLimitMs)
        throw new Refusal('gave_up', `checks still pending after ${Math.round(waitLimitMs / 60_000)} min: ${step.waitingFor.join(', ')}`);
      if (!state.waited) on.waiting();
      state.waited = true;
      await clock.sleep(pollMs);
    }
  }

  /** One look at the gate, in the project's lane: merged, read again, or pending. */
  private async attempt(
    frame: MergeRequest,
    repo: string,
    octokit: Octokit,
    state: { pinned: string; waited: boolean },
    merged: (merged: { sha: string; head: string }) => Promise<void>,
  ): Promise<{ kind: 'done' } | { kind: 'again' } | { kind: 'pending'; waitingFor: string[] }> {
    const { pinned, waited } = state;
    {
      const gate = await readGate(octokit, repo, frame.pr);
      const { pull } = gate;
      if (pull.merged) throw new Refusal('refused', `PR #${pull.number} is already merged`);
      if (pull.state !== 'open') throw new Refusal('refused', `PR #${pull.number} is closed`);
      if (pull.head.sha !== pinned) {
        this.options.send(prState(frame.taskId, gate));
        throw new Refusal('moved', `the PR's head moved to ${pull.head.sha.slice(0, 7)} since the card showed ${pinned.slice(0, 7)}`, pull.head.sha);
      }
      const v = verdict(gate);
      const giveUp = waited ? 'gave_up' : 'refused';
      if (v.kind === 'failing') throw new Refusal(giveUp, `check${v.failing.length > 1 ? 's' : ''} failed: ${v.failing.join(', ')}`);
      if (v.kind === 'conflict') this.options.send(prState(frame.taskId, gate));
      if (v.kind === 'conflict') throw new Refusal(giveUp, `PR #${pull.number} conflicts with ${pull.base.ref}: its agent must rebase it first`);
      if (v.kind === 'review') {
        throw new Refusal(
          giveUp,
          `${pull.base.ref} requires ${v.needed} approving review(s) and the PR has ${v.given}; the runner cannot approve its own PR: review it on GitHub (${pull.html_url})`,
        );
      }
      if (v.kind === 'behind') {
        // Only the base is merged in: the reviewed change stays the same, so the approval carries to the new head.
        state.pinned = await this.updateBranch(octokit, repo, pull);
        return { kind: 'again' };
      }
      if (v.kind === 'pending') return { kind: 'pending', waitingFor: v.waitingFor };
      if (pull.draft) {
        // GitHub reads a draft's state as "draft" only: once ready, a behind head shows, and the gate is read again.
        await octokit.graphql('mutation($id: ID!) { markPullRequestReadyForReview(input: { pullRequestId: $id }) { pullRequest { isDraft } } }', {
          id: pull.node_id,
        });
        return { kind: 'again' };
      }
      await merged({ sha: await this.merge(frame, repo, octokit, gate), head: pinned });
      return { kind: 'done' };
    }
  }

  private async updateBranch(octokit: Octokit, repo: string, pull: PullGate['pull']): Promise<string> {
    const parts = repoParts(repo);
    try {
      await octokit.rest.pulls.updateBranch({ ...parts, pull_number: pull.number, expected_head_sha: pull.head.sha });
    } catch (error) {
      throw new Refusal(
        'refused',
        `PR #${pull.number} is behind ${pull.base.ref} and GitHub could not update it: ${statusOf.safeParse(error).data?.message ?? String(error)}`,
      );
    }
    const { data } = await octokit.rest.pulls.get({ ...parts, pull_number: pull.number });
    return z.object({ head: z.object({ sha: z.string() }) }).parse(data).head.sha;
  }

  private async merge(frame: MergeRequest, repo: string, octokit: Octokit, gate: PullGate): Promise<string> {
    const parts = repoParts(repo);
    const { pull } = gate;
    const task = this.options.store.get(frame.taskId);
    const issue = task?.input.kind === 'issue' ? task.input.issue.number : undefined;
    const method = frame.method ?? (await this.defaultMethod(octokit, repo));
    try {
      const { data } = await octokit.rest.pulls.merge({
        ...parts,
        pull_number: pull.number,
        sha: pull.head.sha,
        merge_method: method,
        commit_title: `${task?.title ?? `PR #${pull.number}`} (#${pull.number})`,
        commit_message: `${issue === undefined ? '' : `Closes #${issue}\n\n`}Approved in Slack by ${frame.approvedBy.name}.`,
      });
      return mergedSchema.parse(data).sha;
    } catch (error) {
      const failed = statusOf.safeParse(error);
      if (failed.data?.status === 409) throw new Refusal('moved', `GitHub says the head moved: ${failed.data.message}`);
      if (failed.data?.status === 405 || failed.data?.status === 422) throw new Refusal('refused', `GitHub refused the merge: ${failed.data.message}`);
      throw error;
    }
  }

  /** Squash where the repository allows it, else a merge commit, else rebase. */
  private async defaultMethod(octokit: Octokit, repo: string): Promise<MergeMethod> {
    const allowed = repoSchema.parse((await octokit.rest.repos.get(repoParts(repo))).data);
    if (allowed.allow_squash_merge !== false) return 'squash';
    return allowed.allow_merge_commit !== false ? 'merge' : 'rebase';
  }

  /** The remote branch and the worktree go (configurable); the project's other PRs are looked at. */
  private async cleanUp(task: TaskRecord, repo: string, octokit: Octokit): Promise<void> {
    const settings = this.options.projects.get(task.project)?.merge;
    const { log } = this.options;
    if (settings && settings.deleteBranch && task.branch) {
      await octokit.rest.git
        .deleteRef({ ...repoParts(repo), ref: `heads/${task.branch}` })
        .catch((error: unknown) => log.warn({ err: error }, 'branch not deleted'));
    }
    if (settings && settings.removeWorktree)
      await this.options.removeWorktree(task.id).catch((error: unknown) => log.warn({ err: error }, 'worktree not removed'));
    this.pendingSiblings.set(task.project, task.id);
    this.siblingsWhenIdle(task.project);
  }
}
