import { WebSocket, type RawData } from 'ws';
import type { Clock } from '../clock.ts';
import { systemClock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { z } from 'zod';
import { CloseCode, dispatchFrame, type ErrorFrame, type FrameHandlers, type LinkFrame } from '../protocol.ts';
import { decodeAppFrame, decodeLinkFrame, type FrameSchema } from './decode.ts';
import type { LinkStore } from './store.ts';

export interface LinkTuning {
  /** Ping interval; a peer silent for two intervals is taken as dead. */
  heartbeatMs: number;
  /** Bytes written but not yet flushed to the socket above which sending pauses. */
  highWaterBytes: number;
  /** Acknowledge at once after this many frames, else after `ackDelayMs`. */
  ackEvery: number;
  ackDelayMs: number;
  /** Bad frames tolerated per connection before it is closed (1008). */
  maxBadFrames: number;
}

export const defaultLinkTuning: LinkTuning = { heartbeatMs: 15_000, highWaterBytes: 1024 * 1024, ackEvery: 100, ackDelayMs: 5, maxBadFrames: 20 };

/**
 * Handles one application frame. Runs synchronously inside the SQLite transaction that records
 * the frame as handled, so its database writes and "handled" commit together: exactly once,
 * even across kill -9. Start async work from what it wrote, after it returns.
 */
export type FrameHandler<In> = (frame: In, seq: number) => void;

/** The frames one side sends and receives (see `./sides.ts`). */
export interface LinkSide<Out, In> {
  /** Every frame sent is checked against it before it is stored. */
  sends: z.ZodType<Out>;
  receives: FrameSchema<In>;
}

export interface LinkEndpointOptions<Out, In> {
  side: LinkSide<Out, In>;
  store: LinkStore;
  log: Logger;
  clock?: Clock;
  tuning?: Partial<LinkTuning>;
  /** Applied to every frame before it is stored for sending (the runner redacts secrets here). */
  outgoing?: (frame: Out) => Out;
}

interface Session {
  ws: WebSocket;
  sentUpTo: number;
  inflightBytes: number;
  lastHeard: number;
  unacked: number;
  badFrames: number;
  flushScheduled: boolean;
  ackTimer?: NodeJS.Timeout;
  heartbeat: NodeJS.Timeout;
}

/**
 * One side of the link with one peer. Application code calls `send` and gets the peer's frames
 * through the handler it gave `onFrame`; connections come and go underneath through `attach`.
 */
export class LinkEndpoint<Out, In> {
  private readonly tuning: LinkTuning;
  private readonly clock: Clock;
  private session: Session | undefined;
  private handledSeq: number;
  private readonly listeners = new Set<(connected: boolean) => void>();
  private handle: FrameHandler<In> | undefined;

  constructor(private readonly options: LinkEndpointOptions<Out, In>) {
    this.tuning = { ...defaultLinkTuning, ...options.tuning };
    this.clock = options.clock ?? systemClock;
    this.handledSeq = options.store.handled();
  }

  get connected(): boolean {
    return this.session !== undefined;
  }

  /** Bytes handed to the socket and not yet flushed (bounded by highWaterBytes). */
  get inflightBytes(): number {
    return this.session?.inflightBytes ?? 0;
  }

  /** Highest seq received from the peer and handled (sent in hello / welcome). */
  get received(): number {
    return this.handledSeq;
  }

  /** Sets who handles the peer's frames; needed before the first connection is attached. */
  onFrame(handle: FrameHandler<In>): void {
    this.handle = handle;
  }

  /** Calls `listener` whenever a connection is attached or lost. */
  onConnectionChange(listener: (connected: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stores the frame durably and sends it when connected. Returns its seq. */
  send(frame: Out): number {
    const checked = this.options.side.sends.parse(frame);
    const seq = this.options.store.enqueue(JSON.stringify(this.options.outgoing ? this.options.outgoing(checked) : checked));
    if (this.session) this.scheduleFlush(this.session);
    return seq;
  }

  /** Takes over an open, handshaken socket. `peerReceived` is what the peer has handled from us. */
  attach(ws: WebSocket, peerReceived: number): void {
    if (!this.handle) throw new Error('LinkEndpoint.attach before onFrame: frames would have no handler');
    this.detach();
    const sent = this.options.store.lastAssigned();
    if (peerReceived > sent) {
      // The peer remembers frames we never sent: its state belongs to another pairing.
      this.options.log.error({ peer: this.options.store.peer, peerReceived, sent }, 'peer claims frames this side never sent; refusing the connection');
      ws.close(CloseCode.policy, 'link state mismatch: pair the runner again');
      return;
    }
    this.options.store.acknowledge(peerReceived);
    const session: Session = {
      ws,
      sentUpTo: peerReceived,
      inflightBytes: 0,
      lastHeard: this.clock.now(),
      unacked: 0,
      badFrames: 0,
      flushScheduled: false,
      heartbeat: setInterval(() => this.beat(session), this.tuning.heartbeatMs),
    };
    session.heartbeat.unref();
    this.session = session;
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(session, data, isBinary));
    ws.on('pong', () => (session.lastHeard = this.clock.now()));
    ws.on('close', () => this.onClose(session));
    ws.on('error', (error) => this.options.log.warn({ peer: this.options.store.peer, err: error }, 'link socket error'));
    this.notify(true);
    this.flush(session);
  }

  /** Closes the current connection, if any (frames stay queued). */
  detach(code = 1000, reason = 'closing'): void {
    const session = this.session;
    if (!session) return;
    this.onClose(session);
    if (session.ws.readyState === WebSocket.OPEN || session.ws.readyState === WebSocket.CONNECTING) session.ws.close(code, reason);
  }

  private onClose(session: Session): void {
    clearInterval(session.heartbeat);
    clearTimeout(session.ackTimer);
    if (this.session !== session) return;
    this.session = undefined;
    this.notify(false);
  }

  private notify(connected: boolean): void {
    for (const listener of this.listeners) listener(connected);
  }

  private beat(session: Session): void {
    if (this.clock.now() - session.lastHeard > 2 * this.tuning.heartbeatMs) {
      this.options.log.warn({ peer: this.options.store.peer }, 'peer silent for two heartbeats; dropping the connection');
      session.ws.terminate();
      this.onClose(session);
      return;
    }
    if (session.ws.readyState === WebSocket.OPEN) session.ws.ping();
  }

  private scheduleFlush(session: Session): void {
    if (session.flushScheduled) return;
    session.flushScheduled = true;
    queueMicrotask(() => {
      session.flushScheduled = false;
      this.flush(session);
    });
  }

  /** Streams unacknowledged frames from SQLite while the socket keeps up. */
  private flush(session: Session): void {
    const { store } = this.options;
    const { highWaterBytes } = this.tuning;
    while (this.session === session && session.ws.readyState === WebSocket.OPEN && session.inflightBytes < highWaterBytes) {
      const rows = store.pending(session.sentUpTo, 256);
      if (rows.length === 0) return;
      for (const row of rows) {
        const text = `{"type":"data","seq":${row.seq},"body":${row.body}}`;
        const size = Buffer.byteLength(text);
        session.inflightBytes += size;
        session.ws.send(text, () => {
          session.inflightBytes -= size;
          if (session.inflightBytes < highWaterBytes / 2) this.scheduleFlush(session);
        });
        session.sentUpTo = row.seq;
        if (session.inflightBytes >= highWaterBytes) return;
      }
    }
  }

  private onMessage(session: Session, data: RawData, isBinary: boolean): void {
    if (this.session !== session) return;
    session.lastHeard = this.clock.now();
    if (isBinary) return this.reject(session, { type: 'error', code: 'invalid_frame', message: 'binary frames are not part of the protocol' });
    const decoded = decodeLinkFrame(rawText(data));
    if (!decoded.ok) return this.reject(session, decoded.error);
    this.dispatch(session, decoded.frame);
  }

  private dispatch(session: Session, frame: LinkFrame): void {
    const unexpected = () => this.reject(session, { type: 'error', code: 'unexpected', message: `a ${frame.type} frame is not expected after the handshake` });
    const handlers: FrameHandlers<LinkFrame> = {
      data: (data) => this.receive(session, data.seq, data.body),
      ack: (ack) => this.options.store.acknowledge(Math.min(ack.seq, session.sentUpTo)),
      error: (error) =>
        this.options.log.warn({ peer: this.options.store.peer, code: error.code, seq: error.seq, problem: error.message }, 'peer refused a frame'),
      hello: unexpected,
      welcome: unexpected,
      refused: unexpected,
    };
    dispatchFrame(handlers, frame);
  }

  private receive(session: Session, seq: number, body: unknown): void {
    const { store, log, side } = this.options;
    const handle = this.handle;
    if (seq <= this.handledSeq) return this.scheduleAck(session); // a replay of something handled
    if (seq !== this.handledSeq + 1) {
      return this.reject(session, { type: 'error', code: 'unexpected', message: `expected seq ${this.handledSeq + 1}, got ${seq}`, seq });
    }
    const decoded = decodeAppFrame(body, seq, side.receives);
    try {
      store.transaction(() => {
        if (decoded.ok) handle?.(decoded.frame, seq);
        store.markHandled(seq);
      });
    } catch (error) {
      // A handler that throws would otherwise stall the stream forever: record, report, move on.
      log.error({ peer: store.peer, seq, err: error }, 'handler failed; the frame is skipped');
      store.markHandled(seq);
      this.sendControl(session, { type: 'error', code: 'unexpected', message: `the receiver failed to handle frame ${seq}`, seq });
    }
    this.handledSeq = seq;
    if (!decoded.ok) this.reject(session, decoded.error);
    this.scheduleAck(session);
  }

  private scheduleAck(session: Session): void {
    session.unacked++;
    if (session.unacked >= this.tuning.ackEvery) return this.sendAck(session);
    session.ackTimer ??= setTimeout(() => this.sendAck(session), this.tuning.ackDelayMs);
  }

  private sendAck(session: Session): void {
    clearTimeout(session.ackTimer);
    session.ackTimer = undefined;
    session.unacked = 0;
    this.sendControl(session, { type: 'ack', seq: this.handledSeq });
  }

  private sendControl(session: Session, frame: LinkFrame): void {
    if (session.ws.readyState === WebSocket.OPEN) session.ws.send(JSON.stringify(frame));
  }

  private reject(session: Session, error: ErrorFrame): void {
    session.badFrames++;
    this.options.log.warn({ peer: this.options.store.peer, code: error.code, problem: error.message }, 'bad frame from peer');
    this.sendControl(session, error);
    if (session.badFrames > this.tuning.maxBadFrames) {
      this.options.log.warn({ peer: this.options.store.peer }, 'peer keeps sending bad frames; disconnecting');
      this.detach(CloseCode.policy, 'too many bad frames');
    }
  }
}

/** The text of a ws message, whatever buffer shape it arrived in. */
export function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
