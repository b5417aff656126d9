import { z } from 'zod';
import type { RunnerConfig } from '../config.ts';
import { networkErrorCode } from '../pair.ts';
import { fail, ok, warn, type CheckResult } from './report.ts';

const repoSchema = z.looseObject({ permissions: z.looseObject({ push: z.boolean() }).optional() });

async function get(fetchFn: typeof fetch, url: string, headers: Record<string, string>, timeoutMs: number): Promise<Response | string> {
  try {
    return await fetchFn(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    return networkErrorCode(error) ?? (error instanceof Error && error.name === 'TimeoutError' ? `no answer in ${timeoutMs / 1000} s` : String(error));
  }
}

/** GITHUB_TOKEN may push to (and so open pull requests on) each project's repository, as GitHub's `permissions` say. */
export async function githubChecks(config: Pick<RunnerConfig, 'github' | 'projects'>, fetchFn: typeof fetch, timeoutMs = 10_000): Promise<CheckResult[]> {
  const { token, apiUrl } = config.github;
  if (!token)
    return [
      fail(
        'github.token',
        'GITHUB_TOKEN is not set, so the runner cannot push branches or open pull requests',
        'set GITHUB_TOKEN to a token with contents and pull requests read/write on your projects',
      ),
    ];
  const repos = [...new Set(config.projects.map((p) => p.repo))];
  return Promise.all(
    repos.map(async (repo): Promise<CheckResult> => {
      const id = `github.${repo}`;
      const res = await get(fetchFn, `${apiUrl}/repos/${repo}`, { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json' }, timeoutMs);
      if (typeof res === 'string') return fail(id, `cannot reach GitHub's API at ${apiUrl} (${res})`, 'check the network, or GITHUB_API_URL if you set it');
      if (res.status === 401) return fail(id, 'GitHub refused GITHUB_TOKEN (401 Bad credentials)', 'create a new token and set GITHUB_TOKEN to it');
      if (res.status === 404 || res.status === 403)
        return fail(id, `GITHUB_TOKEN cannot see ${repo} (HTTP ${res.status})`, `give the token access to ${repo}, or fix "repo" in PROJECTS`);
      if (!res.ok) return warn(id, `GitHub answered HTTP ${res.status} for ${repo}`, 'try again later');
      const parsed = repoSchema.safeParse(await res.json().catch(() => undefined));
      const push = parsed.success ? parsed.data.permissions?.push : undefined;
      if (push === false) return fail(id, `GITHUB_TOKEN may read ${repo} but not push to it`, 'give the token contents and pull requests read/write on it');
      if (push === undefined) return warn(id, `GitHub did not say whether GITHUB_TOKEN may push to ${repo}`, 'check the token’s permissions');
      return ok(id, `GITHUB_TOKEN may push and open pull requests on ${repo}`);
    }),
  );
}

/** The bot answers at the URL this runner was paired with. */
export async function botCheck(botUrl: string | undefined, fetchFn: typeof fetch, timeoutMs = 10_000): Promise<CheckResult> {
  if (botUrl === undefined)
    return fail('bot', 'this runner is not paired', 'type /director connect in Slack, then run director runner pair <code> --url <bot url>');
  const url = new URL('healthz', botUrl.endsWith('/') ? botUrl : `${botUrl}/`).toString();
  const res = await get(fetchFn, url, {}, timeoutMs);
  if (typeof res === 'string') return fail('bot', `cannot reach the bot at ${botUrl} (${res})`, 'check that the bot is up and the URL you paired with');
  if (!res.ok) return fail('bot', `the bot at ${botUrl} answered HTTP ${res.status} at /healthz`, 'check the bot’s log');
  return ok('bot', `the bot answers at ${botUrl}`);
}
