// The JSON Sentry answers with, built from the store's records (fields as getsentry/sentry serialises them).
import { countsIn, latestEvent, type ProjectRecord, type WindowCounts } from './store.ts';
import type { IssueRecord } from './types.ts';

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

function counts(c: WindowCounts) {
  return { count: String(c.count), userCount: c.userCount, firstSeen: iso(c.firstSeen), lastSeen: iso(c.lastSeen), stats: null };
}

export interface IssueView {
  base: string;
  org: string;
  project: ProjectRecord;
  from: number;
  to: number;
  /** The query had conditions besides the default is:unresolved: `filtered` is set. */
  conditions: boolean;
}

/** One issue of the organization's issue list. */
export function renderIssue(issue: IssueRecord, view: IssueView) {
  const window = countsIn(issue, view.from, view.to);
  const lifetime = countsIn(issue, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
  const top = issue.frames.at(-1);
  return {
    id: issue.id,
    shortId: issue.shortId,
    title: issue.title,
    culprit: issue.culprit,
    permalink: `${view.base}/organizations/${view.org}/issues/${issue.id}/`,
    logger: null,
    level: issue.level,
    status: issue.status,
    statusDetails: {},
    substatus: issue.status === 'unresolved' ? 'ongoing' : null,
    isPublic: false,
    platform: 'javascript',
    project: { id: view.project.id, name: view.project.slug, slug: view.project.slug, platform: 'javascript' },
    type: 'error',
    issueType: 'error',
    issueCategory: 'error',
    metadata: { type: issue.exception.type, value: issue.exception.value, filename: top?.filename ?? null, function: top?.function ?? null },
    numComments: 0,
    assignedTo: null,
    isBookmarked: false,
    isSubscribed: false,
    subscriptionDetails: null,
    hasSeen: false,
    annotations: [],
    isUnhandled: true,
    // With a time window, count and userCount are the window's; lifetime holds all-time numbers.
    count: String(window.count),
    userCount: window.userCount,
    firstSeen: iso(lifetime.firstSeen),
    lastSeen: iso(lifetime.lastSeen),
    stats: { '24h': [] },
    lifetime: counts(lifetime),
    filtered: view.conditions ? counts(window) : null,
  };
}

/** The issue's latest event, with its exception's stack trace and breadcrumbs. */
export function renderLatestEvent(issue: IssueRecord, project: ProjectRecord) {
  const event = latestEvent(issue);
  if (!event) return undefined;
  const frames = issue.frames.map((f) => ({
    filename: f.filename,
    absPath: f.filename,
    module: null,
    package: null,
    platform: null,
    function: f.function,
    rawFunction: null,
    lineNo: f.lineNo,
    colNo: 1,
    inApp: f.inApp ?? true,
    context: f.context ?? [],
    vars: null,
    trust: null,
    errors: null,
  }));
  return {
    id: event.id,
    eventID: event.id,
    groupID: issue.id,
    projectID: project.id,
    title: issue.title,
    message: '',
    platform: 'javascript',
    type: 'error',
    culprit: issue.culprit,
    location: issue.frames.at(-1)?.filename ?? null,
    dateCreated: iso(event.at),
    dateReceived: iso(event.at),
    user: { id: event.user, email: null, username: null, ip_address: null, name: null, data: null },
    tags: [
      { key: 'level', value: issue.level },
      { key: 'user', value: `id:${event.user}` },
    ],
    metadata: { type: issue.exception.type, value: issue.exception.value },
    contexts: {},
    entries: [
      {
        type: 'exception',
        data: {
          values: [
            {
              type: issue.exception.type,
              value: issue.exception.value,
              module: null,
              mechanism: { type: 'onerror', handled: false },
              threadId: null,
              rawStacktrace: null,
              stacktrace: { frames, framesOmitted: null, registers: null, hasSystemFrames: false },
            },
          ],
          excOmitted: null,
          hasSystemFrames: false,
        },
      },
      {
        type: 'breadcrumbs',
        data: {
          values: issue.breadcrumbs.map((b) => ({
            type: b.type ?? 'default',
            category: b.category,
            level: b.level ?? 'info',
            message: b.message,
            timestamp: iso(b.at ?? event.at),
            data: null,
            event_id: null,
          })),
        },
      },
    ],
  };
}

export function renderProject(project: ProjectRecord) {
  return { id: project.id, slug: project.slug, name: project.slug, platform: 'javascript', status: 'active', isMember: true, hasAccess: true };
}
