import type { IncomingMessage } from 'node:http';
import { WebSocket, type RawData } from 'ws';
import { z } from 'zod';
import type { Logger } from '../../shared/log.ts';
import { announcedProtocol, decodeLinkFrame } from '../../shared/link/decode.ts';
import { rawText, type LinkEndpoint } from '../../shared/link/endpoint.ts';
import { CloseCode, MAX_FRAME_BYTES, PROTOCOL_VERSION, versionMismatch, type HelloFrame } from '../../shared/protocol.ts';
import { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff.ts';

/** What the link is doing, for logs and `director runner status`. */
export type RunnerLinkState =
  | { status: 'connecting'; attempt: number }
  | { status: 'connected' }
  | { status: 'waiting'; attempt: number; delayMs: number; reason: string }
  | { status: 'stopped'; reason: string; fatal: boolean };

export interface RunnerLinkOptions {
  /** The bot's base URL (http or https); the link is at /runner. */
  botUrl: string;
  token: string;
  /** What the runner says about itself in its hello. */
  hello: Pick<HelloFrame, 'runner' | 'capacity' | 'agents' | 'version' | 'sandbox' | 'projects' | 'doctor'>;
  /** The durable endpoint this link connects (whatever frames it carries). */
  endpoint: Pick<LinkEndpoint<unknown, unknown>, 'received' | 'attach' | 'detach'>;
  log: Logger;
  backoff?: Partial<BackoffOptions>;
  handshakeTimeoutMs?: number;
  /** Protocol version to announce (tests use another to check the refusal). */
  protocol?: number;
  onState?: (state: RunnerLinkState) => void;
}

/**
 * Keeps the runner connected to its bot: authenticates, says hello, hands the socket to the
 * endpoint, and reconnects with backoff. Stops for good, saying why, when the bot refuses the token
 * or the protocol version.
 */
export class RunnerLink {
  private attempt = 0;
  private current: WebSocket | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private finished = false;
  private resolveStopped: (result: { reason: string; fatal: boolean }) => void = () => undefined;
  /** Resolves when the link stops: by `stop()` or by a refusal that retrying cannot fix. */
  readonly stopped: Promise<{ reason: string; fatal: boolean }>;

  constructor(private readonly options: RunnerLinkOptions) {
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  start(): void {
    this.connect();
  }

  stop(reason = 'stopped'): void {
    this.finish(reason, false);
  }

  private get wsUrl(): string {
    const url = new URL('runner', this.options.botUrl.endsWith('/') ? this.options.botUrl : `${this.options.botUrl}/`);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.toString();
  }

  private setState(state: RunnerLinkState): void {
    this.options.onState?.(state);
  }

  private connect(): void {
    if (this.finished) return;
    const { token, endpoint, log } = this.options;
    this.setState({ status: 'connecting', attempt: this.attempt });
    const ws = new WebSocket(this.wsUrl, {
      headers: { authorization: `Bearer ${token}` },
      maxPayload: MAX_FRAME_BYTES,
      handshakeTimeout: this.options.handshakeTimeoutMs ?? 10_000,
    });
    this.current = ws;
    // The upgrade has its own timeout; a bot that never says welcome must not hold us forever.
    const welcomeTimer = setTimeout(() => ws.terminate(), this.options.handshakeTimeoutMs ?? 10_000);
    const onHandshake = (data: RawData) => {
      clearTimeout(welcomeTimer);
      this.onHandshake(ws, data, onHandshake);
    };
    ws.on('unexpected-response', (_req, res: IncomingMessage) => void this.onRefusedUpgrade(ws, res));
    ws.on('open', () => {
      ws.send(JSON.stringify({ type: 'hello', protocol: this.options.protocol ?? PROTOCOL_VERSION, ...this.options.hello, received: endpoint.received }));
    });
    ws.on('message', onHandshake);
    let opened = false;
    let failure: string | undefined;
    ws.on('open', () => (opened = true));
    ws.on('error', (error: Error & { code?: string }) => {
      failure = error.code ?? error.message;
      log.debug({ err: error }, 'link connection error');
    });
    ws.on('close', (code: number, reason: Buffer) => {
      clearTimeout(welcomeTimer);
      // Never connected: say where we tried and what the network said, not "connection lost".
      if (!opened && code === 1006) this.onClose(ws, code, reason.toString(), `cannot reach the bot at ${this.options.botUrl} (${failure ?? 'no answer'})`);
      else this.onClose(ws, code, reason.toString());
    });
  }

  private onHandshake(ws: WebSocket, data: RawData, self: (data: RawData) => void): void {
    ws.off('message', self);
    const text = rawText(data);
    const mine = this.options.protocol ?? PROTOCOL_VERSION;
    const theirs = announcedProtocol(text);
    if (theirs !== undefined && theirs !== mine) return this.finish(versionMismatch(mine, theirs), true);
    const decoded = decodeLinkFrame(text);
    if (decoded.ok && decoded.frame.type === 'welcome') {
      this.attempt = 0;
      this.options.endpoint.attach(ws, decoded.frame.received);
      this.options.log.info({ bot: this.options.botUrl, runner: this.options.hello.runner }, 'connected to the bot');
      this.setState({ status: 'connected' });
      return;
    }
    if (decoded.ok && decoded.frame.type === 'refused') {
      this.finish(decoded.frame.message, true);
      return;
    }
    this.options.log.warn({ problem: decoded.ok ? `unexpected ${decoded.frame.type}` : decoded.error.message }, 'bad handshake from the bot');
    ws.terminate();
  }

  private async onRefusedUpgrade(ws: WebSocket, res: IncomingMessage): Promise<void> {
    this.current = undefined;
    const status = res.statusCode ?? 0;
    const body = await readSmall(res);
    ws.terminate();
    const message = parseMessage(body) ?? `the bot answered HTTP ${status}`;
    if (status === 401 || status === 403) this.finish(message, true);
    else this.retry(`HTTP ${status}: ${message}`);
  }

  private onClose(ws: WebSocket, code: number, reason: string, unreachable?: string): void {
    if (this.current !== ws) return;
    this.current = undefined;
    if (code === CloseCode.revoked) return this.finish(reason || 'this runner was revoked in Slack: pair it again with /director connect', true);
    if (code === CloseCode.protocol) return this.finish(reason || 'the bot refused this runner’s protocol version', true);
    this.retry(unreachable ?? (code === 1006 ? 'connection lost' : `closed (${code}${reason ? `: ${reason}` : ''})`));
  }

  private retry(reason: string): void {
    if (this.finished) return;
    const delayMs = backoffDelay(this.attempt, { ...defaultBackoff, random: Math.random, ...this.options.backoff });
    this.setState({ status: 'waiting', attempt: this.attempt, delayMs, reason });
    this.options.log.info({ reason, retryInMs: delayMs, attempt: this.attempt }, `link down: ${reason}; reconnecting`);
    this.attempt++;
    this.retryTimer = setTimeout(() => this.connect(), delayMs);
  }

  private finish(reason: string, fatal: boolean): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.retryTimer);
    const ws = this.current;
    this.current = undefined;
    this.options.endpoint.detach();
    if (ws && ws.readyState !== WebSocket.CLOSED) ws.terminate();
    if (fatal) this.options.log.error({ reason }, 'the bot refused this runner; not retrying');
    this.setState({ status: 'stopped', reason, fatal });
    this.resolveStopped({ reason, fatal });
  }
}

function readSmall(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      if (text.length < 4096) text += chunk;
    });
    res.on('end', () => resolve(text));
    res.on('error', () => resolve(text));
  });
}

const refusalBody = z.object({ message: z.string() });

/** The bot's explanation in a refused upgrade's JSON body, if it gave one. */
function parseMessage(body: string): string | undefined {
  try {
    const parsed = refusalBody.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data.message : undefined;
  } catch {
    return undefined;
  }
}
