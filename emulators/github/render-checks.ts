// Check runs and the combined commit status, shaped as GitHub sends them.
import { iso, nodeId } from './ids.ts';
import { minimalRepoJson, userJson } from './render-common.ts';
import type { RenderContext } from './render-common.ts';
import type { RepoRecord } from './store.ts';
import type { CheckRunRecord, StatusRecord } from './types.ts';

const APP_ID = 15368;

/** The GitHub Actions app, which is what posts most check runs. */
function actionsApp(ctx: RenderContext): Record<string, unknown> {
  return {
    id: APP_ID,
    slug: 'github-actions',
    node_id: nodeId('A', APP_ID),
    client_id: 'Iv1.emulatoractions',
    owner: userJson(ctx, 'github'),
    name: 'GitHub Actions',
    description: 'Automate your workflow from idea to production',
    external_url: 'https://help.github.com/en/actions',
    html_url: `${ctx.html}/apps/github-actions`,
    created_at: '2018-07-30T09:30:17Z',
    updated_at: '2019-12-10T19:04:12Z',
    permissions: { checks: 'write', contents: 'write', metadata: 'read', pull_requests: 'write', statuses: 'write' },
    events: ['check_run', 'check_suite', 'pull_request', 'push'],
  };
}

export function checkRunJson(ctx: RenderContext, repo: RepoRecord, run: CheckRunRecord): Record<string, unknown> {
  const repoApi = `${ctx.api}/repos/${repo.owner}/${repo.name}`;
  const html = `${ctx.html}/${repo.owner}/${repo.name}/runs/${run.id}`;
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId('CR', run.id),
    head_sha: run.headSha,
    external_id: '',
    url: `${repoApi}/check-runs/${run.id}`,
    html_url: html,
    details_url: run.detailsUrl ?? html,
    status: run.status,
    conclusion: run.status === 'completed' ? (run.conclusion ?? null) : null,
    started_at: iso(run.startedAt),
    completed_at: run.completedAt === null ? null : iso(run.completedAt),
    output: {
      title: run.title ?? null,
      summary: run.summary ?? null,
      text: null,
      annotations_count: 0,
      annotations_url: `${repoApi}/check-runs/${run.id}/annotations`,
    },
    check_suite: { id: run.id + 500_000 },
    app: actionsApp(ctx),
    pull_requests: [],
  };
}

/** The latest status per context, newest first (GitHub's combined view). */
export function latestStatuses(statuses: readonly StatusRecord[]): StatusRecord[] {
  const seen = new Set<string>();
  const out: StatusRecord[] = [];
  for (const s of [...statuses].reverse()) {
    if (seen.has(s.context)) continue;
    seen.add(s.context);
    out.push(s);
  }
  return out;
}

/** failure if any error/failure, pending if none or any pending, success otherwise. */
export function combinedState(latest: readonly StatusRecord[]): 'failure' | 'pending' | 'success' {
  if (latest.some((s) => s.state === 'error' || s.state === 'failure')) return 'failure';
  if (latest.length === 0 || latest.some((s) => s.state === 'pending')) return 'pending';
  return 'success';
}

export function combinedStatusJson(ctx: RenderContext, repo: RepoRecord, sha: string, statuses: readonly StatusRecord[]): Record<string, unknown> {
  const repoApi = `${ctx.api}/repos/${repo.owner}/${repo.name}`;
  const latest = latestStatuses(statuses);
  return {
    state: combinedState(latest),
    statuses: latest.map((s) => ({
      url: `${repoApi}/statuses/${sha}`,
      avatar_url: `${ctx.html}/avatars/u/${ctx.store.userId('github')}?v=4`,
      id: s.id,
      node_id: nodeId('SC', s.id),
      state: s.state,
      description: s.description ?? null,
      target_url: s.targetUrl ?? null,
      context: s.context,
      created_at: iso(s.createdAt),
      updated_at: iso(s.createdAt),
    })),
    sha,
    total_count: latest.length,
    repository: minimalRepoJson(ctx, repo),
    commit_url: `${repoApi}/commits/${sha}`,
    url: `${repoApi}/commits/${sha}/status`,
  };
}
