/**
 * One poll of one PR: review comments, reviews, PR comments, and check runs and statuses on its
 * head, each fetched with `If-None-Match`, so a PR where nothing changed costs only 304s, which
 * GitHub does not count against the rate limit. The ETags are handed back, to be stored in the
 * same transaction as what was seen.
 */
import type { Octokit } from '@octokit/rest';
import { z } from 'zod';
import type { Redactor } from '../../shared/redact.ts';
import { tail } from '../../shared/text.ts';
import { repoParts } from '../github/issues.ts';
import type { FeedbackStore } from './store.ts';
import {
  FAILING,
  annotationSchema,
  checkRunsSchema,
  combinedStatusSchema,
  issueCommentSchema,
  pullSchema,
  reviewCommentSchema,
  reviewSchema,
  type FeedbackItem,
} from './items.ts';

const notModified = z.object({ status: z.literal(304) });
const LOG_TAIL = 3000;

/** What one poll found: whether the PR is still open, its head, the candidate items and the ETags to keep. */
export interface PollResult {
  open: boolean;
  headSha: string | undefined;
  items: FeedbackItem[];
  etags: [url: string, etag: string][];
}

export interface PollTarget {
  taskId: string;
  repo: string;
  prNumber: number;
}

export class PrFeedbackSource {
  /** Each PR's head as last read (after a restart, the PR is read once without its ETag). */
  private readonly heads = new Map<string, string>();

  constructor(
    private readonly octokit: Octokit,
    private readonly store: FeedbackStore,
    private readonly redact: Redactor,
  ) {}

  async poll({ taskId, repo, prNumber }: PollTarget): Promise<PollResult> {
    const parts = repoParts(repo);
    const base = `/repos/${parts.owner}/${parts.repo}`;
    const etags: PollResult['etags'] = [];
    const get = <S extends z.ZodType>(url: string, schema: S, forceFresh = false) => this.get(taskId, url, schema, etags, forceFresh);
    const pull = await get(`${base}/pulls/${prNumber}`, pullSchema, !this.heads.has(taskId));
    if (pull) this.heads.set(taskId, pull.head.sha);
    const head = this.heads.get(taskId);
    if (pull && (pull.state !== 'open' || pull.merged)) return { open: false, headSha: head, items: [], etags };
    const items: FeedbackItem[] = [];
    const comments = await get(`${base}/pulls/${prNumber}/comments?per_page=100`, z.array(reviewCommentSchema));
    for (const c of comments ?? [])
      items.push({
        kind: 'review_comment',
        id: String(c.id),
        author: c.user?.login ?? 'ghost',
        body: c.body,
        path: c.path,
        line: c.line ?? c.original_line ?? null,
        diffHunk: c.diff_hunk,
        threadId: c.in_reply_to_id ?? c.id,
      });
    const reviews = await get(`${base}/pulls/${prNumber}/reviews?per_page=100`, z.array(reviewSchema));
    for (const r of reviews ?? [])
      if (r.body && (r.state === 'CHANGES_REQUESTED' || r.state === 'COMMENTED'))
        items.push({ kind: 'review', id: String(r.id), author: r.user?.login ?? 'ghost', body: r.body, state: r.state });
    const talk = await get(`${base}/issues/${prNumber}/comments?per_page=100`, z.array(issueCommentSchema));
    for (const c of talk ?? []) if (c.body.trim()) items.push({ kind: 'issue_comment', id: String(c.id), author: c.user?.login ?? 'ghost', body: c.body });
    if (head) items.push(...(await this.failingChecks(base, head, get)));
    return { open: true, headSha: head, items, etags };
  }

  /** A failing check's annotations and the tail of its job log (Actions only), redacted. */
  async details(
    repo: string,
    checkRunId: number,
    actions: boolean,
  ): Promise<{ annotations: { path: string; line: number; message: string }[]; logTail: string }> {
    const parts = repoParts(repo);
    const { data } = await this.octokit.rest.checks.listAnnotations({ ...parts, check_run_id: checkRunId, per_page: 50 });
    const annotations = z
      .array(annotationSchema)
      .parse(data)
      .map((a) => ({ path: a.path, line: a.start_line, message: this.redact([a.title, a.message].filter(Boolean).join(': ')) }));
    let logTail = '';
    if (actions) {
      try {
        const log = await this.octokit.rest.actions.downloadJobLogsForWorkflowRun({ ...parts, job_id: checkRunId });
        logTail = tail(this.redact(typeof log.data === 'string' ? log.data : ''), LOG_TAIL);
      } catch {
        // No log (expired, not an Actions job): the annotations stand alone.
      }
    }
    return { annotations, logTail };
  }

  private async failingChecks(
    base: string,
    head: string,
    get: <S extends z.ZodType>(url: string, schema: S) => Promise<z.infer<S> | undefined>,
  ): Promise<FeedbackItem[]> {
    const out: FeedbackItem[] = [];
    const runs = await get(`${base}/commits/${head}/check-runs?filter=latest&per_page=100`, checkRunsSchema);
    for (const run of runs?.check_runs ?? [])
      if (run.status === 'completed' && run.conclusion !== null && FAILING.has(run.conclusion))
        out.push({
          kind: 'check',
          id: String(run.id),
          headSha: head,
          author: run.app?.slug ?? 'ci',
          name: run.name,
          conclusion: run.conclusion,
          annotations: [],
          logTail: '',
        });
    const status = await get(`${base}/commits/${head}/status`, combinedStatusSchema);
    for (const s of status?.statuses ?? [])
      if (FAILING.has(s.state))
        out.push({
          kind: 'check',
          id: `status:${s.context}`,
          headSha: head,
          author: 'ci',
          name: s.context,
          conclusion: s.state,
          annotations: [],
          logTail: this.redact(s.description ?? ''),
        });
    return out;
  }

  /** GET with the stored ETag: the parsed body when it changed, undefined on 304. */
  private async get<S extends z.ZodType>(
    taskId: string,
    url: string,
    schema: S,
    etags: PollResult['etags'],
    forceFresh: boolean,
  ): Promise<z.infer<S> | undefined> {
    const etag = forceFresh ? undefined : this.store.etag(taskId, url);
    try {
      const response = await this.octokit.request(`GET ${url}`, { headers: etag ? { 'if-none-match': etag } : {} });
      const fresh = response.headers.etag;
      if (typeof fresh === 'string') etags.push([url, fresh]);
      return schema.parse(response.data);
    } catch (error) {
      if (notModified.safeParse(error).success) return undefined;
      throw error;
    }
  }
}
