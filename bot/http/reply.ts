import type { ServerResponse } from 'node:http';

/** A refused request: its status, a stable error code, and a sentence saying what to do. */
export interface Refusal {
  status: number;
  error: string;
  message: string;
  headers?: Record<string, string>;
}

/** Answers with JSON; never cached, since some answers carry secrets (a runner token). */
export function answerJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body));
}

export function refuse(res: ServerResponse, { status, error, message, headers }: Refusal): void {
  answerJson(res, status, { ok: false, error, message }, headers);
}

/** 503 when a gate is full: Slack retries on its own, a runner's `pair` can be run again. */
export function busy(what: string): Refusal {
  return {
    status: 503,
    error: 'busy',
    message: `the bot is handling too many ${what} right now: retry in a few seconds`,
    headers: { 'retry-after': '2' },
  };
}
