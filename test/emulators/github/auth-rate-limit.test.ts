import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { octokitFor, requestError, startWorld } from './testkit.ts';
import type { World } from './testkit.ts';

let w: World | undefined;
let clock = Date.parse('2024-05-01T12:00:00Z');

async function world(opts: { rateLimit?: number } = {}): Promise<World> {
  clock = Date.parse('2024-05-01T12:00:00Z');
  w = await startWorld({ ...opts, now: () => clock });
  return w;
}

afterEach(async () => {
  expect(w?.problems ?? []).toEqual([]);
  await w?.close();
  w = undefined;
});

describe('authentication', () => {
  it('401 Bad credentials for a wrong token, 404 for anonymous repo reads (private), token/Bearer both work', async () => {
    const { emu, owner, repo } = await world();
    expect(emu.token).toMatch(/^ghp_[A-Za-z0-9]{36}$/);
    const problems: string[] = [];
    const wrong = await requestError(octokitFor(emu, problems, 'ghp_wrong').rest.repos.get({ owner, repo }));
    expect(wrong.status).toBe(401);
    expect(wrong.message).toBe('Bad credentials - https://docs.github.com/rest');
    expect(wrong.response.data).toEqual({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });

    const anonymous = octokitFor(emu, problems, null);
    const hidden = await requestError(anonymous.rest.repos.get({ owner, repo }));
    expect(hidden.status).toBe(404);
    expect(hidden.response.data).toMatchObject({ message: 'Not Found' });
    expect((await requestError(anonymous.rest.users.getAuthenticated())).status).toBe(401);

    const bearer = await fetch(`${emu.apiUrl}/repos/acme/widgets`, { headers: { authorization: `Bearer ${emu.token}` } });
    expect(bearer.status).toBe(200);
    expect(z.object({ full_name: z.string() }).parse(await bearer.json()).full_name).toBe('acme/widgets');
    const me = await w?.octokit.rest.users.getAuthenticated();
    expect(me?.data.login).toBe('director-bot');
    expect(emu.requests.map((r) => r.status)).toContain(401);
    expect(problems).toEqual([]);
  });

  it('answers unknown API paths with 404 Not Found', async () => {
    const { emu } = await world();
    const res = await fetch(`${emu.apiUrl}/repos/acme/widgets/frobnicate`, { headers: { authorization: `token ${emu.token}` } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ message: 'Not Found' });
  });
});

describe('rate limits', () => {
  it('sends x-ratelimit-* headers on every response and counts requests', async () => {
    const { octokit, owner, repo } = await world();
    const a = await octokit.rest.repos.get({ owner, repo });
    const b = await octokit.rest.issues.listForRepo({ owner, repo });
    expect(a.headers['x-ratelimit-limit']).toBe('5000');
    expect(a.headers['x-ratelimit-resource']).toBe('core');
    expect(Number(a.headers['x-ratelimit-used'])).toBe(Number(b.headers['x-ratelimit-used']) - 1);
    expect(Number(b.headers['x-ratelimit-remaining'])).toBe(5000 - Number(b.headers['x-ratelimit-used']));
    expect(Number(a.headers['x-ratelimit-reset'])).toBe(Math.ceil((clock + 3_600_000) / 1000));
    const free = await octokit.rest.rateLimit.get();
    expect(free.data.resources.core.used).toBe(Number(b.headers['x-ratelimit-used']));
  });

  it('exhaustRateLimit(403): RequestError with remaining 0 and reset, then success after the reset time', async () => {
    const { emu, octokit, owner, repo } = await world();
    emu.exhaustRateLimit({ status: 403, resetInSeconds: 120 });
    const err = await requestError(octokit.rest.pulls.list({ owner, repo }));
    expect(err.status).toBe(403);
    expect(err.response.headers['x-ratelimit-remaining']).toBe('0');
    expect(err.response.headers['x-ratelimit-reset']).toBe(String(Math.ceil((clock + 120_000) / 1000)));
    expect(err.message).toMatch(/^API rate limit exceeded for user ID \d+\. - https:\/\/docs\.github\.com\/rest\/overview\/rate-limits-for-the-rest-api$/);
    clock += 119_000;
    expect((await requestError(octokit.rest.pulls.list({ owner, repo }))).status).toBe(403);
    clock += 1_000;
    const ok = await octokit.rest.pulls.list({ owner, repo });
    expect(ok.status).toBe(200);
    expect(ok.headers['x-ratelimit-used']).toBe('1');
  });

  it('a secondary limit answers 429 with retry-after and leaves remaining alone', async () => {
    const { emu, octokit, owner, repo } = await world();
    await octokit.rest.repos.get({ owner, repo });
    emu.exhaustRateLimit({ status: 429, resetInSeconds: 30, secondary: true });
    const err = await requestError(octokit.rest.repos.get({ owner, repo }));
    expect(err.status).toBe(429);
    expect(err.response.headers['retry-after']).toBe('30');
    expect(err.response.headers['x-ratelimit-remaining']).toBe('4999');
    expect(err.message).toContain('You have exceeded a secondary rate limit');
    clock += 10_000;
    expect((await requestError(octokit.rest.repos.get({ owner, repo }))).response.headers['retry-after']).toBe('20');
    clock += 20_000;
    expect((await octokit.rest.repos.get({ owner, repo })).status).toBe(200);
  });

  it('runs out naturally at the configured limit and refills when the hour is over', async () => {
    const { octokit, owner, repo } = await world({ rateLimit: 3 });
    for (let i = 0; i < 3; i += 1) await octokit.rest.repos.get({ owner, repo });
    const err = await requestError(octokit.rest.repos.get({ owner, repo }));
    expect(err.status).toBe(403);
    expect(err.response.headers['x-ratelimit-remaining']).toBe('0');
    clock += 3_600_000;
    const again = await octokit.rest.repos.get({ owner, repo });
    expect(again.headers['x-ratelimit-remaining']).toBe('2');
  });
});
