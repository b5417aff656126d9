import type { Octokit } from '@octokit/rest';
import type { IssueInput } from '../agents/prompt.ts';

/** Which issues "fix top N" picks. */
export interface IssueQuery {
  limit: number;
  order: 'newest' | 'comments' | 'reactions';
  label?: string;
  assignee?: string;
  milestone?: string;
  /** Issue numbers that already have an active Director task. */
  busy?: ReadonlySet<number>;
}

/** An open issue as the listing shows it. */
export interface IssueSummary {
  number: number;
  title: string;
  url: string;
  comments: number;
  reactions: number;
  labels: string[];
}

const CLOSING = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+#(\d+)/gi;
const MAX_PAGES = 10;

export function repoParts(repo: string): { owner: string; repo: string } {
  const [owner = '', name = ''] = repo.split('/');
  return { owner, repo: name };
}

/** GitHub reads for tasks: the runner's token, through an Octokit passed in. */
export class GitHubIssues {
  constructor(private readonly octokit: Octokit) {}

  /** Open issues (not PRs) in the asked order, without those a task or an open PR already covers. */
  async top(repo: string, query: IssueQuery): Promise<IssueSummary[]> {
    const taken = new Set([...(query.busy ?? []), ...(await this.referencedByOpenPulls(repo))]);
    const picked: IssueSummary[] = [];
    let page = 0;
    // reactions: GitHub cannot sort by them, so read up to MAX_PAGES and sort here.
    const wanted = query.order === 'reactions' ? Number.POSITIVE_INFINITY : query.limit;
    for await (const response of this.octokit.paginate.iterator(this.octokit.rest.issues.listForRepo, {
      ...repoParts(repo),
      state: 'open',
      sort: query.order === 'comments' ? 'comments' : 'created',
      direction: 'desc',
      per_page: 100,
      ...(query.label && { labels: query.label }),
      ...(query.assignee && { assignee: query.assignee }),
      ...(query.milestone && { milestone: query.milestone }),
    })) {
      for (const issue of response.data) {
        if (issue.pull_request || taken.has(issue.number)) continue;
        picked.push({
          number: issue.number,
          title: issue.title,
          url: issue.html_url,
          comments: issue.comments,
          reactions: issue.reactions?.total_count ?? 0,
          labels: issue.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
        });
      }
      if (picked.length >= wanted || ++page >= MAX_PAGES) break;
    }
    if (query.order === 'reactions') picked.sort((a, b) => b.reactions - a.reactions || b.number - a.number);
    return picked.slice(0, query.limit);
  }

  /** One issue with its recent comments, for the prompt. */
  async issue(repo: string, number: number, recentComments = 10): Promise<IssueInput & { url: string }> {
    const parts = repoParts(repo);
    const { data } = await this.octokit.rest.issues.get({ ...parts, issue_number: number });
    const comments = data.comments > 0 ? await this.recentComments(repo, number, data.comments, recentComments) : [];
    return {
      number,
      title: data.title,
      body: data.body ?? '',
      labels: data.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
      comments,
      url: data.html_url,
    };
  }

  private async recentComments(repo: string, number: number, total: number, wanted: number): Promise<IssueInput['comments']> {
    const perPage = 100;
    const lastPage = Math.max(1, Math.ceil(total / perPage));
    const read = (page: number) => this.octokit.rest.issues.listComments({ ...repoParts(repo), issue_number: number, per_page: perPage, page });
    let comments = (await read(lastPage)).data;
    // The last page may hold only a few: take the rest from the page before.
    if (comments.length < wanted && lastPage > 1) comments = [...(await read(lastPage - 1)).data, ...comments];
    return comments.slice(-wanted).map((c) => ({ author: c.user?.login ?? 'someone', body: c.body ?? '' }));
  }

  /** Issues that open pull requests say they close. */
  private async referencedByOpenPulls(repo: string): Promise<Set<number>> {
    const numbers = new Set<number>();
    const pulls = await this.octokit.paginate(this.octokit.rest.pulls.list, { ...repoParts(repo), state: 'open', per_page: 100 });
    for (const pull of pulls) for (const match of `${pull.title}\n${pull.body ?? ''}`.matchAll(CLOSING)) numbers.add(Number(match[1]));
    return numbers;
  }
}
