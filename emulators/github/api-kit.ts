// What every REST handler gets: the parsed request, the emulator's parts, and small shared helpers.
import type { z } from 'zod';
import type { Caller } from './auth.ts';
import type { GitRunner } from './git.ts';
import { branchTips } from './git.ts';
import { paginate } from './paginate.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { RenderContext } from './render-common.ts';
import type { Reply } from './reply.ts';
import { invalidRequest, notFound, ok, validationFailed } from './reply.ts';
import type { RepoRecord, Store } from './store.ts';
import type { EmulatorConfig, IssueRecord, PullRecord } from './types.ts';

/** The emulator's parts a handler may use. */
export interface ApiDeps {
  config: EmulatorConfig;
  store: Store;
  git: GitRunner;
  render: RenderContext;
  limiter: RateLimiter;
  /** base:head → merges cleanly (merge-tree is pure, so the answer never changes). */
  mergeCache: Map<string, boolean>;
}

/** One REST request after routing. */
export interface ApiRequest {
  method: string;
  /** Absolute URL on the emulator's origin (Link headers are built from it). */
  url: URL;
  params: Record<string, string>;
  /** Parsed JSON body; undefined when there was none. */
  body: unknown;
  caller: Caller;
  /** The documentation page for this endpoint's errors. */
  doc: string;
  /** The Accept header ("application/vnd.github.diff" asks for a PR's diff). */
  accept: string;
}

/** A REST endpoint implementation. */
export type Handler = (req: ApiRequest, deps: ApiDeps) => Reply | Promise<Reply>;

/** One row of the route table. */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** OpenAPI-style path: "/repos/{owner}/{repo}/pulls/{pull_number}". */
  path: string;
  doc: string;
  handler: Handler;
}

/** Path parameter by name (the router guarantees presence; an empty string never matches a record). */
export function param(req: ApiRequest, name: string): string {
  return req.params[name] ?? '';
}

/** The repo, or 404 when it doesn't exist or the caller is anonymous (all repos are private). */
export function visibleRepo(req: ApiRequest, deps: ApiDeps): RepoRecord {
  const repo = deps.store.repo(param(req, 'owner'), param(req, 'repo'));
  if (!repo || req.caller.kind !== 'valid') throw notFound(req.doc);
  return repo;
}

/** A positive integer path parameter, or 404 like GitHub for "/issues/abc". */
export function numberParam(req: ApiRequest, name: string): number {
  const raw = param(req, name);
  if (!/^\d+$/.test(raw)) throw notFound(req.doc);
  return Number(raw);
}

/** The issue (or PR's issue) with that number. */
export function issueByNumber(req: ApiRequest, repo: RepoRecord, number: number): IssueRecord {
  const issue = repo.issues.get(number);
  if (!issue) throw notFound(req.doc);
  return issue;
}

/** A PR by number: 404 when the number is a plain issue. */
export function pullByNumber(req: ApiRequest, repo: RepoRecord, number: number): { issue: IssueRecord; pull: PullRecord } {
  const issue = issueByNumber(req, repo, number);
  if (!issue.pull) throw notFound(req.doc);
  return { issue, pull: issue.pull };
}

/** Parses a JSON body with a zod schema; GitHub says 400 for broken JSON, 422 for wrong fields. */
export function parseBody<T extends z.ZodType>(req: ApiRequest, schema: T): z.infer<T> {
  const result = schema.safeParse(req.body ?? {});
  if (!result.success) {
    const detail = result.error.issues.map((i) => `For '${i.path.join('/') || 'body'}', ${i.message}.`).join('\n');
    throw invalidRequest(detail, req.doc);
  }
  return result.data;
}

/** Parses query parameters with a zod schema (string values). */
export function parseQuery<T extends z.ZodType>(req: ApiRequest, schema: T): z.infer<T> {
  const result = schema.safeParse(Object.fromEntries(req.url.searchParams));
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ resource: 'Search', field: i.path.join('.'), code: 'invalid' as const }));
    throw validationFailed(req.doc, ...issues);
  }
  return result.data;
}

/** A paginated 200 with the Link header when there is more than one page. */
export function pagedReply<T>(req: ApiRequest, deps: ApiDeps, all: readonly T[], render: (item: T) => unknown): Reply {
  const page = paginate(all, req.url, deps.config.perPageMax);
  return ok(page.items.map(render), page.link === undefined ? {} : { link: page.link });
}

/** Re-reads branch tips from git and moves open PRs' head/base shas (a push moves a PR's head). */
export async function syncPulls(deps: ApiDeps, repo: RepoRecord): Promise<Map<string, string>> {
  const tips = await branchTips(deps.git, repo.gitDir);
  for (const issue of repo.issues.values()) {
    const pull = issue.pull;
    if (!pull || issue.state !== 'open') continue;
    pull.headSha = tips.get(pull.headRef) ?? pull.headSha;
    pull.baseSha = tips.get(pull.baseRef) ?? pull.baseSha;
  }
  return tips;
}

/** ISO 8601 → ms, or a 422 naming the parameter. */
export function isoParam(req: ApiRequest, name: string, value: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw validationFailed(req.doc, { resource: 'Search', field: name, code: 'invalid' });
  return ms;
}
