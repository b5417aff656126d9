// What GitHub says of a PR before a merge: its head, size, branch rules, checks (statuses + check runs) and reviews.
import type { Octokit } from '@octokit/rest';
import { z } from 'zod';
import { repoParts } from './issues.ts';

const pullSchema = z.object({
  number: z.number(),
  node_id: z.string(),
  state: z.string(),
  draft: z.boolean().optional(),
  merged: z.boolean(),
  mergeable: z.boolean().nullable(),
  mergeable_state: z.string(),
  html_url: z.string(),
  user: z.object({ login: z.string() }).nullable(),
  head: z.object({ ref: z.string(), sha: z.string() }),
  base: z.object({ ref: z.string(), sha: z.string() }),
  additions: z.number(),
  deletions: z.number(),
  changed_files: z.number(),
});
/** A PR as the merge reads it. */
export type PullSnapshot = z.infer<typeof pullSchema>;

const rulesSchema = z.array(
  z.looseObject({
    type: z.string(),
    parameters: z
      .looseObject({
        required_status_checks: z.array(z.object({ context: z.string() })).optional(),
        strict_required_status_checks_policy: z.boolean().optional(),
        required_approving_review_count: z.number().optional(),
      })
      .optional(),
  }),
);
const protectionSchema = z.object({ strict: z.boolean(), checks: z.array(z.object({ context: z.string() })) });
const checkRunsSchema = z.object({
  check_runs: z.array(z.object({ name: z.string(), status: z.string(), conclusion: z.string().nullable() })),
});
const combinedSchema = z.object({ statuses: z.array(z.object({ context: z.string(), state: z.string() })) });
const reviewsSchema = z.array(z.object({ user: z.object({ login: z.string() }).nullable(), state: z.string() }));
const statusOf = z.object({ status: z.number() });

/** The base branch's rules: required checks by name, up-to-date heads, approvals. */
export interface BranchRules {
  requiredChecks: string[];
  strict: boolean;
  requiredApprovals: number;
}

/** One check or status of the head, reduced to what a merge cares about. */
export type CheckState = 'passed' | 'pending' | 'failed';

/** Everything a merge decision and the card need, read in one go. */
export interface PullGate {
  pull: PullSnapshot;
  rules: BranchRules;
  /** Latest check run per name and latest status per context (a check run wins a name clash). */
  checks: Map<string, CheckState>;
  /** Approving reviewers other than the PR's author, by their latest verdict. */
  approvals: number;
}

const runState = (status: string, conclusion: string | null): CheckState =>
  status !== 'completed' ? 'pending' : ['success', 'neutral', 'skipped'].includes(conclusion ?? '') ? 'passed' : 'failed';
const statusState = (state: string): CheckState => (state === 'success' ? 'passed' : state === 'pending' ? 'pending' : 'failed');

async function notFoundAsEmpty<T>(read: () => Promise<T>, empty: T): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (statusOf.safeParse(error).data?.status === 404) return empty;
    throw error;
  }
}

/** Rulesets (`GET /rules/branches/{b}`) and classic protection's required checks, combined; the stricter wins. */
export async function readRules(octokit: Octokit, repo: string, branch: string): Promise<BranchRules> {
  const parts = repoParts(repo);
  const rules = rulesSchema.parse(
    await notFoundAsEmpty(async () => (await octokit.request('GET /repos/{owner}/{repo}/rules/branches/{branch}', { ...parts, branch })).data, []),
  );
  const protection = await notFoundAsEmpty(
    async () => protectionSchema.parse((await octokit.rest.repos.getStatusChecksProtection({ ...parts, branch })).data),
    undefined,
  );
  const checks = new Set(protection?.checks.map((c) => c.context) ?? []);
  let strict = protection?.strict ?? false;
  let requiredApprovals = 0;
  for (const rule of rules) {
    for (const check of rule.parameters?.required_status_checks ?? []) checks.add(check.context);
    if (rule.type === 'required_status_checks') strict ||= rule.parameters?.strict_required_status_checks_policy ?? false;
    if (rule.type === 'pull_request') requiredApprovals = Math.max(requiredApprovals, rule.parameters?.required_approving_review_count ?? 0);
  }
  return { requiredChecks: [...checks], strict, requiredApprovals };
}

/** Check runs (filter=latest) and the combined status of a commit. An empty combined status is no status, not "pending". */
export async function readChecks(octokit: Octokit, repo: string, sha: string): Promise<Map<string, CheckState>> {
  const parts = repoParts(repo);
  const runs = checkRunsSchema.parse((await octokit.rest.checks.listForRef({ ...parts, ref: sha, filter: 'latest', per_page: 100 })).data);
  const combined = combinedSchema.parse((await octokit.rest.repos.getCombinedStatusForRef({ ...parts, ref: sha, per_page: 100 })).data);
  const checks = new Map<string, CheckState>();
  for (const status of combined.statuses) checks.set(status.context, statusState(status.state));
  for (const run of runs.check_runs) checks.set(run.name, runState(run.status, run.conclusion));
  return checks;
}

/** The PR, its base branch's rules, its head's checks and its approvals. */
export async function readGate(octokit: Octokit, repo: string, pr: number): Promise<PullGate> {
  const parts = repoParts(repo);
  const pull = pullSchema.parse((await octokit.rest.pulls.get({ ...parts, pull_number: pr })).data);
  const [rules, checks, reviews] = await Promise.all([
    readRules(octokit, repo, pull.base.ref),
    readChecks(octokit, repo, pull.head.sha),
    octokit.paginate(octokit.rest.pulls.listReviews, { ...parts, pull_number: pr, per_page: 100 }).then((r) => reviewsSchema.parse(r)),
  ]);
  const latest = new Map<string, string>();
  for (const review of reviews) {
    const login = review.user?.login;
    if (!login || login === pull.user?.login || review.state === 'COMMENTED' || review.state === 'PENDING') continue;
    latest.set(login, review.state);
  }
  return { pull, rules, checks, approvals: [...latest.values()].filter((s) => s === 'APPROVED').length };
}

/** Whether a merge may go ahead: every reported check passed (and every required one exists), the reviews are there. */
export type Verdict =
  | { kind: 'green' }
  | { kind: 'pending'; waitingFor: string[] }
  | { kind: 'failing'; failing: string[] }
  | { kind: 'review'; needed: number; given: number }
  | { kind: 'conflict' }
  | { kind: 'behind' };

export function verdict(gate: PullGate): Verdict {
  const { checks, rules } = gate;
  const failing = [...checks].filter(([, s]) => s === 'failed').map(([name]) => name);
  if (failing.length > 0) return { kind: 'failing', failing };
  if (gate.pull.mergeable === false) return { kind: 'conflict' };
  if (gate.rules.strict && gate.pull.mergeable_state === 'behind') return { kind: 'behind' };
  const waitingFor = [...new Set([...[...checks].filter(([, s]) => s === 'pending').map(([n]) => n), ...rules.requiredChecks.filter((n) => !checks.has(n))])];
  if (waitingFor.length > 0) return { kind: 'pending', waitingFor };
  if (gate.approvals < rules.requiredApprovals) return { kind: 'review', needed: rules.requiredApprovals, given: gate.approvals };
  return { kind: 'green' };
}
