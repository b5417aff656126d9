// JSON shapes shared by many endpoints: users, repositories, labels, milestones, reactions.
import { iso, nodeId } from './ids.ts';
import type { RepoRecord, Store } from './store.ts';
import type { IssueRecord } from './types.ts';

/** Where rendered URLs point: the API root and the "web" root (both the emulator's origin). */
export interface RenderContext {
  store: Store;
  api: string;
  html: string;
  /** The token owner's login (author associations). */
  login: string;
}

/** GitHub's simple-user. */
export function userJson(ctx: RenderContext, login: string): Record<string, unknown> {
  const id = ctx.store.userId(login);
  const url = `${ctx.api}/users/${login}`;
  return {
    login,
    id,
    node_id: nodeId('U', id),
    avatar_url: `${ctx.html}/avatars/u/${id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `${ctx.html}/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: login.endsWith('[bot]') ? 'Bot' : 'User',
    user_view_type: 'public',
    site_admin: false,
  };
}

/** The "{…}" URL templates every repository object carries. */
function repoUrls(api: string): Record<string, string> {
  const t = (name: string, suffix = ''): [string, string] => [`${name}_url`, `${api}/${name}${suffix}`];
  return Object.fromEntries([
    t('forks'),
    ['keys_url', `${api}/keys{/key_id}`],
    ['collaborators_url', `${api}/collaborators{/collaborator}`],
    t('teams'),
    t('hooks'),
    ['issue_events_url', `${api}/issues/events{/number}`],
    t('events'),
    ['assignees_url', `${api}/assignees{/user}`],
    ['branches_url', `${api}/branches{/branch}`],
    t('tags'),
    ['blobs_url', `${api}/git/blobs{/sha}`],
    ['git_tags_url', `${api}/git/tags{/sha}`],
    ['git_refs_url', `${api}/git/refs{/sha}`],
    ['trees_url', `${api}/git/trees{/sha}`],
    ['statuses_url', `${api}/statuses/{sha}`],
    t('languages'),
    t('stargazers'),
    t('contributors'),
    t('subscribers'),
    t('subscription'),
    ['commits_url', `${api}/commits{/sha}`],
    ['git_commits_url', `${api}/git/commits{/sha}`],
    ['comments_url', `${api}/comments{/number}`],
    ['issue_comment_url', `${api}/issues/comments{/number}`],
    ['contents_url', `${api}/contents/{+path}`],
    ['compare_url', `${api}/compare/{base}...{head}`],
    t('merges'),
    ['archive_url', `${api}/{archive_format}{/ref}`],
    t('downloads'),
    ['issues_url', `${api}/issues{/number}`],
    ['pulls_url', `${api}/pulls{/number}`],
    ['milestones_url', `${api}/milestones{/number}`],
    ['notifications_url', `${api}/notifications{?since,all,participating}`],
    ['labels_url', `${api}/labels{/name}`],
    ['releases_url', `${api}/releases{/id}`],
    t('deployments'),
  ]);
}

/** GitHub's minimal-repository (embedded in PR heads, statuses…). */
export function minimalRepoJson(ctx: RenderContext, repo: RepoRecord): Record<string, unknown> {
  const api = `${ctx.api}/repos/${repo.owner}/${repo.name}`;
  return {
    id: repo.id,
    node_id: nodeId('R', repo.id),
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    private: true,
    owner: userJson(ctx, repo.owner),
    html_url: `${ctx.html}/${repo.owner}/${repo.name}`,
    description: null,
    fork: false,
    url: api,
    ...repoUrls(api),
  };
}

/** GitHub's repository / full-repository (GET /repos/{o}/{r}, PR head.repo). */
export function repoJson(ctx: RenderContext, repo: RepoRecord): Record<string, unknown> {
  const open = [...repo.issues.values()].filter((i) => i.state === 'open').length;
  return {
    ...minimalRepoJson(ctx, repo),
    created_at: iso(repo.createdAt),
    updated_at: iso(repo.pushedAt),
    pushed_at: iso(repo.pushedAt),
    git_url: `git://127.0.0.1/${repo.owner}/${repo.name}.git`,
    ssh_url: `git@127.0.0.1:${repo.owner}/${repo.name}.git`,
    clone_url: `${ctx.html}/${repo.owner}/${repo.name}.git`,
    svn_url: `${ctx.html}/${repo.owner}/${repo.name}`,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: open,
    license: null,
    allow_forking: true,
    is_template: false,
    topics: [],
    visibility: 'private',
    forks: 0,
    open_issues: open,
    watchers: 0,
    default_branch: repo.defaultBranch,
    permissions: { admin: ctx.store.tokenCanPush, maintain: ctx.store.tokenCanPush, push: ctx.store.tokenCanPush, triage: true, pull: true },
    allow_squash_merge: true,
    allow_merge_commit: true,
    allow_rebase_merge: true,
    delete_branch_on_merge: false,
    network_count: 0,
    subscribers_count: 0,
  };
}

export function labelJson(ctx: RenderContext, repo: RepoRecord, name: string): Record<string, unknown> {
  const label = ctx.store.label(repo, name);
  return {
    id: label.id,
    node_id: nodeId('LA', label.id),
    url: `${ctx.api}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: false,
    description: null,
  };
}

/** GitHub's milestone, with open/closed counts over the repo's issues. */
export function milestoneJson(ctx: RenderContext, repo: RepoRecord, number: number | null): Record<string, unknown> | null {
  const m = number === null ? undefined : repo.milestones.get(number);
  if (!m) return null;
  const api = `${ctx.api}/repos/${repo.owner}/${repo.name}/milestones/${m.number}`;
  const members = [...repo.issues.values()].filter((i) => i.milestone === m.number);
  return {
    url: api,
    html_url: `${ctx.html}/${repo.owner}/${repo.name}/milestone/${m.number}`,
    labels_url: `${api}/labels`,
    id: m.id,
    node_id: nodeId('MI', m.id),
    number: m.number,
    state: 'open',
    title: m.title,
    description: null,
    creator: userJson(ctx, repo.owner),
    open_issues: members.filter((i) => i.state === 'open').length,
    closed_issues: members.filter((i) => i.state === 'closed').length,
    created_at: iso(m.createdAt),
    updated_at: iso(m.createdAt),
    closed_at: null,
    due_on: null,
  };
}

/** reaction-rollup; the emulator only tracks 👍. */
export function reactionsJson(url: string, issue: Pick<IssueRecord, 'reactions'>): Record<string, unknown> {
  const n = issue.reactions;
  return { url, total_count: n, '+1': n, '-1': 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 };
}
