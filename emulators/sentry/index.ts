// The Sentry emulator: the organization issue list, latest events and projects over loopback HTTP (see SPEC.md).
import { randomBytes } from 'node:crypto';
import { startServer, type ServerDeps } from './server.ts';
import { SentryStore } from './store.ts';
import type { AddIssueInput, IssueRecord, SentryEmulatorOptions, SentryRequestRecord, TokenRecord } from './types.ts';

export type * from './types.ts';

/** A running emulator; create with `startSentryEmulator`. */
export interface SentryEmulator {
  /** http://127.0.0.1:PORT — what SENTRY_URL points at. */
  url: string;
  org: string;
  /** Project slugs. */
  projects: string[];
  /** A token with event:read and project:read. */
  token: string;
  /** Every request answered, in order. */
  requests: readonly SentryRequestRecord[];
  /** The id Sentry gives a project (what the org issue list's `project` parameter takes). */
  projectId(slug: string): string;
  addIssue(input: AddIssueInput): IssueRecord;
  /** More events for an issue, `agoMs` before now. */
  addEvents(issueId: string, count: number, users: number, agoMs?: number): void;
  setStatus(issueId: string, status: 'unresolved' | 'resolved' | 'ignored'): void;
  /** A token with the given scopes only. */
  addToken(scopes: string[]): string;
  /** The next `count` requests get 429 with Retry-After: `retryAfterSeconds`. */
  throttle(count: number, retryAfterSeconds: number): void;
  close(): Promise<void>;
}

export async function startSentryEmulator(options: SentryEmulatorOptions = {}): Promise<SentryEmulator> {
  const org = options.org ?? 'acme';
  const now = options.now ?? Date.now;
  const store = new SentryStore(options.projects ?? ['web']);
  const newToken = () => `sntryu_${randomBytes(24).toString('hex')}`;
  const token = newToken();
  const tokens: TokenRecord[] = [{ token, scopes: ['event:read', 'project:read'] }];
  const records: SentryRequestRecord[] = [];
  let base = 'http://127.0.0.1';
  const deps: ServerDeps = {
    org,
    store,
    tokens,
    now,
    maxPerPage: options.maxPerPage ?? 100,
    base: () => base,
    throttle: { remaining: 0, retryAfter: 1 },
    records,
  };
  const server = await startServer(deps);
  base = `http://127.0.0.1:${server.port}`;
  return {
    url: base,
    org,
    projects: store.projects.map((p) => p.slug),
    token,
    requests: records,
    projectId: (slug) => {
      const project = store.project(slug);
      if (!project) throw new Error(`sentry emulator: no project "${slug}"`);
      return project.id;
    },
    addIssue: (input) => store.add(input, now()),
    addEvents: (issueId, count, users, agoMs = 60_000) => store.addEvents(issueId, count, users, now() - agoMs),
    setStatus: (issueId, status) => store.setStatus(issueId, status),
    addToken: (scopes) => {
      const t = newToken();
      tokens.push({ token: t, scopes });
      return t;
    },
    throttle: (count, retryAfterSeconds) => {
      deps.throttle.remaining = count;
      deps.throttle.retryAfter = retryAfterSeconds;
    },
    close: () => server.close(),
  };
}
