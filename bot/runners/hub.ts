import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Clock } from '../../shared/clock.ts';
import type { Db } from '../../shared/db/open.ts';
import { announcedProtocol, decodeLinkFrame } from '../../shared/link/decode.ts';
import { LinkEndpoint, rawText, defaultLinkTuning, type LinkTuning } from '../../shared/link/endpoint.ts';
import { LinkStore } from '../../shared/link/store.ts';
import type { Logger } from '../../shared/log.ts';
import { botSide, type BotEndpoint } from '../../shared/link/sides.ts';
import {
  CloseCode,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  versionMismatch,
  type BotToRunner,
  type LinkFrame,
  type RunnerToBotReceived,
} from '../../shared/protocol.ts';
import type { RunnerRecord, RunnerStore } from '../store/runners.ts';
import type { Pairing } from './pairing.ts';

export interface RunnerHubOptions {
  db: Db;
  store: RunnerStore;
  pairing: Pairing;
  clock: Clock;
  log: Logger;
  tuning?: Partial<LinkTuning>;
  /** How long a new connection may take to say hello. */
  helloTimeoutMs?: number;
}

/**
 * The bot's side of every runner link: authenticates upgrades at /runner before any socket
 * exists, runs the hello/welcome exchange, and keeps one durable endpoint per runner.
 */
export class RunnerHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly endpoints = new Map<string, BotEndpoint>();
  private readonly tuning: LinkTuning;
  private handle: ((runner: RunnerRecord, frame: RunnerToBotReceived, seq: number) => void) | undefined;

  constructor(private readonly options: RunnerHubOptions) {
    this.tuning = { ...defaultLinkTuning, ...options.tuning };
  }

  /** For `server.on('upgrade', hub.handleUpgrade)`. */
  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = new URL(req.url ?? '/', 'http://bot').pathname;
    if (path !== '/runner') return refuseUpgrade(socket, 404, 'not_found', 'runners connect at /runner');
    const token = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token)
      return refuseUpgrade(socket, 401, 'missing_token', 'send Authorization: Bearer <runner token>; pair the runner first with director runner pair');
    const auth = this.options.pairing.authenticate(token);
    if (!auth.ok) {
      this.options.log.warn({ reason: auth.reason }, 'runner connection refused');
      return refuseUpgrade(socket, 401, auth.reason === 'revoked' ? 'revoked' : 'unknown_token', auth.message);
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, auth.runner));
  };

  /**
   * Sets who handles the runners' frames, inside the transaction that records each (see
   * LinkEndpoint); needed before the first runner connects.
   */
  onFrame(handle: (runner: RunnerRecord, frame: RunnerToBotReceived, seq: number) => void): void {
    this.handle = handle;
  }

  /** Queues a frame for a runner; it is delivered when the runner is (or comes) online. */
  send(runnerId: string, frame: BotToRunner): number {
    return this.endpoint(runnerId).send(frame);
  }

  isOnline(runnerId: string): boolean {
    return this.endpoints.get(runnerId)?.connected ?? false;
  }

  /** Closes a revoked runner's connection at once; its token is already refused. */
  disconnect(runnerId: string, code: number, reason: string): void {
    this.endpoints.get(runnerId)?.detach(code, reason);
  }

  close(): void {
    for (const endpoint of this.endpoints.values()) endpoint.detach(1001, 'bot shutting down');
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  private endpoint(runnerId: string): BotEndpoint {
    let endpoint = this.endpoints.get(runnerId);
    if (!endpoint) {
      endpoint = new LinkEndpoint({
        side: botSide,
        store: new LinkStore(this.options.db, `runner:${runnerId}`),
        log: this.options.log.child({ runner: runnerId }),
        clock: this.options.clock,
        tuning: this.tuning,
      });
      endpoint.onFrame((frame, seq) => {
        const record = this.options.store.byId(runnerId);
        if (!this.handle) throw new Error('RunnerHub: a runner frame arrived before onFrame');
        if (record) this.handle(record, frame, seq);
      });
      endpoint.onConnectionChange(() => this.options.store.markSeen(runnerId, this.options.clock.now()));
      this.endpoints.set(runnerId, endpoint);
    }
    return endpoint;
  }

  private onConnection(ws: WebSocket, runner: RunnerRecord): void {
    const { log } = this.options;
    // ws reports oversized or malformed frames as 'error' events: never let one crash the bot.
    ws.on('error', (error) => log.warn({ runner: runner.name, err: error }, 'runner socket error'));
    const timer = setTimeout(() => ws.close(CloseCode.policy, 'no hello'), this.options.helloTimeoutMs ?? 10_000);
    ws.once('message', (data: RawData) => {
      clearTimeout(timer);
      const text = rawText(data);
      const protocol = announcedProtocol(text);
      if (protocol !== undefined && protocol !== PROTOCOL_VERSION) {
        const message = versionMismatch(protocol, PROTOCOL_VERSION);
        log.warn({ runner: runner.name, protocol }, message);
        send(ws, { type: 'refused', reason: 'protocol', message });
        ws.close(CloseCode.protocol, message);
        return;
      }
      const decoded = decodeLinkFrame(text);
      if (!decoded.ok || decoded.frame.type !== 'hello') {
        const message = decoded.ok ? `expected hello, got ${decoded.frame.type}` : decoded.error.message;
        send(ws, { type: 'error', code: decoded.ok ? 'unexpected' : decoded.error.code, message });
        ws.close(CloseCode.policy, 'hello expected');
        return;
      }
      const hello = decoded.frame;
      if (hello.runner !== runner.name) {
        const message = `this token belongs to runner "${runner.name}", not "${hello.runner}"`;
        send(ws, { type: 'refused', reason: 'name_mismatch', message });
        ws.close(CloseCode.protocol, message);
        return;
      }
      const endpoint = this.endpoint(runner.id);
      endpoint.detach(CloseCode.replaced, 'replaced by a newer connection of this runner');
      send(ws, { type: 'welcome', protocol: PROTOCOL_VERSION, received: endpoint.received, heartbeatMs: this.tuning.heartbeatMs });
      endpoint.attach(ws, hello.received);
      this.options.store.markHello(runner.id, hello, this.options.clock.now());
      log.info({ runner: runner.name, capacity: hello.capacity, agents: hello.agents }, 'runner connected');
    });
    ws.on('close', () => clearTimeout(timer));
  }
}

function send(ws: WebSocket, frame: LinkFrame): void {
  ws.send(JSON.stringify(frame));
}

/** Answers an upgrade with an HTTP error before any WebSocket exists. */
function refuseUpgrade(socket: Duplex, status: 401 | 404, error: string, message: string): void {
  const body = JSON.stringify({ ok: false, error, message });
  const reason = status === 401 ? 'Unauthorized' : 'Not Found';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
