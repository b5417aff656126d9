// The loopback HTTP server: posthog-node's /batch/ and the query API, in PostHog's shapes.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { listenOnLoopback, readBody, type RunningServer } from '../loopback.ts';
import { HogQLError } from './hogql-parse.ts';
import { runHogQL } from './hogql-eval.ts';
import type { AsyncQuery, EventStore, PersonalKey } from './store.ts';

const MAX_BODY_BYTES = 20 * 1024 * 1024;

/** A failure the test injects into queries whose HogQL matches. */
export interface QueryFailure {
  match: (hogql: string) => boolean;
  status: number;
  detail: string;
}

/** What the server reads and changes; the emulator's handle owns it. */
export interface ServerState {
  events: EventStore;
  projectId: number;
  projectToken: string;
  keys: Map<string, PersonalKey>;
  asyncQueries: Map<string, AsyncQuery>;
  /** Query requests still to answer with 429, and the Retry-After they carry. */
  throttle: { remaining: number; retryAfterSeconds: number; served: number };
  failures: QueryFailure[];
  /** Polls an async query stays running. */
  asyncPolls: number;
  /** Every query is answered as async, as PostHog does when a blocking one outlasts its wait. */
  answerAsync: boolean;
  /** Every query received (HogQL text), and the time spent evaluating them. */
  queries: string[];
  queryMs: number;
  now: () => number;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** PostHog's error body (DRF's exception handler). */
const error = (status: number, type: string, code: string, detail: string, headers?: Record<string, string>): Reply => ({
  status,
  body: { type, code, detail, attr: null },
  ...(headers && { headers }),
});

const batchBody = z.object({
  api_key: z.string(),
  batch: z.array(
    z.object({
      event: z.string().min(1),
      distinct_id: z.union([z.string(), z.number()]).optional(),
      properties: z.record(z.string(), z.unknown()).default({}),
      timestamp: z.string().optional(),
      uuid: z.string().optional(),
    }),
  ),
  sent_at: z.string().optional(),
});

const queryBody = z.object({
  query: z.object({ kind: z.string(), query: z.string().optional() }).loose(),
  refresh: z.string().optional(),
  async: z.boolean().optional(),
  name: z.string().optional(),
});

function decode(req: IncomingMessage, raw: Buffer): unknown {
  const text = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return JSON.parse(text) as unknown;
}

function capture(state: ServerState, req: IncomingMessage, raw: Buffer): Reply {
  let body: unknown;
  try {
    body = decode(req, raw);
  } catch {
    return error(400, 'validation_error', 'invalid_payload', 'Malformed request data: the body is not (gzipped) JSON.');
  }
  const parsed = batchBody.safeParse(body);
  if (!parsed.success) return error(400, 'validation_error', 'invalid_payload', `Invalid payload: ${parsed.error.issues[0]?.message ?? 'bad batch'}`);
  if (parsed.data.api_key !== state.projectToken)
    return error(401, 'authentication_error', 'invalid_api_key', 'Project API key invalid. You can find your project API key in PostHog project settings.');
  for (const e of parsed.data.batch) {
    const ts = e.timestamp === undefined ? state.now() : Date.parse(e.timestamp);
    const fallback = e.properties.distinct_id;
    const distinctId = String(e.distinct_id ?? (typeof fallback === 'string' ? fallback : ''));
    state.events.add({ event: e.event, distinctId, ts: Number.isNaN(ts) ? state.now() : ts, properties: e.properties, ...(e.uuid && { uuid: e.uuid }) });
  }
  return { status: 200, body: { status: 1 } };
}

/** Personal-key auth and the scope check; undefined when the caller may read the project. */
function authorise(state: ServerState, req: IncomingMessage, project: number): Reply | undefined {
  const header = req.headers.authorization;
  if (!header) return error(401, 'authentication_error', 'not_authenticated', 'Authentication credentials were not provided.');
  const key = state.keys.get(header.replace(/^Bearer\s+/i, ''));
  if (!key) return error(401, 'authentication_error', 'authentication_failed', 'Personal API key found in request Authorization header is invalid.');
  if (!key.scopes.includes('query:read') && !key.scopes.includes('*'))
    return error(403, 'authentication_error', 'permission_denied', "API key missing required scope 'query:read'");
  if (project !== state.projectId || (key.projects && !key.projects.includes(project)))
    return error(403, 'authentication_error', 'permission_denied', 'You do not have permission to perform this action.');
  return undefined;
}

function evaluate(state: ServerState, hogql: string): { ok: true; result: unknown } | { ok: false; reply: Reply } {
  state.queries.push(hogql);
  const failure = state.failures.find((f) => f.match(hogql));
  if (failure) return { ok: false, reply: error(failure.status, failure.status >= 500 ? 'server_error' : 'validation_error', 'query_failed', failure.detail) };
  const started = performance.now();
  try {
    const result = runHogQL(hogql, (names) => state.events.scan(names), state.now());
    return { ok: true, result: { ...result, is_cached: false, last_refresh: new Date(state.now()).toISOString(), timings: [], modifiers: {} } };
  } catch (e) {
    if (e instanceof HogQLError) return { ok: false, reply: error(400, 'validation_error', 'invalid_input', e.message) };
    throw e;
  } finally {
    state.queryMs += performance.now() - started;
  }
}

function query(state: ServerState, req: IncomingMessage, raw: Buffer, project: number): Reply {
  const denied = authorise(state, req, project);
  if (denied) return denied;
  if (state.throttle.remaining > 0) {
    state.throttle.remaining--;
    state.throttle.served++;
    const s = state.throttle.retryAfterSeconds;
    return error(429, 'throttled_error', 'throttled', `Request was throttled. Expected available in ${s} second${s === 1 ? '' : 's'}.`, {
      'retry-after': String(s),
    });
  }
  let body: unknown;
  try {
    body = decode(req, raw);
  } catch {
    return error(400, 'parse_error', 'parse_error', 'JSON parse error');
  }
  const parsed = queryBody.safeParse(body);
  if (!parsed.success) return error(400, 'validation_error', 'invalid_input', `Invalid query: ${parsed.error.issues[0]?.message ?? ''}`);
  const { query: q, refresh } = parsed.data;
  if (q.kind !== 'HogQLQuery' || q.query === undefined)
    return error(400, 'validation_error', 'invalid_input', `This emulator answers only {"kind":"HogQLQuery","query":"…"}, not kind ${q.kind}.`);
  const outcome = evaluate(state, q.query);
  const isAsync = state.answerAsync || parsed.data.async === true || (refresh !== undefined && /async/.test(refresh));
  if (!isAsync) return outcome.ok ? { status: 200, body: outcome.result } : outcome.reply;
  const id = randomUUID();
  const detail = outcome.ok ? '' : z.object({ detail: z.string() }).parse(outcome.reply.body).detail;
  state.asyncQueries.set(id, { id, pollsLeft: state.asyncPolls, outcome: outcome.ok ? outcome : { ok: false, message: detail } });
  return { status: 202, body: { query_status: { id, team_id: project, query_async: true, complete: false, error: false } } };
}

function poll(state: ServerState, req: IncomingMessage, project: number, id: string, method: string): Reply {
  const denied = authorise(state, req, project);
  if (denied) return denied;
  const q = state.asyncQueries.get(id);
  if (!q) return error(404, 'invalid_request', 'not_found', 'Query not found.');
  if (method === 'DELETE') {
    state.asyncQueries.delete(id);
    return { status: 204 };
  }
  const status = { id, team_id: project, query_async: true };
  if (q.pollsLeft > 0) {
    q.pollsLeft--;
    return { status: 200, body: { query_status: { ...status, complete: false, error: false } } };
  }
  return {
    status: 200,
    body: {
      query_status: q.outcome.ok
        ? { ...status, complete: true, error: false, results: q.outcome.result }
        : { ...status, complete: true, error: true, error_message: q.outcome.message },
    },
  };
}

async function route(state: ServerState, req: IncomingMessage): Promise<Reply> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  const raw = await readBody(req, MAX_BODY_BYTES);
  if (raw === undefined) return error(413, 'validation_error', 'too_large', 'Request body too large.');
  if (method === 'POST' && /^\/(?:batch|capture|e|i\/v0\/e)\/?$/.test(url.pathname)) return capture(state, req, raw);
  const q = /^\/api\/(?:projects|environments)\/(\d+)\/query\/?$/.exec(url.pathname);
  if (q && method === 'POST') return query(state, req, raw, Number(q[1]));
  const p = /^\/api\/(?:projects|environments)\/(\d+)\/query\/([^/]+)\/?$/.exec(url.pathname);
  if (p && (method === 'GET' || method === 'DELETE')) return poll(state, req, Number(p[1]), p[2] ?? '', method);
  return error(404, 'invalid_request', 'not_found', 'Not found.');
}

function send(res: ServerResponse, reply: Reply): void {
  if (reply.body === undefined) {
    res.writeHead(reply.status, reply.headers);
    res.end();
    return;
  }
  res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
  res.end(JSON.stringify(reply.body));
}

export function startServer(state: ServerState): Promise<RunningServer> {
  const server = createServer((req, res) => {
    route(state, req).then(
      (reply) => send(res, reply),
      (e: unknown) => send(res, error(500, 'server_error', 'error', `emulator error: ${e instanceof Error ? e.message : String(e)}`)),
    );
  });
  return listenOnLoopback(server, 'posthog emulator');
}
