// Delivery policy shared by both modes: pick the transport, record every attempt, retry events.
import type { Timers } from './timers.ts';
import type { AttemptResult, Transport } from './transport.ts';
import type { DeliveryKind, DeliveryRecord, EmulatorConfig, JsonObject } from './types.ts';

/** How payloads reach the bot right now. */
export type DeliveryMode = 'socket' | 'http';

/** Chooses Socket Mode or HTTP and applies Slack's retry rules. */
export class Dispatcher {
  /** Every attempt, in completion order. */
  readonly records: DeliveryRecord[] = [];
  private mode: DeliveryMode = 'socket';
  private readonly events = new Map<string, JsonObject>();

  constructor(
    private readonly config: EmulatorConfig,
    private readonly timers: Timers,
    private readonly socket: Transport,
    private readonly http: Transport,
  ) {}

  get currentMode(): DeliveryMode {
    return this.mode;
  }

  setMode(mode: DeliveryMode): void {
    this.mode = mode;
  }

  /**
   * Delivers once and resolves with that attempt's record. Unacked events are retried in the
   * background; slash commands and interactions are not (Slack shows the person an error instead).
   */
  async deliver(kind: DeliveryKind, payload: JsonObject, eventId?: string): Promise<DeliveryRecord> {
    if (eventId !== undefined) this.events.set(eventId, payload);
    const { record, result } = await this.attempt(kind, payload, eventId, 0, '');
    if (kind === 'events_api') this.maybeRetry(payload, eventId, 1, result);
    return record;
  }

  /** Sends a stored event again `times` times, as when Slack thinks the ack was lost. */
  async redeliver(eventId: string, times: number): Promise<DeliveryRecord[]> {
    const payload = this.events.get(eventId);
    if (!payload) throw new Error(`slack emulator: no event ${eventId} was delivered`);
    const out: DeliveryRecord[] = [];
    for (let n = 1; n <= times; n += 1) {
      const reason = this.mode === 'http' ? 'http_timeout' : 'timeout';
      const { record } = await this.attempt('events_api', payload, eventId, n, reason);
      out.push(record);
    }
    return out;
  }

  /** The payload of a delivered event, for tests that inspect what the bot got. */
  event(eventId: string): JsonObject | undefined {
    return this.events.get(eventId);
  }

  private maybeRetry(payload: JsonObject, eventId: string | undefined, retryNum: number, last: AttemptResult): void {
    if (last.status === 'acked' || last.noRetry === true) return;
    const delays = this.mode === 'http' ? this.config.httpRetryDelaysMs : this.config.socketRetryDelaysMs;
    const delay = delays[retryNum - 1];
    if (delay === undefined) return;
    const reason = this.mode === 'http' ? (last.failure ?? 'http_error') : 'timeout';
    this.timers.after(delay, () => {
      void this.attempt('events_api', payload, eventId, retryNum, reason).then(({ result }) => this.maybeRetry(payload, eventId, retryNum + 1, result));
    });
  }

  private async attempt(
    kind: DeliveryKind,
    payload: JsonObject,
    eventId: string | undefined,
    retryNum: number,
    retryReason: string,
  ): Promise<{ record: DeliveryRecord; result: AttemptResult }> {
    const mode = this.mode;
    const transport = mode === 'http' ? this.http : this.socket;
    const result = await transport.attempt({ kind, payload, retryNum, retryReason });
    const record: DeliveryRecord = {
      mode,
      kind,
      ...(eventId === undefined ? {} : { eventId }),
      ...(result.envelopeId === undefined ? {} : { envelopeId: result.envelopeId }),
      retryNum,
      ...(retryNum > 0 ? { retryReason } : {}),
      status: result.status,
      ...(result.httpStatus === undefined ? {} : { httpStatus: result.httpStatus }),
      ...(result.ackPayload === undefined ? {} : { ackPayload: result.ackPayload }),
      at: this.config.now(),
    };
    this.records.push(record);
    return { record, result };
  }
}
