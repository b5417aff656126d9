// The GitHub emulator: a loopback REST API for the unmodified Octokit, backed by real bare git repos.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ApiDeps } from './api-kit.ts';
import { feedbackRoutes } from './api-feedback.ts';
import { issueRoutes } from './api-issues.ts';
import { mergeRoutes } from './api-merge.ts';
import { ruleRoutes } from './api-rules.ts';
import { graphqlRoutes } from './graphql.ts';
import { miscRoutes } from './api-misc.ts';
import { pullRoutes } from './api-pulls.ts';
import { bareDir, initBareRepo, validRepoName } from './bare.ts';
import { GitRunner, revParse } from './git.ts';
import { newToken, toMs } from './ids.ts';
import { RateLimiter } from './rate-limit.ts';
import { Router } from './router.ts';
import { startServer } from './server.ts';
import type { RunningServer } from './server.ts';
import { Store } from './store.ts';
import type { RepoRecord } from './store.ts';
import { TestHands } from './test-hands.ts';
import type {
  AddIssueInput,
  CommentRecord,
  CreateRepoInput,
  EmulatorConfig,
  GitHubEmulatorOptions,
  IssueRecord,
  PullView,
  RateLimitExhaustion,
  Repo,
  RequestRecord,
} from './types.ts';

export type * from './types.ts';
export type { AnnotationInput, Permission } from './feedback-hands.ts';
/** An issue as the store holds it (returned by addIssue / issues()). */
export type Issue = IssueRecord;

function resolveConfig(opts: GitHubEmulatorOptions): EmulatorConfig {
  return {
    token: opts.token ?? newToken(),
    login: opts.login ?? 'director-bot',
    perPageMax: opts.perPageMax ?? 100,
    rateLimit: opts.rateLimit ?? 5000,
    now: opts.now ?? Date.now,
  };
}

/** A running emulator. Create with `startGitHubEmulator`. */
export class GitHubEmulator extends TestHands {
  /** "http://127.0.0.1:PORT" — Octokit's baseUrl. */
  readonly apiUrl: string;
  /** Every request (REST and git), in arrival order. */
  readonly requests: readonly RequestRecord[];
  private closed = false;

  private constructor(
    readonly config: EmulatorConfig,
    deps: ApiDeps,
    /** Directory holding owner/repo.git. */
    readonly root: string,
    private readonly cleanup: string[],
    private readonly server: RunningServer,
    records: RequestRecord[],
  ) {
    super(deps);
    this.apiUrl = `http://127.0.0.1:${server.port}`;
    this.requests = records;
  }

  /** Use `startGitHubEmulator`. */
  static async start(opts: GitHubEmulatorOptions = {}): Promise<GitHubEmulator> {
    const config = resolveConfig(opts);
    const home = await mkdtemp(join(tmpdir(), 'gh-emu-home-'));
    const root = opts.root === undefined ? await mkdtemp(join(tmpdir(), 'gh-emu-repos-')) : resolve(opts.root);
    await mkdir(root, { recursive: true });
    const store = new Store();
    const render = { store, api: '', html: '', login: config.login };
    const deps: ApiDeps = {
      config,
      store,
      git: new GitRunner(home),
      render,
      limiter: new RateLimiter(config.rateLimit, config.now),
      mergeCache: new Map(),
    };
    const records: RequestRecord[] = [];
    const router = new Router([...miscRoutes, ...issueRoutes, ...pullRoutes, ...mergeRoutes, ...ruleRoutes, ...graphqlRoutes, ...feedbackRoutes]);
    const server = await startServer({ deps, router, root, records });
    render.api = `http://127.0.0.1:${server.port}`;
    render.html = render.api;
    const cleanup = opts.root === undefined ? [home, root] : [home];
    return new GitHubEmulator(config, deps, root, cleanup, server, records);
  }

  /** The valid token (Authorization: token/Bearer, or the password of git's basic auth). */
  get token(): string {
    return this.config.token;
  }

  /** Makes the token read-only (or writable again): repositories show `permissions.push: false` and pushes get 403. */
  setTokenCanPush(canPush: boolean): void {
    this.deps.store.tokenCanPush = canPush;
  }

  /** The token owner's login (author of PRs and comments made through the API). */
  get login(): string {
    return this.config.login;
  }

  /** Clone/fetch URL without credentials; pushing needs the token (see `authGitUrl`). */
  gitUrl(owner: string, repo: string): string {
    return `${this.apiUrl}/${owner}/${repo}.git`;
  }

  /** "http://x-access-token:<token>@127.0.0.1:PORT/owner/repo.git": push without prompts. */
  authGitUrl(owner: string, repo: string): string {
    return `http://x-access-token:${this.token}@127.0.0.1:${new URL(this.apiUrl).port}/${owner}/${repo}.git`;
  }

  /** A bare repository with one initial commit on the default branch. */
  async createRepo(owner: string, repo: string, input: CreateRepoInput = {}): Promise<Repo> {
    if (!validRepoName(owner) || !validRepoName(repo)) throw new Error(`github emulator: bad repo name ${owner}/${repo}`);
    if (this.deps.store.repo(owner, repo)) throw new Error(`github emulator: ${owner}/${repo} already exists`);
    const defaultBranch = input.defaultBranch ?? 'main';
    const gitDir = bareDir(this.root, owner, repo);
    const now = this.config.now();
    const author = { name: owner, email: `${this.deps.store.userId(owner)}+${owner}@users.noreply.github.com` };
    const files = input.files ?? { 'README.md': `# ${repo}\n` };
    const initialSha = await initBareRepo(this.deps.git, gitDir, { defaultBranch, files, author, nowMs: now });
    const record = this.deps.store.addRepo({
      id: this.deps.store.ids.take(),
      owner,
      name: repo,
      defaultBranch,
      gitDir,
      initialSha,
      createdAt: now,
      pushedAt: now,
    });
    return { id: record.id, owner, name: repo, fullName: `${owner}/${repo}`, defaultBranch, gitDir, initialSha };
  }

  /** Files an issue (numbers are shared with PRs). */
  addIssue(owner: string, repo: string, input: AddIssueInput): Issue {
    const { store } = this.deps;
    const record = store.mustRepo(owner, repo);
    const now = this.config.now();
    const createdAt = input.createdAt === undefined ? now : toMs(input.createdAt);
    if (Number.isNaN(createdAt)) throw new Error(`github emulator: bad createdAt ${String(input.createdAt)}`);
    const milestone = input.milestone === undefined ? null : store.milestone(record, input.milestone, createdAt).number;
    const closed = input.state === 'closed';
    const issue = store.addIssue(record, {
      title: input.title,
      body: input.body ?? null,
      state: closed ? 'closed' : 'open',
      stateReason: closed ? 'completed' : null,
      user: input.user ?? 'octocat',
      labels: input.labels ?? [],
      assignees: input.assignee === undefined ? [] : [input.assignee],
      milestone,
      reactions: input.reactions ?? 0,
      createdAt,
      updatedAt: createdAt,
      closedAt: closed ? createdAt : null,
    });
    for (const body of input.comments ?? []) store.addComment(issue, body, input.user ?? 'octocat', createdAt);
    return issue;
  }

  /** Comments on an issue or PR (as "octocat" unless `user` is given). */
  addComment(owner: string, repo: string, number: number, body: string, user = 'octocat'): CommentRecord {
    const issue = this.issueRecord(owner, repo, number);
    return this.deps.store.addComment(issue, body, user, this.config.now());
  }

  /** Plain issues (PRs excluded; see `pulls`), in number order. */
  issues(owner: string, repo: string): Issue[] {
    return [...this.deps.store.mustRepo(owner, repo).issues.values()].filter((i) => i.pull === undefined);
  }

  /** PRs as seen by the last API request, in number order. */
  pulls(owner: string, repo: string): PullView[] {
    return this.deps.store.pulls(this.deps.store.mustRepo(owner, repo)).flatMap((issue) => {
      const pull = issue.pull;
      if (!pull) return [];
      return [
        {
          number: issue.number,
          title: issue.title,
          body: issue.body,
          state: issue.state,
          draft: pull.draft,
          merged: pull.merged,
          mergeCommitSha: pull.mergeCommitSha,
          head: { ref: pull.headRef, sha: pull.headSha },
          base: { ref: pull.baseRef, sha: pull.baseSha },
          user: issue.user,
          labels: [...issue.labels],
          comments: issue.comments.map((c) => c.body),
          reviews: [...pull.reviews],
          reviewComments: [...pull.reviewComments],
        },
      ];
    });
  }

  /** The sha a ref (branch, tag, sha) points to in the bare repo now. */
  headSha(owner: string, repo: string, ref: string): Promise<string | undefined> {
    return revParse(this.deps.git, this.repoRecord(owner, repo).gitDir, ref);
  }

  /** Makes API requests fail with 403/429 until `resetInSeconds` have passed on the emulator's clock. */
  exhaustRateLimit(how: RateLimitExhaustion): void {
    this.deps.limiter.exhaust(how);
  }

  /** Closes the server and removes the temp dirs it made; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.server.close();
    for (const dir of this.cleanup) await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  }

  private repoRecord(owner: string, repo: string): RepoRecord {
    return this.deps.store.mustRepo(owner, repo);
  }
}

/** Starts an emulator on 127.0.0.1 with an OS-assigned port. */
export function startGitHubEmulator(opts: GitHubEmulatorOptions = {}): Promise<GitHubEmulator> {
  return GitHubEmulator.start(opts);
}
