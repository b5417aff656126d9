// Scripted failures in each API's own error shapes.
// What the CLIs make of them (retries off) is pinned by failures.test.ts: codex prints `error` +
// `turn.failed` and exits 1; claude prints a result line with is_error:true and exits 1.
import type { ServerResponse } from 'node:http';
import { frame, openSse, sendJson, writeEvent } from './sse.ts';
import type { SseEvent } from './sse.ts';
import type { Api, Failure } from './types.ts';

type HttpFailure = Extract<Failure, `http-${string}`>;

const STATUS: Record<HttpFailure, number> = { 'http-500': 500, 'http-429': 429, 'http-401': 401 };

const OPENAI_ERRORS: Record<HttpFailure, Record<string, unknown>> = {
  'http-500': { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null },
  'http-429': { message: 'Rate limit reached for requests.', type: 'requests', param: null, code: 'rate_limit_exceeded' },
  'http-401': { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
};

const ANTHROPIC_ERRORS: Record<HttpFailure, Record<string, unknown>> = {
  'http-500': { type: 'api_error', message: 'Internal server error' },
  'http-429': { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit' },
  'http-401': { type: 'authentication_error', message: 'invalid x-api-key' },
};

function isHttp(failure: Failure): failure is HttpFailure {
  return failure in STATUS;
}

/** The frames of a failing stream, per API. */
export interface StreamFailures {
  /** Sent before the connection is cut (`broken-stream`). */
  beforeCut: SseEvent[];
  /** A complete stream that reports an error (`stream-error`). */
  errorStream: SseEvent[];
}

/** Answers `res` with the failure. */
export function sendFailure(res: ServerResponse, api: Api, failure: Failure, stream: StreamFailures, headers: Record<string, string> = {}): void {
  if (isHttp(failure)) {
    const status = STATUS[failure];
    const extra: Record<string, string> = failure === 'http-429' ? { 'retry-after': '1' } : {};
    const body = api === 'messages' ? { type: 'error', error: ANTHROPIC_ERRORS[failure] } : { error: OPENAI_ERRORS[failure] };
    sendJson(res, status, body, { ...headers, ...extra });
    return;
  }
  openSse(res, headers);
  if (failure === 'stream-error') {
    for (const e of stream.errorStream) writeEvent(res, e);
    res.end();
    return;
  }
  // broken-stream: the connection drops mid-response, no terminal event.
  // Cut only once the frames are flushed, so the client sees a stream that started and then died.
  res.write(stream.beforeCut.map(frame).join(''), () => res.socket?.destroy());
}
