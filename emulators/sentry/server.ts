// The loopback HTTP server: auth (bearer token with scopes) → rate limit → route.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback, type RunningServer } from '../loopback.ts';
import { cursorOffset, linkHeader, parseSearch, SentryApiError, windowOf } from './query.ts';
import { renderIssue, renderLatestEvent, renderProject } from './render.ts';
import { countsIn, type SentryStore } from './store.ts';
import type { SentryRequestRecord, TokenRecord } from './types.ts';

export interface ServerDeps {
  org: string;
  store: SentryStore;
  tokens: TokenRecord[];
  now: () => number;
  maxPerPage: number;
  /** The server's own origin, for permalinks and Link headers. */
  base: () => string;
  /** Answers still to throttle with 429, and the Retry-After they carry. */
  throttle: { remaining: number; retryAfter: number };
  records: SentryRequestRecord[];
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

type Route = { pattern: RegExp; scopes: string[]; handle: (match: RegExpExecArray, url: URL, deps: ServerDeps) => Reply };

const SORTS = {
  date: (a: { lastSeen: string | null }, b: { lastSeen: string | null }) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''),
  new: (a: { firstSeen: string | null }, b: { firstSeen: string | null }) => (b.firstSeen ?? '').localeCompare(a.firstSeen ?? ''),
  freq: (a: { count: string }, b: { count: string }) => Number(b.count) - Number(a.count),
  user: (a: { userCount: number }, b: { userCount: number }) => b.userCount - a.userCount,
} as const;
const isSort = (s: string): s is keyof typeof SORTS => Object.hasOwn(SORTS, s);

function listIssues(_match: RegExpExecArray, url: URL, deps: ServerDeps): Reply {
  const params = url.searchParams;
  const { from, to } = windowOf(params, deps.now());
  const search = parseSearch(params.get('query'));
  const wanted = params.getAll('project').filter((p) => p !== '-1');
  if (wanted.some((p) => !/^\d+$/.test(p))) throw new SentryApiError(400, 'Invalid project parameter. Values must be numbers.');
  const projects = wanted.length === 0 ? deps.store.projects : wanted.map((id) => deps.store.project(id));
  if (projects.some((p) => p === undefined)) throw new SentryApiError(403, 'You do not have permission to perform this action.');
  const sort = params.get('sort') ?? 'date';
  if (!isSort(sort)) throw new SentryApiError(400, `Invalid sort: ${sort}`);
  const limit = Math.min(Number(params.get('limit') ?? 25) || 25, deps.maxPerPage);
  const offset = cursorOffset(params.get('cursor'));
  const slugs = new Set(projects.map((p) => p?.slug));
  const rows = deps.store
    .all()
    .filter((issue) => slugs.has(issue.project))
    .filter((issue) => (search.status ? issue.status === search.status : true))
    .filter((issue) => (search.levels ? search.levels.includes(issue.level) : true))
    .filter((issue) => search.text.every((t) => `${issue.title} ${issue.culprit}`.toLowerCase().includes(t)))
    // An issue stream with a window lists issues seen in it.
    .filter((issue) => countsIn(issue, from, to).count > 0)
    .map((issue) => {
      const project = deps.store.project(issue.project);
      if (!project) throw new Error('issue without project');
      return renderIssue(issue, { base: deps.base(), org: deps.org, project, from, to, conditions: search.conditions });
    })
    .sort(SORTS[sort]);
  return { status: 200, body: rows.slice(offset, offset + limit), headers: { link: linkHeader(url, offset, limit, rows.length) } };
}

function latest(match: RegExpExecArray, _url: URL, deps: ServerDeps): Reply {
  const issue = deps.store.issue(match[2] ?? '');
  const project = issue && deps.store.project(issue.project);
  const event = issue && project && match[3] === 'latest' ? renderLatestEvent(issue, project) : undefined;
  if (!event) throw new SentryApiError(404, 'The requested resource does not exist');
  return { status: 200, body: event };
}

function details(match: RegExpExecArray, _url: URL, deps: ServerDeps): Reply {
  const issue = deps.store.issue(match[2] ?? '');
  const project = issue && deps.store.project(issue.project);
  if (!issue || !project) throw new SentryApiError(404, 'The requested resource does not exist');
  // An issue's own page counts all time.
  const view = { base: deps.base(), org: deps.org, project, from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY, conditions: false };
  return { status: 200, body: renderIssue(issue, view) };
}

const ROUTES: Route[] = [
  { pattern: /^\/api\/0\/organizations\/([^/]+)\/issues\/(\d+)\/$/, scopes: ['event:read'], handle: details },
  { pattern: /^\/api\/0\/organizations\/([^/]+)\/issues\/$/, scopes: ['event:read'], handle: listIssues },
  { pattern: /^\/api\/0\/organizations\/([^/]+)\/issues\/(\d+)\/events\/(latest|oldest|recommended)\/$/, scopes: ['event:read'], handle: latest },
  {
    pattern: /^\/api\/0\/organizations\/([^/]+)\/projects\/$/,
    scopes: ['project:read'],
    handle: (_m, _u, deps) => ({ status: 200, body: deps.store.projects.map(renderProject) }),
  },
];

function answer(req: IncomingMessage, url: URL, deps: ServerDeps): Reply {
  const auth = req.headers.authorization;
  if (!auth) throw new SentryApiError(401, 'Authentication credentials were not provided.');
  const token = deps.tokens.find((t) => `Bearer ${t.token}` === auth);
  if (!token) throw new SentryApiError(401, 'Invalid token');
  if (deps.throttle.remaining > 0) {
    deps.throttle.remaining--;
    throw new SentryApiError(429, 'You are attempting to use this endpoint too frequently. Limit is 40 requests in 1 seconds', {
      'retry-after': String(deps.throttle.retryAfter),
    });
  }
  if (req.method !== 'GET') throw new SentryApiError(405, `Method "${req.method ?? ''}" not allowed.`);
  for (const route of ROUTES) {
    const match = route.pattern.exec(url.pathname);
    if (!match) continue;
    if (match[1] !== deps.org) throw new SentryApiError(404, 'The requested resource does not exist');
    // event:read is implied by event:write and event:admin; project:read by org:read (for listing projects).
    const has = (scope: string) =>
      token.scopes.some((s) => s === scope || s.replace(/:(write|admin)$/, ':read') === scope || (scope === 'project:read' && s === 'org:read'));
    if (!route.scopes.every(has)) throw new SentryApiError(403, 'You do not have permission to perform this action.');
    return route.handle(match, url, deps);
  }
  throw new SentryApiError(404, 'The requested resource does not exist');
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
  res.end(JSON.stringify(reply.body));
}

export function startServer(deps: ServerDeps): Promise<RunningServer> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', deps.base());
    let reply: Reply;
    try {
      reply = answer(req, url, deps);
    } catch (error) {
      reply =
        error instanceof SentryApiError
          ? { status: error.status, body: { detail: error.detail }, headers: error.headers }
          : { status: 500, body: { detail: 'Internal Error' } };
    }
    deps.records.push({ method: req.method ?? 'GET', path: url.pathname, query: url.search, status: reply.status, authorization: req.headers.authorization });
    req.resume();
    send(res, reply);
  });
  return listenOnLoopback(server, 'sentry emulator');
}
