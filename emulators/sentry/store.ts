// The emulator's data: projects, issues and their events; counts are computed per time window.
import { randomBytes } from 'node:crypto';
import type { AddIssueInput, EventRecord, IssueRecord } from './types.ts';

export interface ProjectRecord {
  id: string;
  slug: string;
}

/** Counts of an issue's events within [from, to]. */
export interface WindowCounts {
  count: number;
  userCount: number;
  firstSeen: number | undefined;
  lastSeen: number | undefined;
}

const HOUR = 3_600_000;

export class SentryStore {
  readonly projects: ProjectRecord[];
  private readonly issues: IssueRecord[] = [];
  private nextIssue = 4_000_000_001;
  private readonly shortIds = new Map<string, number>();

  constructor(projectSlugs: string[]) {
    this.projects = projectSlugs.map((slug, i) => ({ id: String(4_500_000_000 + i + 1), slug }));
  }

  project(slugOrId: string): ProjectRecord | undefined {
    return this.projects.find((p) => p.slug === slugOrId || p.id === slugOrId);
  }

  add(input: AddIssueInput, now: number): IssueRecord {
    const project = this.project(input.project);
    if (!project) throw new Error(`sentry emulator: no project "${input.project}"`);
    const n = (this.shortIds.get(project.slug) ?? 0) + 1;
    this.shortIds.set(project.slug, n);
    const issue: IssueRecord = {
      id: String(this.nextIssue++),
      shortId: `${project.slug.toUpperCase()}-${n.toString(36).toUpperCase()}`,
      project: project.slug,
      title: input.title,
      culprit: input.culprit,
      level: input.level ?? 'error',
      status: input.status ?? 'unresolved',
      exception: input.exception ?? { type: input.title.split(':')[0] ?? 'Error', value: input.title.split(':').slice(1).join(':').trim() },
      frames: input.frames ?? [],
      breadcrumbs: input.breadcrumbs ?? [],
      events: [],
    };
    this.issues.push(issue);
    for (const batch of input.events ?? [{ count: 1, users: 1 }]) this.addEvents(issue.id, batch.count, batch.users, now - (batch.agoMs ?? HOUR / 2));
    return issue;
  }

  /** `count` events spread over `users` distinct users, at `at` (one ms apart). */
  addEvents(issueId: string, count: number, users: number, at: number): void {
    const issue = this.issue(issueId);
    if (!issue) throw new Error(`sentry emulator: no issue ${issueId}`);
    for (let i = 0; i < count; i++) {
      const event: EventRecord = { id: randomBytes(16).toString('hex'), at: at + i, user: `user-${i % Math.max(1, users)}` };
      issue.events.push(event);
    }
  }

  issue(id: string): IssueRecord | undefined {
    return this.issues.find((i) => i.id === id);
  }

  all(): readonly IssueRecord[] {
    return this.issues;
  }

  setStatus(id: string, status: string): void {
    const issue = this.issue(id);
    if (issue) issue.status = status;
  }
}

export function countsIn(issue: IssueRecord, from: number, to: number): WindowCounts {
  const events = issue.events.filter((e) => e.at >= from && e.at <= to);
  const times = events.map((e) => e.at);
  return {
    count: events.length,
    userCount: new Set(events.map((e) => e.user)).size,
    firstSeen: times.length > 0 ? Math.min(...times) : undefined,
    lastSeen: times.length > 0 ? Math.max(...times) : undefined,
  };
}

export function latestEvent(issue: IssueRecord): EventRecord | undefined {
  return issue.events.reduce<EventRecord | undefined>((latest, e) => (!latest || e.at >= latest.at ? e : latest), undefined);
}
