import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';

/** What came back from one request. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The client's address (any of 127.0.0.0/8 reaches loopback), to act as another source. */
  localAddress?: string;
  /** Send the body chunked, without a Content-Length. */
  chunked?: boolean;
  timeoutMs?: number;
}

/** One HTTP request with node:http, so tests can pick the source address and any method. */
export function httpRequest(
  url: string,
  { method = 'GET', headers = {}, body, localAddress, chunked = false, timeoutMs = 10_000 }: RawRequest = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer to ${method} ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    if (chunked && body !== undefined) req.write(body);
    req.end(chunked ? undefined : body);
  });
}

/** Writes raw bytes to a TCP port and resolves with whatever comes back before the server closes (or the timeout). */
export function rawExchange(port: number, bytes: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.on('error', reject);
    socket.write(bytes, 'latin1');
  });
}

/** Slack's v0 request signature. */
export function slackSignature(secret: string, timestampSec: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSec}:${body}`).digest('hex')}`;
}

/** A `/director` slash command as Slack posts it (form-encoded). */
export function slashBody(text: string, user = 'U0MALLORY'): string {
  return new URLSearchParams({
    token: 'legacy',
    team_id: 'T0DIRECTOR',
    channel_id: 'C0PROJ',
    user_id: user,
    command: '/director',
    text,
    response_url: 'http://127.0.0.1:9/response/x',
    trigger_id: '1.2.3',
  }).toString();
}
