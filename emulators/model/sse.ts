// Server-sent events, JSON replies and client-aware waiting.
import type { ServerResponse } from 'node:http';

/** One SSE frame: `event:` line (both CLIs accept it; codex reads `type` from data) plus data. */
export interface SseEvent {
  event: string;
  data: unknown;
}

/** Sends the SSE header. */
export function openSse(res: ServerResponse, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers });
}

/** One frame as text. */
export const frame = (e: SseEvent): string => `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;

/** Writes one frame. */
export function writeEvent(res: ServerResponse, e: SseEvent): void {
  res.write(frame(e));
}

/** Sends a whole stream and ends it. */
export function sendSse(res: ServerResponse, events: readonly SseEvent[], headers: Record<string, string> = {}): void {
  openSse(res, headers);
  for (const e of events) writeEvent(res, e);
  res.end();
}

/** A JSON reply. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Waits `ms`; resolves false early when the client hangs up (a cancelled CLI), true otherwise. */
export function waitUnlessGone(res: ServerResponse, ms: number): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!res.destroyed);
  return new Promise((resolve) => {
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(!res.destroyed);
    }, ms);
    res.once('close', onClose);
  });
}
