// In-memory state: repositories and, per repository, issues (PRs included), labels, milestones, checks.
import { IdSequence } from './ids.ts';
import { KeyedLock } from './lock.ts';
import type { BranchRules, CheckRunRecord, CommentRecord, IssueRecord, LabelRecord, MilestoneRecord, PullRecord, StatusRecord } from './types.ts';

/** One repository and everything filed against it. */
export interface RepoRecord {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  gitDir: string;
  initialSha: string;
  createdAt: number;
  /** Last time git accepted a push (or creation). */
  pushedAt: number;
  issues: Map<number, IssueRecord>;
  labels: Map<string, LabelRecord>;
  milestones: Map<number, MilestoneRecord>;
  checkRuns: Map<string, CheckRunRecord[]>;
  statuses: Map<string, StatusRecord[]>;
  /** Classic branch protection by branch name. */
  protection: Map<string, BranchRules>;
  /** Repository rulesets' rules by branch name (they add to protection). */
  rulesets: Map<string, BranchRules>;
}

/** Label colours GitHub picks from for new labels. */
const COLORS = ['d73a4a', '0075ca', 'cfd3d7', 'a2eeef', '7057ff', '008672', 'e4e669', 'd876e3'];

/** Issue fields a caller supplies; the store fills ids, number and comment list. */
export type NewIssue = Omit<IssueRecord, 'id' | 'number' | 'comments' | 'pull'>;

/** Everything the emulator knows, plus the users it has seen (logins → stable ids). */
export class Store {
  readonly ids = new IdSequence();
  /** Serialises check-then-act sequences (create PR, merge) per repository. */
  readonly locks = new KeyedLock();
  /** Whether the one valid token has write access (push, pull requests); a read-only token gets 403 on push. */
  tokenCanPush = true;
  private readonly repos = new Map<string, RepoRecord>();
  private readonly userIds = new Map<string, number>();
  private nextUserId = 1001;

  static key(owner: string, repo: string): string {
    return `${owner}/${repo}`.toLowerCase();
  }

  addRepo(repo: Omit<RepoRecord, 'issues' | 'labels' | 'milestones' | 'checkRuns' | 'statuses' | 'protection' | 'rulesets'>): RepoRecord {
    const record: RepoRecord = {
      ...repo,
      issues: new Map(),
      labels: new Map(),
      milestones: new Map(),
      checkRuns: new Map(),
      statuses: new Map(),
      protection: new Map(),
      rulesets: new Map(),
    };
    this.repos.set(Store.key(repo.owner, repo.name), record);
    return record;
  }

  /** Owner and repo names are case-insensitive on GitHub. */
  repo(owner: string, repo: string): RepoRecord | undefined {
    return this.repos.get(Store.key(owner, repo));
  }

  /** Every repository (GraphQL looks nodes up across them). */
  allRepos(): RepoRecord[] {
    return [...this.repos.values()];
  }

  /** Like `repo`, for test-side helpers: throws when missing. */
  mustRepo(owner: string, repo: string): RepoRecord {
    const record = this.repo(owner, repo);
    if (!record) throw new Error(`github emulator: no repository ${owner}/${repo} (call createRepo first)`);
    return record;
  }

  /** Stable numeric id for a login (GitHub users keep theirs forever). */
  userId(login: string): number {
    const known = this.userIds.get(login.toLowerCase());
    if (known !== undefined) return known;
    const id = this.nextUserId;
    this.nextUserId += 1;
    this.userIds.set(login.toLowerCase(), id);
    return id;
  }

  /** Adds an issue (or, with `pull`, a PR) under the repo's next number. */
  addIssue(repo: RepoRecord, issue: NewIssue, pull?: PullRecord): IssueRecord {
    const record: IssueRecord = { ...issue, id: this.ids.take(), number: repo.issues.size + 1, comments: [] };
    if (pull) record.pull = pull;
    repo.issues.set(record.number, record);
    for (const name of issue.labels) this.label(repo, name);
    return record;
  }

  addComment(issue: IssueRecord, body: string, user: string, at: number): CommentRecord {
    const comment: CommentRecord = { id: this.ids.take(), body, user, createdAt: at, updatedAt: at };
    issue.comments.push(comment);
    issue.updatedAt = Math.max(issue.updatedAt, at);
    return comment;
  }

  /** The label named `name`, created on first use. */
  label(repo: RepoRecord, name: string): LabelRecord {
    const key = name.toLowerCase();
    const known = repo.labels.get(key);
    if (known) return known;
    const label = { id: this.ids.take(), name, color: COLORS[repo.labels.size % COLORS.length] ?? 'ededed' };
    repo.labels.set(key, label);
    return label;
  }

  /** A milestone by title (created on first use) or by existing number. */
  milestone(repo: RepoRecord, ref: string | number, at: number): MilestoneRecord {
    if (typeof ref === 'number') {
      const known = repo.milestones.get(ref);
      if (!known) throw new Error(`github emulator: no milestone #${ref} in ${repo.owner}/${repo.name}`);
      return known;
    }
    for (const m of repo.milestones.values()) if (m.title === ref) return m;
    const number = repo.milestones.size + 1;
    const created = { id: this.ids.take(), number, title: ref, createdAt: at };
    repo.milestones.set(number, created);
    return created;
  }

  /** Issues that are PRs, in number order. */
  pulls(repo: RepoRecord): IssueRecord[] {
    return [...repo.issues.values()].filter((i) => i.pull !== undefined);
  }
}
