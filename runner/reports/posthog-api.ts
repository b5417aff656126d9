// The runner's client of PostHog's query API: HogQL in, rows out; 401/403, 429, async answers and timeouts handled.
import { z } from 'zod';
import type { Clock } from '../../shared/clock.ts';

/** Where the runner's PostHog is and the key it reads with (never sent anywhere but PostHog). */
export interface PostHogAccess {
  host: string;
  projectId: number;
  apiKey: string;
}

export interface PostHogQueryOptions extends PostHogAccess {
  fetch: typeof fetch;
  clock: Clock;
  /** Longest one HTTP request may take (default 30 s). */
  requestTimeoutMs?: number;
  /** Longest one query may take, retries and polling included (default 2 min). */
  queryTimeoutMs?: number;
  /** Between polls of an async query (default 500 ms). */
  pollMs?: number;
}

/** Why a query gave no rows: `auth` stops the whole report; the others fail one feature. */
export class PostHogQueryError extends Error {
  override readonly name = 'PostHogQueryError';
  constructor(
    readonly kind: 'auth' | 'failed' | 'timeout',
    message: string,
  ) {
    super(message);
  }
}

const errorBody = z.object({ detail: z.string().optional(), code: z.string().optional() }).loose();
const hogqlAnswer = z.object({ results: z.array(z.array(z.unknown())), columns: z.array(z.string()).optional() }).loose();
const queryStatus = z.object({
  query_status: z
    .object({
      id: z.string(),
      complete: z.boolean().optional(),
      error: z.boolean().optional(),
      error_message: z.string().nullable().optional(),
      results: z.unknown().optional(),
    })
    .loose(),
});

const DEFAULT_RETRY_AFTER_S = 5;

/** Reads HogQL answers from one PostHog project. */
export class PostHogQueries {
  private readonly base: string;

  constructor(private readonly options: PostHogQueryOptions) {
    this.base = `${options.host.replace(/\/+$/, '')}/api/projects/${options.projectId}/query/`;
  }

  /** The project's page, for "Open in PostHog". */
  get projectUrl(): string {
    return `${this.options.host.replace(/\/+$/, '')}/project/${this.options.projectId}`;
  }

  /** The rows of one HogQL query. */
  async rows(hogql: string, name: string): Promise<unknown[][]> {
    const deadline = this.options.clock.now() + (this.options.queryTimeoutMs ?? 120_000);
    const body = JSON.stringify({ query: { kind: 'HogQLQuery', query: hogql }, name, refresh: 'blocking' });
    for (;;) {
      const res = await this.call(this.base, { method: 'POST', body }, deadline);
      if (res.status === 429) {
        await this.waitAsTold(res, deadline);
        continue;
      }
      return this.answer(res, deadline);
    }
  }

  private async answer(res: Response, deadline: number): Promise<unknown[][]> {
    await this.refuse(res);
    const json = await this.json(res);
    const direct = hogqlAnswer.safeParse(json);
    if (direct.success) return direct.data.results;
    const status = queryStatus.safeParse(json);
    if (!status.success) throw new PostHogQueryError('failed', 'PostHog answered the query in a shape Director does not know (no results, no query_status)');
    return this.poll(status.data.query_status.id, deadline);
  }

  /** Polls an async query until it completes, fails or the deadline passes. */
  private async poll(id: string, deadline: number): Promise<unknown[][]> {
    const url = `${this.base}${encodeURIComponent(id)}/`;
    for (;;) {
      const res = await this.call(url, { method: 'GET' }, deadline);
      if (res.status === 429) {
        await this.waitAsTold(res, deadline);
        continue;
      }
      await this.refuse(res);
      const status = queryStatus.safeParse(await this.json(res));
      if (!status.success) throw new PostHogQueryError('failed', 'PostHog answered a query status in a shape Director does not know');
      const s = status.data.query_status;
      if (s.error) throw new PostHogQueryError('failed', `PostHog could not run the query: ${s.error_message ?? 'no reason given'}`);
      if (s.complete) {
        const done = hogqlAnswer.safeParse(s.results);
        if (!done.success) throw new PostHogQueryError('failed', 'PostHog completed the query without results');
        return done.data.results;
      }
      const wait = Math.min(this.options.pollMs ?? 500, deadline - this.options.clock.now());
      if (wait <= 0) throw this.timedOut();
      await this.options.clock.sleep(wait);
    }
  }

  private async call(url: string, init: { method: string; body?: string }, deadline: number): Promise<Response> {
    const left = deadline - this.options.clock.now();
    if (left <= 0) throw this.timedOut();
    const signal = AbortSignal.timeout(Math.min(left, this.options.requestTimeoutMs ?? 30_000));
    try {
      return await this.options.fetch(url, {
        ...init,
        headers: { authorization: `Bearer ${this.options.apiKey}`, 'content-type': 'application/json' },
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw this.timedOut();
      throw new PostHogQueryError('failed', `PostHog at ${this.options.host} could not be reached: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** 429: waits as Retry-After says, unless that passes the deadline. */
  private async waitAsTold(res: Response, deadline: number): Promise<void> {
    await res.body?.cancel();
    const seconds = Number(res.headers.get('retry-after'));
    const ms = (Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_RETRY_AFTER_S) * 1000;
    if (this.options.clock.now() + ms > deadline)
      throw new PostHogQueryError('timeout', `PostHog kept throttling the queries (it asked to wait ${ms / 1000} s more)`);
    await this.options.clock.sleep(ms);
  }

  /** Turns an error status into the sentence a person can act on. */
  private async refuse(res: Response): Promise<void> {
    if (res.ok) return;
    const body = errorBody.safeParse(await res.json().catch(() => ({})));
    const said = body.success && body.data.detail ? ` (PostHog said: "${body.data.detail.slice(0, 200)}")` : '';
    if (res.status === 401 || res.status === 403) {
      throw new PostHogQueryError(
        'auth',
        `PostHog refused the personal API key in POSTHOG_PERSONAL_API_KEY for project ${this.options.projectId} (HTTP ${res.status})${said}: on the runner's machine, set a personal API key with the query:read scope and access to that project`,
      );
    }
    throw new PostHogQueryError('failed', `PostHog answered HTTP ${res.status}${said}`);
  }

  private async json(res: Response): Promise<unknown> {
    try {
      return await res.json();
    } catch {
      throw new PostHogQueryError('failed', `PostHog answered HTTP ${res.status} with a body that is not JSON`);
    }
  }

  private timedOut(): PostHogQueryError {
    const seconds = (this.options.queryTimeoutMs ?? 120_000) / 1000;
    return new PostHogQueryError('timeout', `the PostHog query took longer than ${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`);
  }
}
