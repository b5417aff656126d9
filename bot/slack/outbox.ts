import type { Clock } from '../../shared/clock.ts';
import { DirectorError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/log.ts';
import type { MessageBody, MessageTarget, SlackMessageStore, StoredMessage } from '../store/slack-messages.ts';
import { RateGate } from './rate-gate.ts';
import { SlackCallError, type SlackMessagesApi } from './web-api-port.ts';

export interface OutboxLimits {
  /** chat.postMessage per channel: Slack allows about 1 per second with short bursts. */
  postsPerSecond: number;
  postBurst: number;
  /** chat.update, chat.postEphemeral and reactions.add per workspace (Slack's tiers 3 and 4). */
  editsPerSecond: number;
  editBurst: number;
}

export const defaultOutboxLimits: OutboxLimits = { postsPerSecond: 1, postBurst: 3, editsPerSecond: 50 / 60, editBurst: 10 };

export interface SlackOutboxOptions {
  api: SlackMessagesApi;
  store: SlackMessageStore;
  clock: Clock;
  log: Logger;
  limits?: Partial<OutboxLimits>;
  /** Longest wait between tries when Slack cannot be reached. */
  maxBackoffMs?: number;
}

interface Waiter {
  version: number;
  resolve: (ts: string) => void;
  reject: (error: Error) => void;
}

/**
 * Everything the bot shows in Slack goes through here. A message is identified by a stable key:
 * the first `show` posts it, later ones edit it. Posts leave each channel in order under Slack's
 * per-channel limit; a 429 pauses only the lane that met it; a post whose answer was lost is looked
 * up (by its metadata) before it is ever sent again.
 */
export class SlackOutbox {
  private readonly limits: OutboxLimits;
  private readonly postGates = new Map<string, RateGate>();
  private readonly editGate: RateGate;
  private readonly postLanes = new Map<string, Promise<void>>();
  private readonly staleKeys = new Set<string>();
  private editLane: Promise<void> | undefined;
  private readonly waiters = new Map<string, Waiter[]>();
  private stopped = false;
  /** Aborts back-off and rate-limit waits when the outbox stops. */
  private readonly abort = new AbortController();

  constructor(private readonly options: SlackOutboxOptions) {
    this.limits = { ...defaultOutboxLimits, ...options.limits };
    this.editGate = new RateGate({ perSecond: this.limits.editsPerSecond, burst: this.limits.editBurst, clock: options.clock, signal: this.abort.signal });
  }

  /** Resumes what a previous run left unsent. */
  resume(): void {
    for (const channel of this.options.store.channelsWithPending()) this.kickPosts(channel);
    for (const key of this.options.store.staleKeys()) this.kickEdit(key);
  }

  /**
   * Makes the message `key` show `body`: posted the first time, edited after. Resolves with the
   * message's ts once Slack shows this content; rejects if Slack refuses it for good.
   */
  show(key: string, target: MessageTarget, body: MessageBody): Promise<string> {
    const { store, clock } = this.options;
    const row = store.want(key, target, body, clock.now());
    if (row.failed) return Promise.reject(new DirectorError('slack_api_error', `message ${key} failed earlier: ${row.failed}`));
    if (row.ts !== null && row.shown_version >= row.version) return Promise.resolve(row.ts);
    const done = new Promise<string>((resolve, reject) => {
      const list = this.waiters.get(key) ?? [];
      list.push({ version: row.version, resolve, reject });
      this.waiters.set(key, list);
    });
    if (row.ts === null) this.kickPosts(row.channel);
    else this.kickEdit(key);
    return done;
  }

  /** A message only `user` sees. Not retried after a lost answer: Slack gives no way to check. */
  async ephemeral(args: MessageBody & { channel: string; user: string; threadTs?: string }): Promise<void> {
    await this.withRateLimit(this.editGate, () => this.options.api.postEphemeral(args));
  }

  async react(args: { channel: string; ts: string; name: string }): Promise<void> {
    try {
      await this.withRateLimit(this.editGate, () => this.options.api.addReaction(args));
    } catch (error) {
      if (error instanceof SlackCallError && error.failure.kind === 'refused' && error.failure.error === 'already_reacted') return;
      throw error;
    }
  }

  /** Resolves when every lane is idle (for shutdown, tests and benchmarks). */
  async idle(): Promise<void> {
    for (;;) {
      const lanes = [...this.postLanes.values(), ...(this.editLane ? [this.editLane] : [])];
      if (lanes.length === 0) return;
      await Promise.all(lanes);
    }
  }

  /** Stops starting new work; work in flight finishes, and the rest is resumed on the next start. */
  stop(): void {
    this.stopped = true;
    this.abort.abort(new DirectorError('shutting_down', 'the outbox stopped'));
    for (const key of [...this.waiters.keys()]) {
      this.settle(key, new DirectorError('shutting_down', `the outbox stopped before message ${key} was shown; it is resumed on the next start`));
    }
  }

  private kickPosts(channel: string): void {
    if (this.postLanes.has(channel) || this.stopped) return;
    this.postLanes.set(channel, this.drainPosts(channel));
  }

  private kickEdit(key: string): void {
    this.staleKeys.add(key);
    if (this.editLane || this.stopped) return;
    this.editLane = this.drainEdits();
  }

  private postGate(channel: string): RateGate {
    let gate = this.postGates.get(channel);
    if (!gate) {
      gate = new RateGate({ perSecond: this.limits.postsPerSecond, burst: this.limits.postBurst, clock: this.options.clock, signal: this.abort.signal });
      this.postGates.set(channel, gate);
    }
    return gate;
  }

  // The lanes below first yield, so their caller has registered them; and they unregister in the
  // same synchronous step that found nothing left to do, so no request can slip between the two.
  private async drainPosts(channel: string): Promise<void> {
    await Promise.resolve();
    try {
      for (let row = this.nextUnposted(channel); row; row = this.nextUnposted(channel)) {
        const key = row.key;
        await this.retryUnknown(key, () => this.post(key));
      }
    } finally {
      this.postLanes.delete(channel);
    }
  }

  /** The next post of a channel, unless the outbox stopped (its database may be closing). */
  private nextUnposted(channel: string): StoredMessage | undefined {
    return this.stopped ? undefined : this.options.store.nextUnposted(channel);
  }

  private async drainEdits(): Promise<void> {
    await Promise.resolve();
    try {
      for (let key = this.nextStale(); key !== undefined && !this.stopped; key = this.nextStale()) {
        const current = key;
        await this.retryUnknown(current, () => this.edit(current));
      }
    } finally {
      this.editLane = undefined;
    }
  }

  private nextStale(): string | undefined {
    const key = this.staleKeys.values().next().value;
    if (key !== undefined) this.staleKeys.delete(key);
    return key;
  }

  /** Runs one step until it succeeds or fails for good; "unknown" outcomes back off and retry. */
  private async retryUnknown(key: string, step: () => Promise<void>): Promise<void> {
    const { clock, log, store, maxBackoffMs = 30_000 } = this.options;
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await step();
        return;
      } catch (error) {
        if (error instanceof SlackCallError && error.failure.kind === 'refused') {
          log.warn({ key, method: error.method, error: error.failure.error }, 'Slack refused a message; it will not be retried');
          store.markFailed(key, `${error.method}: ${error.failure.error}`, clock.now());
          this.settle(key, new DirectorError('slack_api_error', `Slack refused ${error.method}: ${error.failure.error}`, { cause: error }));
          return;
        }
        const delay = Math.min(maxBackoffMs, 500 * 2 ** attempt);
        if (this.stopped) return;
        log.warn({ key, err: error, retryInMs: delay }, 'Slack call did not complete; retrying');
        await clock.sleep(delay, this.abort.signal).catch(() => undefined);
      }
    }
  }

  private async post(key: string): Promise<void> {
    const { api, store, clock } = this.options;
    const row = store.get(key);
    if (!row || row.ts !== null || row.failed) return;
    const threadTs = this.threadTs(row);
    if (row.attempted_at !== null && row.attempt_version !== null) {
      const found = await this.findEarlierPost(row, threadTs);
      if (found) {
        store.markPosted(key, found, row.attempt_version, clock.now());
        this.afterShown(key);
        return;
      }
    }
    await this.withRateLimit(this.postGate(row.channel), async () => {
      const current = store.get(key) ?? row;
      store.markAttempt(key, current.version, clock.now());
      try {
        const { ts } = await api.postMessage({
          channel: row.channel,
          ...current.body,
          threadTs,
          metadata: { event_type: 'director_message', event_payload: { key } },
        });
        store.markPosted(key, ts, current.version, clock.now());
      } catch (error) {
        if (error instanceof SlackCallError && error.failure.kind !== 'unknown') store.clearAttempt(key);
        throw error;
      }
    });
    this.afterShown(key);
  }

  private async edit(key: string): Promise<void> {
    const { api, store, clock } = this.options;
    const row = store.get(key);
    if (!row || row.ts === null || row.failed || row.shown_version >= row.version) return;
    const ts = row.ts;
    await this.withRateLimit(this.editGate, () => api.update({ channel: row.channel, ts, ...row.body }));
    store.markShown(key, row.version, clock.now());
    this.afterShown(key);
  }

  private threadTs(row: StoredMessage): string | undefined {
    if (row.thread_ts !== null) return row.thread_ts;
    if (row.thread_key === null) return undefined;
    const root = this.options.store.get(row.thread_key);
    if (root?.ts) return root.ts;
    throw new SlackCallError('chat.postMessage', {
      kind: 'refused',
      error: root?.failed ? `thread root ${row.thread_key} failed` : `thread root ${row.thread_key} was never shown`,
    });
  }

  /** A post whose answer was lost may be in Slack already: look for our key in its metadata. */
  private async findEarlierPost(row: StoredMessage, threadTs: string | undefined): Promise<string | undefined> {
    const oldest = (((row.attempted_at ?? 0) - 60_000) / 1000).toFixed(6);
    const messages = await this.options.api.recentMessages({ channel: row.channel, oldest, threadTs });
    return messages.find((m) => m.metadata?.event_type === 'director_message' && m.metadata.event_payload?.key === row.key)?.ts;
  }

  /** Calls Slack through `gate`; a 429 pauses that gate for Retry-After and tries again. */
  private async withRateLimit<T>(gate: RateGate, call: () => Promise<T>): Promise<T> {
    for (;;) {
      await gate.take();
      try {
        return await call();
      } catch (error) {
        if (error instanceof SlackCallError && error.failure.kind === 'rate_limited') {
          this.options.log.info({ method: error.method, retryAfterMs: error.failure.retryAfterMs }, 'Slack rate limit met; waiting');
          gate.pause(error.failure.retryAfterMs);
          continue;
        }
        throw error;
      }
    }
  }

  /** Resolves waiters whose version is now shown, and schedules an edit if newer content waits. */
  private afterShown(key: string): void {
    const row = this.options.store.get(key);
    if (!row || row.ts === null) return;
    const ts = row.ts;
    const waiting = this.waiters.get(key) ?? [];
    const still = waiting.filter((w) => {
      if (w.version > row.shown_version) return true;
      w.resolve(ts);
      return false;
    });
    if (still.length > 0) this.waiters.set(key, still);
    else this.waiters.delete(key);
    if (row.shown_version < row.version) this.kickEdit(key);
  }

  private settle(key: string, error: Error): void {
    for (const waiter of this.waiters.get(key) ?? []) waiter.reject(error);
    this.waiters.delete(key);
  }
}
