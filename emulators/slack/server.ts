// The loopback HTTP server: Web API, upload URLs, response URLs, and the Socket Mode upgrade.
import { createServer } from 'node:http';
import { listenOnLoopback, readBody, type RunningServer } from '../loopback.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiOutcome, ApiRequest } from './web-api.ts';

/** Largest request body accepted (file uploads included). */
export const MAX_BODY_BYTES = 50 * 1024 * 1024;

/** What the server routes to. */
export interface Routes {
  api(req: ApiRequest): Promise<ApiOutcome>;
  upload(fileId: string, contentType: string | undefined, body: Buffer): { status: number; text: string };
  response(id: string, body: string): { status: number; body: unknown };
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

async function route(routes: Routes, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body === undefined) {
    json(res, 413, { ok: false, error: 'request_too_large' });
    return;
  }
  const [, area, name = ''] = /^\/([a-z]+)\/([^/]*)\/?$/.exec(url.pathname) ?? [];
  if (area === 'api' && (req.method === 'POST' || req.method === 'GET')) {
    const outcome = await routes.api({
      method: decodeURIComponent(name),
      contentType: req.headers['content-type'],
      authorization: req.headers.authorization,
      body: body.toString('utf8'),
      query: url.searchParams,
    });
    // A lost response: the work is done, the client never hears back.
    if (outcome.kind === 'drop') req.socket.destroy();
    else json(res, outcome.reply.status, outcome.reply.body, outcome.reply.headers);
    return;
  }
  if (area === 'upload' && req.method === 'POST') {
    const result = routes.upload(name, req.headers['content-type'], body);
    res.writeHead(result.status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(result.text);
    return;
  }
  if (area === 'response' && req.method === 'POST') {
    const result = routes.response(name, body.toString('utf8'));
    json(res, result.status, result.body);
    return;
  }
  json(res, 404, { ok: false, error: 'not_found' });
}

/** Starts the server on 127.0.0.1 with an OS-assigned port. */
export function startServer(routes: Routes): Promise<RunningServer> {
  const server = createServer((req, res) => {
    route(routes, req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { ok: false, error: 'internal_error', detail: error instanceof Error ? error.message : 'unknown' });
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => routes.upgrade(req, socket, head));
  return listenOnLoopback(server, 'slack emulator');
}

export type { RunningServer };
