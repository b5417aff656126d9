// The loopback HTTP server: REST (auth → rate limit → route) and git smart HTTP on one origin.
import { randomBytes } from 'node:crypto';
import { listenOnLoopback, readBody, type RunningServer } from '../loopback.ts';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiDeps, ApiRequest } from './api-kit.ts';
import { authenticate } from './auth.ts';
import { conditionalReply } from './conditional.ts';
import { isPush, matchGitPath, serveGitHttp } from './git-http.ts';
import type { Reply } from './reply.ts';
import { ApiError, DOCS, notFound } from './reply.ts';
import type { Router } from './router.ts';
import type { RequestRecord } from './types.ts';

/** Largest JSON body accepted (GitHub's own limits are far below this). */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** A listening server. */
/** What the server needs from the emulator. */
export interface ServerParts {
  deps: ApiDeps;
  router: Router;
  root: string;
  records: RequestRecord[];
}

/** JSON.parse with GitHub's 400 for anything that isn't JSON. */
function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return value;
  } catch {
    throw new ApiError(400, 'Problems parsing JSON');
  }
}

function send(res: ServerResponse, reply: Reply, extra: Record<string, string>): void {
  const headers: Record<string, string> = { ...extra, ...reply.headers };
  if (reply.raw !== undefined) {
    res.writeHead(reply.status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
    res.end(reply.raw);
    return;
  }
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  // Media types such as application/vnd.github.diff answer text.
  if (typeof reply.body === 'string') {
    res.writeHead(reply.status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
    res.end(reply.body);
    return;
  }
  res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(reply.body));
}

async function handleApi(parts: ServerParts, req: IncomingMessage, url: URL): Promise<Reply> {
  const { deps, router } = parts;
  const caller = authenticate(req.headers.authorization, deps.config.token);
  if (caller.kind === 'invalid') throw new ApiError(401, 'Bad credentials');
  const match = router.match(req.method ?? 'GET', url.pathname);
  const method = req.method ?? 'GET';
  // A conditional GET is counted only when it is not answered 304 (see conditional.ts).
  const ifNoneMatch = method === 'GET' ? req.headers['if-none-match'] : undefined;
  const who = caller.kind === 'valid' ? `user ID ${deps.store.userId(deps.config.login)}` : '127.0.0.1';
  // /rate_limit is free on GitHub too.
  const count = () => {
    if (match?.spec.path !== '/rate_limit') deps.limiter.take(who);
  };
  if (ifNoneMatch === undefined) count();
  const raw = await readBody(req, MAX_BODY_BYTES);
  if (raw === undefined) throw new ApiError(413, 'Payload too large');
  if (!match) throw notFound();
  const body = parseJson(raw);
  const accept = req.headers.accept ?? '';
  const apiReq: ApiRequest = { method, url, params: match.params, body, caller, doc: match.spec.doc, accept };
  let reply: Reply;
  try {
    reply = await match.spec.handler(apiReq, deps);
  } catch (error) {
    // An error answer to a conditional GET counts, as every answer but a 304 does.
    if (ifNoneMatch !== undefined) count();
    // Errors raised without a page link to the endpoint's page, as GitHub's do.
    if (error instanceof ApiError && error.documentationUrl === DOCS) {
      throw new ApiError(error.status, error.message, match.spec.doc, error.errors, error.headers);
    }
    throw error;
  }
  return conditionalReply(method, ifNoneMatch, reply, count);
}

async function handleGit(parts: ServerParts, req: IncomingMessage, res: ServerResponse, url: URL): Promise<number> {
  const path = matchGitPath(url.pathname);
  if (!path) return -1;
  const { deps } = parts;
  const caller = authenticate(req.headers.authorization, deps.config.token);
  const repo = deps.store.repo(path.owner, path.repo);
  // 401 + Basic challenge makes git retry with the URL's credentials (or fail without prompting).
  if (caller.kind === 'invalid' || (caller.kind === 'anonymous' && isPush(path, url.searchParams))) {
    req.resume();
    res.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"', 'content-type': 'text/plain' });
    res.end(caller.kind === 'invalid' ? 'Invalid username or token.\n' : 'Authentication required.\n');
    return 401;
  }
  if (!repo) {
    req.resume();
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('Repository not found.\n');
    return 404;
  }
  if (isPush(path, url.searchParams) && !deps.store.tokenCanPush) {
    req.resume();
    res.writeHead(403, { 'content-type': 'text/plain' });
    res.end(`Permission to ${repo.owner}/${repo.name}.git denied to ${deps.config.login}.\n`);
    return 403;
  }
  const status = await serveGitHttp(req, res, {
    git: deps.git,
    root: parts.root,
    pathInfo: `/${repo.owner}/${repo.name}.git/${path.service}`,
    query: url.search.replace(/^\?/, ''),
    ...(caller.kind === 'valid' ? { remoteUser: deps.config.login } : {}),
  });
  if (status === 200 && path.service === 'git-receive-pack') repo.pushedAt = deps.config.now();
  return status;
}

async function route(parts: ServerParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
  const record: RequestRecord = {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    status: 0,
    at: parts.deps.config.now(),
  };
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined) record.encoding = encoding;
  if (/chunked/i.test(req.headers['transfer-encoding'] ?? '')) record.chunked = true;
  parts.records.push(record);
  const gitStatus = await handleGit(parts, req, res, url);
  if (gitStatus >= 0) {
    record.status = gitStatus;
    return;
  }
  let reply: Reply;
  try {
    reply = await handleApi(parts, req, url);
  } catch (error) {
    // A bug or a git failure in a handler: answer like GitHub's 500 and keep the record honest.
    if (error instanceof ApiError) reply = error.toReply();
    else reply = { status: 500, body: { message: `Server Error: ${error instanceof Error ? error.message : 'unknown'}` } };
  }
  record.status = reply.status;
  const common = {
    ...parts.deps.limiter.headers(),
    'x-github-media-type': 'github.v3; format=json',
    'x-github-api-version-selected': '2022-11-28',
    'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(),
  };
  send(res, reply, common);
}

/** Starts the server on 127.0.0.1 with an OS-assigned port. */
export function startServer(parts: ServerParts): Promise<RunningServer> {
  const server = createServer((req, res) => {
    route(parts, req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : 'unknown';
      if (!res.headersSent) send(res, { status: 500, body: { message: `Server Error: ${message}` } }, {});
      else res.destroy();
    });
  });
  return listenOnLoopback(server, 'github emulator');
}

export type { RunningServer };
