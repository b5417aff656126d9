// Shared shapes of the GitHub emulator: options, what tests add, and what they read back.

/** What a test may override; every field has a GitHub-like default. */
export interface GitHubEmulatorOptions {
  /** The one valid token (default "ghp_" + 36 characters). */
  token?: string;
  /** Login of the token's owner: author of PRs and comments made through the API (default "director-bot"). */
  login?: string;
  /** Largest per_page honoured; GitHub clamps to 100. */
  perPageMax?: number;
  /** Primary limit per hour window (x-ratelimit-limit), default 5000. */
  rateLimit?: number;
  /** Clock (ms) for timestamps, commit dates and rate-limit windows. */
  now?: () => number;
  /** Directory for the bare repositories; default a temp dir removed by close(). */
  root?: string;
}

/** Options with defaults applied. */
export interface EmulatorConfig {
  token: string;
  login: string;
  perPageMax: number;
  rateLimit: number;
  now: () => number;
}

/** One HTTP request as the emulator answered it (REST and git). */
export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** ms, from the `now` clock. */
  at: number;
  /** Content-Encoding of the request body, when the client sent one (git gzips large fetch requests). */
  encoding?: string;
  /** Set when the body came with Transfer-Encoding: chunked (git streams large pushes that way). */
  chunked?: true;
}

/** Input of `emu.createRepo`. */
export interface CreateRepoInput {
  defaultBranch?: string;
  /** Paths → contents of the initial commit (default a README.md). */
  files?: Record<string, string>;
}

/** Input of `emu.addIssue`. */
export interface AddIssueInput {
  title: string;
  body?: string;
  labels?: string[];
  assignee?: string;
  /** A milestone title (created on first use) or the number of an existing one. */
  milestone?: string | number;
  /** Comment bodies, added in order by `user`. */
  comments?: string[];
  /** Count of 👍 reactions. */
  reactions?: number;
  /** Author login (default "octocat"). */
  user?: string;
  /** ISO string or ms; also the initial updated_at. */
  createdAt?: string | number;
  state?: 'open' | 'closed';
}

/** A check run as set by `emu.setCheckRuns`. */
export interface CheckRunInput {
  name: string;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion?: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | 'stale' | null;
  detailsUrl?: string;
  title?: string;
  summary?: string;
}

/** A commit status as set by `emu.setStatuses`. */
export interface StatusInput {
  context: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  description?: string;
  targetUrl?: string;
}

/** Input of `emu.addReview`. */
export interface ReviewInput {
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
  body?: string;
  user?: string;
  /** Default: the PR's head sha now. */
  commitId?: string;
}

/** Input of `emu.addReviewComment`. */
export interface ReviewCommentInput {
  path: string;
  body: string;
  line?: number;
  user?: string;
  inReplyTo?: number;
  diffHunk?: string;
  commitId?: string;
}

/** How `emu.exhaustRateLimit` makes requests fail. */
export interface RateLimitExhaustion {
  status: 403 | 429;
  resetInSeconds: number;
  /** A secondary (abuse) limit: answered with retry-after, remaining untouched. */
  secondary?: boolean;
}

/** A repository as `emu.createRepo` made it. */
export interface Repo {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  defaultBranch: string;
  /** The bare repository on disk. */
  gitDir: string;
  /** Sha of the initial commit. */
  initialSha: string;
}

/** An issue comment. */
export interface CommentRecord {
  id: number;
  body: string;
  user: string;
  createdAt: number;
  updatedAt: number;
}

/** A PR review. */
export interface ReviewRecord {
  id: number;
  state: ReviewInput['state'];
  body: string;
  user: string;
  commitId: string;
  submittedAt: number;
}

/** A PR review (diff) comment. */
export interface ReviewCommentRecord {
  id: number;
  reviewId: number | null;
  path: string;
  line: number | null;
  body: string;
  user: string;
  commitId: string;
  diffHunk: string;
  inReplyTo: number | null;
  createdAt: number;
}

/** Size of a PR, as GitHub reports it (frozen once the PR closes). */
export interface PullStats {
  commits: number;
  additions: number;
  deletions: number;
  changedFiles: number;
}

/** The pull-request half of an issue number. */
export interface PullRecord {
  id: number;
  headRef: string;
  baseRef: string;
  /** Last seen tip of headRef (re-read from git on every API request while open). */
  headSha: string;
  baseSha: string;
  draft: boolean;
  merged: boolean;
  mergedAt: number | null;
  mergedBy: string | null;
  mergeCommitSha: string | null;
  /** Set by `emu.setMergeable`; undefined means "compute it with git". */
  mergeableOverride?: boolean | null;
  maintainerCanModify: boolean;
  reviews: ReviewRecord[];
  reviewComments: ReviewCommentRecord[];
  stats: PullStats;
}

/** An issue; PRs are issues with `pull` set (one number space, as on GitHub). */
export interface IssueRecord {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'reopened' | 'not_planned' | null;
  user: string;
  labels: string[];
  assignees: string[];
  milestone: number | null;
  comments: CommentRecord[];
  reactions: number;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  pull?: PullRecord;
}

/** A label of a repository. */
export interface LabelRecord {
  id: number;
  name: string;
  color: string;
}

/** A milestone of a repository. */
export interface MilestoneRecord {
  id: number;
  number: number;
  title: string;
  createdAt: number;
}

/** A check run stored for a commit. */
export interface CheckRunRecord extends CheckRunInput {
  id: number;
  headSha: string;
  startedAt: number;
  completedAt: number | null;
}

/** A commit status stored for a commit. */
export interface StatusRecord extends StatusInput {
  id: number;
  createdAt: number;
}

/** A PR as `emu.pulls()` shows it (a snapshot; head sha as last seen by the API or set by a merge). */
export interface PullView {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  merged: boolean;
  mergeCommitSha: string | null;
  head: { ref: string; sha: string };
  base: { ref: string; sha: string };
  user: string;
  labels: string[];
  comments: string[];
  reviews: ReviewRecord[];
  reviewComments: ReviewCommentRecord[];
}

/** What a branch requires before a PR merges into it (classic protection or a ruleset). */
export interface BranchRules {
  /** Check run names or status contexts that must pass. */
  requiredChecks: string[];
  /** The head must contain the base's tip ("Require branches to be up to date"). */
  strict: boolean;
  /** Approving reviews needed, by someone other than the PR's author. */
  requiredApprovals: number;
}
