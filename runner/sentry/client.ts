// Sentry's web API with the runner's token, through a fetch passed in: the issue stream (all pages), latest events, projects.
import type { z } from 'zod';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import {
  sentryErrorSchema,
  sentryEventSchema,
  sentryIssueListSchema,
  sentryIssueSchema,
  sentryProjectListSchema,
  type SentryEvent,
  type SentryIssue,
} from './schemas.ts';

export interface SentryClientOptions {
  /** e.g. https://sentry.io, or a self-hosted Sentry. */
  url: string;
  org: string;
  token: string;
  fetch: typeof fetch;
  clock: Clock;
  log: Logger;
  /** Pages read at most per listing (100 issues each). */
  maxPages?: number;
  /** 429s waited out per request before giving up. */
  maxRetries?: number;
}

/** A failure with the sentence a person should read. */
export class SentryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SentryError';
  }
}

/** Longest Retry-After honoured: a longer one fails the listing with a sentence instead of holding it. */
const MAX_WAIT_MS = 120_000;

/** `next` link of Sentry's Link header, when it says there are results. */
export function nextCursor(link: string | null): string | undefined {
  for (const part of (link ?? '').split(/,\s*(?=<)/)) {
    if (!/rel="next"/.test(part)) continue;
    if (!/results="true"/.test(part)) return undefined;
    return /cursor="([^"]+)"/.exec(part)?.[1];
  }
  return undefined;
}

export class SentryClient {
  private readonly projectIds = new Map<string, string>();

  constructor(private readonly options: SentryClientOptions) {}

  /** Unresolved issues of a project seen within `statsPeriod`, every page, in Sentry's order. */
  async issues(project: string, query: { statsPeriod: string; query: string; sort?: string }): Promise<SentryIssue[]> {
    const projectId = await this.projectId(project);
    const { maxPages = 10 } = this.options;
    const issues: SentryIssue[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const params = new URLSearchParams({ project: projectId, statsPeriod: query.statsPeriod, query: query.query, limit: '100' });
      if (query.sort) params.set('sort', query.sort);
      if (cursor) params.set('cursor', cursor);
      const { body, link } = await this.get(`/issues/?${params.toString()}`, sentryIssueListSchema, 'event:read');
      issues.push(...body);
      cursor = nextCursor(link);
      if (!cursor) break;
    }
    return issues;
  }

  /** One issue, with its all-time counts. */
  async issue(issueId: string): Promise<SentryIssue> {
    return (await this.get(`/issues/${encodeURIComponent(issueId)}/`, sentryIssueSchema, 'event:read')).body;
  }

  /** The issue's latest event with its stack trace and breadcrumbs; undefined when it has none. */
  async latestEvent(issueId: string): Promise<SentryEvent | undefined> {
    try {
      return (await this.get(`/issues/${encodeURIComponent(issueId)}/events/latest/`, sentryEventSchema, 'event:read')).body;
    } catch (error) {
      if (error instanceof SentryError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** A project's numeric id (what the issue stream takes): given as is, or looked up by slug. */
  private async projectId(project: string): Promise<string> {
    if (/^\d+$/.test(project)) return project;
    const known = this.projectIds.get(project);
    if (known) return known;
    const { body } = await this.get('/projects/', sentryProjectListSchema, 'project:read');
    for (const p of body) this.projectIds.set(p.slug, p.id);
    const id = this.projectIds.get(project);
    if (!id) throw new SentryError(`Sentry organization "${this.options.org}" has no project "${project}": check sentryProject in the runner's PROJECTS`);
    return id;
  }

  private async get<S extends z.ZodType>(path: string, schema: S, scope: string): Promise<{ body: z.output<S>; link: string | null }> {
    const { url, org, token, clock, maxRetries = 3 } = this.options;
    const target = `${url.replace(/\/+$/, '')}/api/0/organizations/${encodeURIComponent(org)}${path}`;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.options.fetch(target, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
      } catch (error) {
        throw new SentryError(`Sentry at ${url} could not be reached (${error instanceof Error ? error.message : String(error)}): check SENTRY_URL`);
      }
      if (res.status === 429 && attempt < maxRetries) {
        const waitMs = Math.max(1, Number(res.headers.get('retry-after')) || 1) * 1000;
        if (waitMs > MAX_WAIT_MS) throw new SentryError(`Sentry asked to wait ${waitMs / 1000} s before the next request; try again later`, 429);
        this.options.log.info({ waitMs }, 'Sentry rate limit: waiting as told');
        await res.body?.cancel();
        await clock.sleep(waitMs);
        continue;
      }
      const text = await res.text();
      const json = parseJson(text);
      if (!res.ok) throw this.failure(res.status, json, scope);
      const parsed = schema.safeParse(json);
      if (!parsed.success)
        throw new SentryError(`Sentry answered ${path.split('?')[0] ?? path} in a shape the runner does not know: ${parsed.error.issues[0]?.message ?? ''}`);
      return { body: parsed.data, link: res.headers.get('link') };
    }
  }

  private failure(status: number, json: unknown, scope: string): SentryError {
    const detail = sentryErrorSchema.safeParse(json).data?.detail ?? '';
    const said = detail ? ` (Sentry said: ${detail.slice(0, 200)})` : '';
    if (status === 401)
      return new SentryError(`Sentry refused SENTRY_AUTH_TOKEN${said}: set it to a valid token with the event:read and project:read scopes`, status);
    if (status === 403)
      return new SentryError(
        `SENTRY_AUTH_TOKEN may not do this${said}: it needs the ${scope} scope (event:read and project:read) for organization ${this.options.org}`,
        status,
      );
    if (status === 404) return new SentryError(`Sentry has no such resource${said}: check SENTRY_ORG ("${this.options.org}") and SENTRY_URL`, status);
    if (status === 429) return new SentryError(`Sentry is still rate limiting after ${this.options.maxRetries ?? 3} waits; try again later`, status);
    return new SentryError(`Sentry answered HTTP ${status}${said}`, status);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
