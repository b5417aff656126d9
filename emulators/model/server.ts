// The loopback HTTP server: reads and decodes bodies, then routes to the API handlers.
import { createServer } from 'node:http';
import { listenOnLoopback, readBody, type RunningServer } from '../loopback.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { HandlerContext, HttpRequest } from './context.ts';
import { handleChat } from './chat-api.ts';
import { handleCountTokens, handleMessages } from './messages-api.ts';
import { handleResponses } from './responses-api.ts';
import { sendJson } from './sse.ts';

/** Largest request body accepted; codex sends ~40 KB per request, growing with the history. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

// Neither CLI was seen compressing bodies, but codex has a request-compression feature flag.
function decode(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === undefined || encoding === 'identity') return body;
  if (encoding === 'gzip') return gunzipSync(body);
  if (encoding === 'deflate') return inflateSync(body);
  if (encoding === 'br') return brotliDecompressSync(body);
  throw new Error(`unsupported content-encoding ${encoding}`);
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

async function toRequest(req: IncomingMessage, res: ServerResponse): Promise<HttpRequest | undefined> {
  const raw = await readBody(req, MAX_BODY_BYTES);
  if (raw === undefined) {
    sendJson(res, 413, { error: { type: 'request_too_large', message: 'emulator: body too large or unreadable' } });
    return undefined;
  }
  const headers = headersOf(req);
  let json: unknown;
  try {
    const text = decode(raw, headers['content-encoding']).toString('utf8');
    json = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch (error) {
    const message = `emulator: unreadable body: ${error instanceof Error ? error.message : 'unknown'}`;
    // OpenAI's error shape carries param and code too; Anthropic's is { type, message }.
    sendJson(res, 400, { error: { type: 'invalid_request_error', message, ...(!(req.url ?? '').startsWith('/v1/messages') && { param: null, code: null }) } });
    return undefined;
  }
  const path = req.url ?? '/';
  const pathname = new URL(path, 'http://127.0.0.1').pathname;
  return { method: req.method ?? 'GET', path, pathname, headers, json, size: raw.length };
}

const MODELS = { object: 'list', data: [{ id: 'gpt-5.5', object: 'model', created: 0, owned_by: 'emulator' }] };

async function route(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // Claude Code preconnects with HEAD /.
  if (req.method === 'HEAD') {
    req.resume();
    res.writeHead(200).end();
    return;
  }
  const r = await toRequest(req, res);
  if (r === undefined) return;
  const post = r.method === 'POST';
  if (post && r.pathname === '/v1/responses') return handleResponses(r, res, ctx);
  if (post && r.pathname === '/v1/messages') return handleMessages(r, res, ctx);
  if (post && r.pathname === '/v1/messages/count_tokens') return handleCountTokens(r, res);
  if (post && r.pathname === '/v1/chat/completions') return handleChat(r, res, ctx);
  // OpenAI's own answer to a wrong method on one of its routes.
  if (r.pathname === '/v1/chat/completions') {
    return sendJson(res, 404, { error: { message: `Invalid URL (${r.method} ${r.pathname})`, type: 'invalid_request_error', param: null, code: null } });
  }
  if (r.method === 'GET' && r.pathname === '/v1/models') return sendJson(res, 200, MODELS);
  // Claude Code's telemetry/settings endpoints (/api/event_logging/…, /api/claude_code/…): accept and ignore.
  if (r.pathname.startsWith('/api/')) return sendJson(res, 200, {});
  sendJson(res, 404, { error: { type: 'not_found_error', message: `emulator: no route for ${r.method} ${r.pathname}` } });
}

/** Starts the server on 127.0.0.1 with an OS-assigned port. */
export function startServer(ctx: HandlerContext): Promise<RunningServer> {
  const server = createServer((req, res) => {
    route(ctx, req, res).catch((error: unknown) => {
      const message = `emulator: ${error instanceof Error ? error.message : 'unknown error'}`;
      if (!res.headersSent) sendJson(res, 500, { error: { type: 'emulator_error', message } });
      else res.destroy();
    });
  });
  return listenOnLoopback(server, 'model emulator');
}

export type { RunningServer };
