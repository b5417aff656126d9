// HTTP mode: signed POSTs to the app's Request URL with Slack's ack deadline and retry headers.
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { ClientRequest } from 'node:http';
import type { Timers } from './timers.ts';
import type { AttemptRequest, AttemptResult, Transport } from './transport.ts';
import type { EmulatorConfig, JsonObject } from './types.ts';

/** The legacy verification token Slack still puts in payloads. */
export const VERIFICATION_TOKEN = 'emulator-verification-token';

/** Where HTTP deliveries go (`emu.useHttp`). */
export interface HttpTarget {
  requestUrl: string;
  signingSecret?: string;
}

/** A raw HTTP exchange with the app. */
interface Exchange {
  status?: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  error?: 'timeout' | 'connection';
}

/** Slack's v0 signature: "v0=" + hex(HMAC-SHA256(secret, "v0:<ts>:<body>")). */
export function signature(secret: string, timestampSec: number, body: string): string {
  return 'v0=' + createHmac('sha256', secret).update(`v0:${timestampSec}:${body}`).digest('hex');
}

/** Body and content type Slack uses for each kind of delivery. */
export function encodeDelivery(kind: AttemptRequest['kind'], payload: JsonObject): { body: string; contentType: string } {
  if (kind === 'events_api') return { body: JSON.stringify(payload), contentType: 'application/json' };
  const form = new URLSearchParams();
  if (kind === 'interactive') form.set('payload', JSON.stringify(payload));
  else for (const [key, value] of Object.entries(payload)) form.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  return { body: form.toString(), contentType: 'application/x-www-form-urlencoded' };
}

function parseAck(body: string): unknown {
  if (body === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed;
  } catch {
    return body;
  }
}

/** The HTTP delivery side; inactive until configured. */
export class HttpLink implements Transport {
  private target: HttpTarget | undefined;
  private readonly agent = new Agent({ keepAlive: false });
  private readonly requests = new Set<ClientRequest>();

  constructor(
    private readonly config: EmulatorConfig,
    private readonly timers: Timers,
  ) {}

  configure(target: HttpTarget): void {
    this.target = target;
  }

  async attempt(req: AttemptRequest): Promise<AttemptResult> {
    const { body, contentType } = encodeDelivery(req.kind, req.payload);
    const retry: Record<string, string> = req.retryNum > 0 ? { 'x-slack-retry-num': String(req.retryNum), 'x-slack-retry-reason': req.retryReason } : {};
    const res = await this.post(body, contentType, retry);
    if (res.error === 'timeout') return { status: 'timeout', failure: 'http_timeout' };
    if (res.error === 'connection' || res.status === undefined) return { status: 'rejected', failure: 'connection_failed' };
    if (res.status >= 200 && res.status < 300) return { status: 'acked', httpStatus: res.status, ackPayload: parseAck(res.body) };
    return {
      status: 'rejected',
      httpStatus: res.status,
      ackPayload: parseAck(res.body),
      failure: 'http_error',
      noRetry: res.headers['x-slack-no-retry'] === '1',
    };
  }

  /** Sends Slack's url_verification challenge; true when the app echoes it back. */
  async verifyUrl(challenge: string): Promise<boolean> {
    const body = JSON.stringify({ token: VERIFICATION_TOKEN, challenge, type: 'url_verification' });
    const res = await this.post(body, 'application/json', {});
    if (res.status !== 200) return false;
    const parsed = parseAck(res.body);
    return typeof parsed === 'object' && parsed !== null && 'challenge' in parsed && parsed.challenge === challenge;
  }

  close(): void {
    for (const r of this.requests) r.destroy();
    this.requests.clear();
    this.agent.destroy();
  }

  /** One signed POST with the ack deadline; never rejects. */
  private post(body: string, contentType: string, extra: Record<string, string>): Promise<Exchange> {
    const target = this.target;
    if (!target) return Promise.resolve({ body: '', headers: {}, error: 'connection' });
    // Real wall-clock time even with a fake `now`: bolt rejects signatures older than 5 minutes.
    const timestamp = Math.floor(Date.now() / 1000);
    const secret = target.signingSecret ?? this.config.signingSecret;
    const headers = {
      'content-type': contentType,
      'content-length': String(Buffer.byteLength(body)),
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature(secret, timestamp, body),
      ...extra,
    };
    return new Promise((resolve) => {
      let timedOut = false;
      let settled = false;
      let responded = false;
      const finish = (exchange: Exchange): void => {
        if (settled) return;
        settled = true;
        this.timers.cancel(timer);
        this.requests.delete(req);
        resolve(exchange);
      };
      const lost = (): Exchange => ({ body: '', headers: {}, error: timedOut || this.timers.isClosed ? 'timeout' : 'connection' });
      const req = request(target.requestUrl, { method: 'POST', headers, agent: this.agent }, (res) => {
        responded = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => finish({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        res.on('error', () => finish(lost()));
        res.on('close', () => finish(lost()));
      });
      this.requests.add(req);
      const timer = this.timers.after(this.config.ackTimeoutMs, () => {
        timedOut = true;
        req.destroy();
      });
      req.on('error', () => finish(lost()));
      req.on('close', () => {
        // A response still streaming is settled by its own events.
        if (!responded) finish(lost());
      });
      req.end(body);
    });
  }
}
