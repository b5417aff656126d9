// Git smart HTTP: requests are handed to `git http-backend` as CGI, bodies streamed both ways.
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GitRunner } from './git.ts';

/** The parts of a smart-HTTP path: /{owner}/{repo}.git/{info/refs|git-upload-pack|git-receive-pack}. */
export interface GitPath {
  owner: string;
  repo: string;
  service: 'info/refs' | 'git-upload-pack' | 'git-receive-pack';
}

export function matchGitPath(pathname: string): GitPath | undefined {
  const m = /^\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)\.git\/(info\/refs|git-upload-pack|git-receive-pack)$/.exec(pathname);
  const [, owner, repo, service] = m ?? [];
  if (owner === undefined || repo === undefined) return undefined;
  if (service !== 'info/refs' && service !== 'git-upload-pack' && service !== 'git-receive-pack') return undefined;
  return { owner, repo, service };
}

/** Whether the request is (the advertisement for) a push. */
export function isPush(path: GitPath, query: URLSearchParams): boolean {
  return path.service === 'git-receive-pack' || query.get('service') === 'git-receive-pack';
}

/** The CGI environment http-backend reads (RFC 3875 names plus git's own). */
function cgiEnv(req: IncomingMessage, opts: ServeOptions): Record<string, string> {
  const env: Record<string, string> = {
    GIT_PROJECT_ROOT: opts.root,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: opts.pathInfo,
    QUERY_STRING: opts.query,
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: '127.0.0.1',
  };
  if (opts.remoteUser !== undefined) env.REMOTE_USER = opts.remoteUser;
  // Chunked bodies (large pushes) have no length: http-backend then reads to EOF.
  const length = req.headers['content-length'];
  if (length !== undefined) env.CONTENT_LENGTH = length;
  // http-backend inflates gzip bodies itself when told the encoding.
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined) env.HTTP_CONTENT_ENCODING = encoding;
  const protocol = req.headers['git-protocol'];
  if (typeof protocol === 'string') env.GIT_PROTOCOL = protocol;
  return env;
}

/** Parses CGI response headers ("Status: 404 Not Found" gives the status). */
function parseCgiHeaders(text: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
    else headers[name] = value;
  }
  return { status, headers };
}

/** Finds the blank line ending the CGI headers. */
function headerEnd(buf: Buffer): { at: number; skip: number } | undefined {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { at: crlf, skip: 4 };
  if (lf >= 0) return { at: lf, skip: 2 };
  return undefined;
}

export interface ServeOptions {
  git: GitRunner;
  root: string;
  pathInfo: string;
  query: string;
  remoteUser?: string;
}

/** Runs http-backend for one request; resolves with the HTTP status sent. */
export function serveGitHttp(req: IncomingMessage, res: ServerResponse, opts: ServeOptions): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('git', ['http-backend'], { env: opts.git.env(cgiEnv(req, opts)), stdio: 'pipe' });
    let pending: Buffer = Buffer.alloc(0);
    let status = 0;
    const stderr: Buffer[] = [];
    const fail = (why: string): void => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`github emulator: git http-backend failed: ${why}\n`);
        status = 500;
      } else res.destroy();
    };
    const onData = (chunk: Buffer): void => {
      pending = Buffer.concat([pending, chunk]);
      const end = headerEnd(pending);
      if (!end) return;
      const head = parseCgiHeaders(pending.subarray(0, end.at).toString('latin1'));
      status = head.status;
      res.writeHead(head.status, head.headers);
      res.write(pending.subarray(end.at + end.skip));
      child.stdout.off('data', onData);
      child.stdout.pipe(res);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => fail(error.message));
    child.on('close', (code) => {
      if (status === 0) fail(`exit ${code ?? 'signal'}: ${Buffer.concat(stderr).toString('utf8').trim()}`);
      // pipe() ends res when stdout ends; nothing else to do.
      resolve(status);
    });
    child.stdin.on('error', () => undefined);
    req.pipe(child.stdin);
    // A client that hangs up mid-transfer shouldn't leave git running.
    res.on('close', () => {
      if (child.exitCode === null && !res.writableFinished) child.kill('SIGTERM');
    });
  });
}
