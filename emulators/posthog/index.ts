// The PostHog emulator: a loopback PostHog that posthog-node captures into and the runner queries, and the test's hands in it.
import { randomBytes } from 'node:crypto';
import type { RunningServer } from '../loopback.ts';
import { startServer, type QueryFailure, type ServerState } from './server.ts';
import { EventStore, type StoredEvent } from './store.ts';

export type { StoredEvent } from './store.ts';

export interface PostHogEmulatorOptions {
  projectId?: number;
  /** Polls an async query stays running before it completes (default 1). */
  asyncPolls?: number;
  now?: () => number;
}

/** A running emulator. Create with `startPostHogEmulator`. */
export class PostHogEmulator {
  /** "http://127.0.0.1:PORT": posthog-node's `host` and the runner's POSTHOG_HOST. */
  readonly url: string;

  constructor(
    private readonly server: RunningServer,
    private readonly state: ServerState,
  ) {
    this.url = `http://127.0.0.1:${server.port}`;
  }

  get projectId(): number {
    return this.state.projectId;
  }

  /** The project API key (`phc_…`) posthog-node captures with. */
  get projectToken(): string {
    return this.state.projectToken;
  }

  /** A personal API key with the given scopes (default `query:read`). */
  addPersonalKey(scopes: string[] = ['query:read']): string {
    const key = `phx_${randomBytes(16).toString('hex')}`;
    this.state.keys.set(key, { key, scopes });
    return key;
  }

  /** The key stops working (PostHog answers 401). */
  revokeKey(key: string): void {
    this.state.keys.delete(key);
  }

  /** The next `count` query requests are answered 429 with `Retry-After: retryAfterSeconds`. */
  throttle(count: number, retryAfterSeconds = 1): void {
    this.state.throttle = { ...this.state.throttle, remaining: count, retryAfterSeconds };
  }

  /** 429s answered so far. */
  get throttled(): number {
    return this.state.throttle.served;
  }

  /** Queries whose HogQL matches fail with `status` and `detail` (PostHog's error shape). */
  failQueries(match: QueryFailure['match'], status = 500, detail = 'Query failed: an internal error occurred.'): void {
    this.state.failures.push({ match, status, detail });
  }

  set asyncPolls(polls: number) {
    this.state.asyncPolls = polls;
  }

  /** Answers every query as async (202 and a query_status to poll), blocking ones included. */
  set answerAsync(always: boolean) {
    this.state.answerAsync = always;
  }

  /** Stores an event directly, bypassing /batch/ (benchmarks with a million events). */
  insert(event: Omit<StoredEvent, 'uuid'>): void {
    this.state.events.add(event);
  }

  /** Every event captured so far. */
  events(): StoredEvent[] {
    return this.state.events.all();
  }

  get eventCount(): number {
    return this.state.events.size;
  }

  /** Every HogQL query received, in order. */
  queries(): string[] {
    return [...this.state.queries];
  }

  /** Milliseconds spent evaluating queries (for the benchmark's split). */
  get queryMs(): number {
    return this.state.queryMs;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

export async function startPostHogEmulator(options: PostHogEmulatorOptions = {}): Promise<PostHogEmulator> {
  const state: ServerState = {
    events: new EventStore(),
    projectId: options.projectId ?? 1,
    projectToken: `phc_${randomBytes(12).toString('hex')}`,
    keys: new Map(),
    asyncQueries: new Map(),
    throttle: { remaining: 0, retryAfterSeconds: 1, served: 0 },
    failures: [],
    asyncPolls: options.asyncPolls ?? 1,
    answerAsync: false,
    queries: [],
    queryMs: 0,
    now: options.now ?? Date.now,
  };
  return new PostHogEmulator(await startServer(state), state);
}
