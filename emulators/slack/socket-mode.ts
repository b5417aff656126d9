// Socket Mode link: ticketed upgrades at /link/, hello, envelopes with ack deadlines, disconnects, pings.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import { z } from 'zod';
import type { Timers } from './timers.ts';
import type { AttemptRequest, AttemptResult, Transport } from './transport.ts';
import type { EmulatorConfig, JsonObject } from './types.ts';

/** Reasons Slack gives in `{"type":"disconnect"}`. */
export type DisconnectReason = 'refresh_requested' | 'warning' | 'link_disabled';

/** How long a told-to-disconnect client gets to close before the server cuts it. */
export const DISCONNECT_GRACE_MS = 1000;

const Ack = z.object({ envelope_id: z.string(), payload: z.unknown().optional() });

interface Pending {
  envelopeId: string;
  envelope: JsonObject;
  resolve: (result: AttemptResult) => void;
  timer?: NodeJS.Timeout;
}

function text(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** The server side of Socket Mode. */
export class SocketLink implements Transport {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly open = new Set<WebSocket>();
  private readonly draining = new Set<WebSocket>();
  private readonly queue: Pending[] = [];
  private readonly inflight = new Map<string, Pending>();
  private turn = 0;

  constructor(
    private readonly config: EmulatorConfig,
    private readonly timers: Timers,
  ) {
    timers.every(config.serverPingIntervalMs, () => {
      for (const ws of this.open) if (ws.readyState === ws.OPEN) ws.ping();
    });
  }

  /** A one-time ticket for the URL apps.connections.open returns. */
  issueTicket(): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return ticket;
  }

  /** Currently open connections (including ones told to disconnect that haven't closed yet). */
  get connections(): number {
    return this.open.size;
  }

  /** HTTP upgrade handler: only /link/ with an unused ticket gets a WebSocket. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ticket = url.searchParams.get('ticket') ?? '';
    const path = url.pathname.replace(/\/$/, '');
    if (path !== '/link' || !this.tickets.delete(ticket)) {
      const status = path === '/link' ? '401 Unauthorized' : '404 Not Found';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  }

  attempt(request: AttemptRequest): Promise<AttemptResult> {
    const envelopeId = randomUUID();
    const envelope: JsonObject = {
      envelope_id: envelopeId,
      type: request.kind,
      payload: request.payload,
      accepts_response_payload: request.kind !== 'events_api',
      retry_attempt: request.retryNum,
      retry_reason: request.retryReason,
    };
    return new Promise((resolve) => {
      const pending: Pending = { envelopeId, envelope, resolve };
      if (this.timers.isClosed) {
        resolve({ status: 'timeout', envelopeId });
        return;
      }
      // With no connection, Slack holds the envelope until the app reconnects.
      this.queue.push(pending);
      this.flush();
    });
  }

  /** Sends `disconnect` to every live connection; resolves once they are all closed. */
  disconnect(reason: DisconnectReason): Promise<void> {
    const targets = [...this.open].filter((ws) => !this.draining.has(ws));
    const closed = targets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === ws.CLOSED) {
            resolve();
            return;
          }
          ws.once('close', () => resolve());
          this.draining.add(ws);
          ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'emulator' } }));
          this.timers.after(DISCONNECT_GRACE_MS, () => ws.terminate());
        }),
    );
    return Promise.all(closed).then(() => undefined);
  }

  close(): void {
    for (const ws of this.open) ws.terminate();
    this.open.clear();
    this.wss.close();
    for (const pending of [...this.queue, ...this.inflight.values()]) {
      this.timers.cancel(pending.timer);
      pending.resolve({ status: 'timeout', envelopeId: pending.envelopeId });
    }
    this.queue.length = 0;
    this.inflight.clear();
  }

  private onConnection(ws: WebSocket): void {
    this.open.add(ws);
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.onMessage(text(data));
    });
    ws.on('close', () => {
      this.open.delete(ws);
      this.draining.delete(ws);
    });
    ws.on('error', () => ws.terminate());
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.open.size,
        connection_info: { app_id: this.config.appId },
        debug_info: { host: 'emulator', approximate_connection_time: 18060 },
      }),
    );
    this.flush();
  }

  private onMessage(raw: string): void {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return;
    }
    const ack = Ack.safeParse(value);
    if (!ack.success) return;
    const pending = this.inflight.get(ack.data.envelope_id);
    // Acks after the deadline are ignored, as Slack has already scheduled the retry.
    if (!pending) return;
    this.inflight.delete(pending.envelopeId);
    this.timers.cancel(pending.timer);
    pending.resolve({ status: 'acked', envelopeId: pending.envelopeId, ackPayload: ack.data.payload });
  }

  /** Sends queued envelopes over live connections, round robin. */
  private flush(): void {
    for (;;) {
      const live = [...this.open].filter((ws) => ws.readyState === ws.OPEN && !this.draining.has(ws));
      const pending = this.queue[0];
      if (live.length === 0 || pending === undefined) return;
      this.queue.shift();
      const ws = live[this.turn % live.length];
      this.turn += 1;
      if (ws === undefined) return;
      this.inflight.set(pending.envelopeId, pending);
      ws.send(JSON.stringify(pending.envelope));
      pending.timer = this.timers.after(this.config.ackTimeoutMs, () => {
        if (!this.inflight.delete(pending.envelopeId)) return;
        pending.resolve({ status: 'timeout', envelopeId: pending.envelopeId });
      });
    }
  }
}
