// POST /graphql: the mutations Director uses (markPullRequestReadyForReview), answered as GitHub does.
import { z } from 'zod';
import type { ApiDeps, ApiRequest, RouteSpec } from './api-kit.ts';
import { nodeId } from './ids.ts';
import type { Reply } from './reply.ts';
import { ApiError, DOCS, ok } from './reply.ts';
import type { RepoRecord } from './store.ts';
import type { IssueRecord } from './types.ts';

const DOC_GRAPHQL = `${DOCS.replace('/rest', '/graphql')}`;

const GraphQlBody = z.object({ query: z.string(), variables: z.record(z.string(), z.unknown()).optional() });

/** The PR whose node_id is `id`, in any repository. */
function pullByNode(deps: ApiDeps, id: string): { repo: RepoRecord; issue: IssueRecord } | undefined {
  for (const repo of deps.store.allRepos()) {
    for (const issue of repo.issues.values()) if (issue.pull && nodeId('PR', issue.pull.id) === id) return { repo, issue };
  }
  return undefined;
}

/** `pullRequestId: $var` or `pullRequestId: "literal"` in the mutation's input. */
function pullRequestId(query: string, variables: Record<string, unknown>): string | undefined {
  const found = /pullRequestId\s*:\s*(?:\$(\w+)|"([^"]*)")/.exec(query);
  if (!found) return undefined;
  if (found[2] !== undefined) return found[2];
  const value = variables[found[1] ?? ''];
  return typeof value === 'string' ? value : undefined;
}

function graphql(req: ApiRequest, deps: ApiDeps): Reply {
  if (req.caller.kind !== 'valid') throw new ApiError(401, 'This endpoint requires you to be authenticated.', DOC_GRAPHQL);
  const body = GraphQlBody.safeParse(req.body);
  if (!body.success) return ok({ errors: [{ message: 'A query attribute must be specified and must be a string.' }] });
  const { query, variables = {} } = body.data;
  if (!/\bmarkPullRequestReadyForReview\b/.test(query)) {
    return ok({ errors: [{ message: 'The GitHub emulator answers only markPullRequestReadyForReview over GraphQL.' }] });
  }
  const id = pullRequestId(query, variables) ?? '';
  const found = pullByNode(deps, id);
  if (!found?.issue.pull) {
    return ok({
      data: { markPullRequestReadyForReview: null },
      errors: [{ type: 'NOT_FOUND', path: ['markPullRequestReadyForReview'], message: `Could not resolve to a node with the global id of '${id}'.` }],
    });
  }
  const { issue } = found;
  const pull = found.issue.pull;
  pull.draft = false;
  issue.updatedAt = deps.config.now();
  // Only the fields the query selects, as GraphQL answers.
  const fields = Object.entries({
    id,
    number: issue.number,
    isDraft: false,
    url: `${deps.render.html}/${found.repo.owner}/${found.repo.name}/pull/${issue.number}`,
  });
  const pullRequest = Object.fromEntries(fields.filter(([key]) => new RegExp(`\\b${key}\\b`).test(query.slice(query.indexOf('pullRequest {')))));
  return ok({ data: { markPullRequestReadyForReview: { pullRequest } } });
}

export const graphqlRoutes: RouteSpec[] = [{ method: 'POST', path: '/graphql', doc: DOC_GRAPHQL, handler: graphql }];
