import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FeedbackStore } from '../../runner/feedback/store.ts';
import { PrFeedbackSource } from '../../runner/feedback/source.ts';
import { Trust } from '../../runner/feedback/trust.ts';
import { FeedbackWatcher } from '../../runner/feedback/watcher.ts';
import { runnerDatabase } from '../../runner/main.ts';
import { TaskStore } from '../../runner/tasks/store.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Db } from '../../shared/db/open.ts';
import { createRedactor } from '../../shared/redact.ts';
import { startGitHubEmulator, type GitHubEmulator } from '../../emulators/github/index.ts';
import { gitAsync } from '../../emulators/support/git.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';
import { quietLog } from '../support/link-harness.ts';

/** A clock whose sleeps return at once, recorded; the test stops the watcher after a few. */
class RecordingClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(
    private time: number,
    private readonly stopAfter: number,
    private readonly stop: () => void,
  ) {}
  now(): number {
    return this.time;
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
    if (this.sleeps.length >= this.stopAfter) this.stop();
    return Promise.resolve();
  }
}

describe('the PR watcher and GitHub’s rate limit', () => {
  let home: ReturnType<typeof tempHome>;
  let gh: GitHubEmulator;
  let db: Db;
  let abort: AbortController;
  let clock: RecordingClock;

  beforeEach(async () => {
    home = tempHome('director-feedback-backoff-');
    abort = new AbortController();
    clock = new RecordingClock(Date.now(), 2, () => abort.abort());
    // GitHub and the runner share the clock: the reset comes when the watcher has waited for it.
    gh = await startGitHubEmulator({ now: () => clock.now() });
    await gh.createRepo('acme', 'demo');
    const checkout = join(home.dir, 'checkout');
    await gitAsync(home.dir, 'clone', '-q', gh.authGitUrl('acme', 'demo'), checkout);
    await gitAsync(checkout, 'checkout', '-q', '-b', 'change');
    await gitAsync(checkout, 'commit', '-q', '--allow-empty', '-m', 'change');
    await gitAsync(checkout, 'push', '-q', 'origin', 'change');
    await new Octokit({ auth: gh.token, baseUrl: gh.apiUrl }).rest.pulls.create({ owner: 'acme', repo: 'demo', head: 'change', base: 'main', title: 'Change' });
    db = runnerDatabase(join(home.dir, 'runner'));
  });

  afterEach(async () => {
    db.close();
    await gh.close();
    home.remove();
  });

  it('waits until GitHub’s reset instead of its usual minute when the rate limit is exhausted, then polls again', async () => {
    const tasks = new TaskStore(db);
    tasks.create({ id: 'tpr1', project: 'demo', agent: 'codex', title: 'Change', input: { kind: 'request', text: 'x', requestedBy: 'U1' } }, 0);
    tasks.setPull('tpr1', 1, `${gh.apiUrl}/acme/demo/pull/1`, 0);
    tasks.setState('tpr1', 'awaiting_review', 0);
    const octokit = new Octokit({
      auth: gh.token,
      baseUrl: gh.apiUrl,
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    const store = new FeedbackStore(db);
    const watcher = new FeedbackWatcher({
      tasks,
      store,
      source: new PrFeedbackSource(octokit, store, createRedactor()),
      trust: new Trust(octokit, clock, []),
      engine: { feedback: () => undefined, note: () => undefined },
      reply: () => Promise.resolve(),
      repoOf: () => 'acme/demo',
      clock,
      log: quietLog,
      intervalMs: 60_000,
    });
    gh.exhaustRateLimit({ status: 403, resetInSeconds: 900 });
    const first = gh.requests.length;
    await watcher.run(abort.signal);
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(900_000);
    expect(clock.sleeps[1]).toBe(60_000);
    // One refused request, not a retry storm: the pass stops at the first rate limit; after the reset the PR is read.
    const after = gh.requests.slice(first);
    expect(after.filter((r) => r.status === 403)).toHaveLength(1);
    expect(after.filter((r) => r.path === '/repos/acme/demo/pulls/1' && r.status === 200)).toHaveLength(1);
  });
});
