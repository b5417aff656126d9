// "fix sentry errors": which Sentry issues deserve a task, and each task's input read from Sentry.
import type { Redactor } from '../../shared/redact.ts';
import type { SentryIssueFound, SentryQuery } from '../../shared/protocol.ts';
import { clip } from '../../shared/text.ts';
import type { SentryIssueInput, TaskInput } from '../agents/prompt.ts';
import type { TaskStore } from '../tasks/store.ts';
import type { TaskState } from '../../shared/task-states.ts';
import { SentryError, type SentryClient } from './client.ts';
import { breadcrumbText, stackText } from './event-text.ts';
import type { SentryIssue } from './schemas.ts';

type SentryTaskInput = Extract<TaskInput, { kind: 'sentry' }>;

/** A project's names on GitHub and in Sentry, from the runner's PROJECTS. */
export interface SentryProjectMapping {
  repo: string;
  sentryProject?: string;
}

export interface SentrySourceOptions {
  /** Undefined when SENTRY_ORG or SENTRY_AUTH_TOKEN is not set. */
  client: SentryClient | undefined;
  projects: ReadonlyMap<string, SentryProjectMapping>;
  store: TaskStore;
  /** Sentry short ids that open pull requests of the repository say they fix. */
  fixedByOpenPulls?: (repo: string) => Promise<Set<string>>;
  redact: Redactor;
  /** Where Sentry is, for permalinks Sentry leaves null. */
  url: string;
  org: string;
}

export interface SentryFindResult {
  issues: SentryIssueFound[];
  covered: number;
  error?: string;
}

/** Runner tasks that still cover their Sentry issue: under way, or with a draft PR open. */
const COVERING: ReadonlySet<TaskState> = new Set(['queued', 'preparing', 'running', 'verifying', 'publishing', 'awaiting_review']);
const NO_CLIENT = 'this runner has no Sentry access: set SENTRY_ORG and SENTRY_AUTH_TOKEN (scopes event:read and project:read) in its environment';
const unmapped = (project: string) =>
  `this runner's project "${project}" has no Sentry project: set "sentryProject" (the Sentry project's slug) on it in the runner's PROJECTS`;

export class SentrySource {
  constructor(private readonly options: SentrySourceOptions) {}

  async find(project: string, query: SentryQuery): Promise<SentryFindResult> {
    const mapping = this.options.projects.get(project);
    if (!mapping) return { issues: [], covered: 0, error: `this runner has no project "${project}": add it to its PROJECTS` };
    if (!mapping.sentryProject) return { issues: [], covered: 0, error: unmapped(project) };
    const { client } = this.options;
    if (!client) return { issues: [], covered: 0, error: NO_CLIENT };
    try {
      const search = ['is:unresolved', ...(query.level ? [`level:${query.level}`] : [])].join(' ');
      const sort = query.usersOver !== undefined ? 'user' : 'freq';
      const listed = await client.issues(mapping.sentryProject, { statsPeriod: query.since, query: search, sort });
      const over = listed.filter((issue) => this.matches(issue, query));
      const covered = new Set([...query.busy, ...this.coveredByTasks()]);
      const fixed = this.options.fixedByOpenPulls ? await this.options.fixedByOpenPulls(mapping.repo) : new Set<string>();
      const fresh = over.filter((issue) => !covered.has(issue.id) && !fixed.has(issue.shortId));
      const ranked = fresh.sort((a, b) => users(b) - users(a) || events(b) - events(a));
      return { issues: ranked.slice(0, query.top).map((issue) => this.found(issue)), covered: over.length - fresh.length };
    } catch (error) {
      if (error instanceof SentryError) return { issues: [], covered: 0, error: error.message };
      throw error;
    }
  }

  /** A task's input before it runs: what the bot sent; `input` completes it from Sentry. */
  placeholder(project: string, issueId: string, shortId: string, title: string): SentryTaskInput {
    const repo = this.options.projects.get(project)?.repo ?? project;
    const issue: SentryIssueInput = {
      id: issueId,
      shortId,
      title: this.options.redact(title),
      culprit: '',
      level: '',
      events: '?',
      users: 0,
      firstSeen: '',
      lastSeen: '',
      permalink: this.permalink(issueId, null),
      stack: '',
      breadcrumbs: '',
    };
    return { kind: 'sentry', repo, issue };
  }

  /** The task's input: the issue and its latest event as Sentry has them now, redacted. */
  async input(placeholder: SentryTaskInput): Promise<SentryTaskInput> {
    const { client, redact } = this.options;
    const { repo } = placeholder;
    const issueId = placeholder.issue.id;
    if (!client) return placeholder;
    const [issue, event] = await Promise.all([client.issue(issueId), client.latestEvent(issueId)]);
    return {
      kind: 'sentry',
      repo,
      issue: {
        id: issue.id,
        shortId: issue.shortId,
        title: redact(issue.title),
        culprit: redact(issue.culprit ?? ''),
        level: issue.level,
        events: issue.count,
        users: issue.userCount,
        firstSeen: issue.firstSeen ?? '',
        lastSeen: issue.lastSeen ?? '',
        permalink: this.permalink(issue.id, issue.permalink),
        // Redacted before any cutting (the prompt's fence cuts long text).
        stack: redact(stackText(event, redact)),
        breadcrumbs: redact(breadcrumbText(event, redact)),
      },
    };
  }

  private matches(issue: SentryIssue, query: SentryQuery): boolean {
    if (query.usersOver !== undefined && users(issue) <= query.usersOver) return false;
    if (query.eventsOver !== undefined && events(issue) <= query.eventsOver) return false;
    if (query.level !== undefined && issue.level !== query.level) return false;
    return issue.status === 'unresolved';
  }

  private coveredByTasks(): string[] {
    return this.options.store
      .all()
      .filter((task) => task.input.kind === 'sentry' && COVERING.has(task.state))
      .flatMap((task) => (task.input.kind === 'sentry' ? [task.input.issue.id] : []));
  }

  private found(issue: SentryIssue): SentryIssueFound {
    const { redact } = this.options;
    return {
      id: issue.id,
      shortId: clip(issue.shortId, 64),
      title: clip(redact(issue.title), 500),
      url: this.permalink(issue.id, issue.permalink),
      level: clip(issue.level, 16),
      users: users(issue),
      events: events(issue),
    };
  }

  /** Sentry's permalink when it is a plain web address, else one made from SENTRY_URL. */
  private permalink(id: string, given: string | null): string {
    if (given && /^https?:\/\/[^\s<>|]+$/.test(given) && given.length <= 500) return given;
    return `${this.options.url.replace(/\/+$/, '')}/organizations/${encodeURIComponent(this.options.org)}/issues/${id}/`;
  }
}

/** Users and events in the window: `filtered` when Sentry applied conditions, else the top-level numbers. */
const users = (issue: SentryIssue) => issue.filtered?.userCount ?? issue.userCount;
const events = (issue: SentryIssue) => Number(issue.filtered?.count ?? issue.count);
