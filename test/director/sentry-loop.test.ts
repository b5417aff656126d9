import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sentryIdsFixedByOpenPulls } from '../../runner/sentry/open-pulls.ts';
import type { Playbook } from '../../emulators/model/index.ts';
import { startSentryEmulator, type SentryEmulator } from '../../emulators/sentry/index.ts';
import { until } from '../../emulators/support/until.ts';
import { startWholeLoop, type WholeLoop } from '../../emulators/world.ts';

const LEAK = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';

const fixes = (n: number): Playbook => ({
  turns: [{ steps: [{ writeFile: { path: `src/sentry-${n}.js`, content: `export const guard${n} = true;\n` } }, { message: `Guarded case ${n}.` }] }],
});

describe('fix sentry errors from Slack: Sentry emulator → runner → tasks, cards and PRs', () => {
  let loop: WholeLoop;
  let sentry: SentryEmulator;

  beforeEach(async () => {
    sentry = await startSentryEmulator({ org: 'acme', projects: ['web'], maxPerPage: 2 });
    loop = await startWholeLoop({ issues: [], sentry });
  });

  afterEach(async () => {
    await loop.close();
    await sentry.close();
  });

  it('starts a batch for the issues over the threshold (two pages listed), redacts a token from the stack trace in the prompt and in Slack, and the PRs say Fixes <SHORT-ID>', async () => {
    const { slack, channel, model, github } = loop;
    const cart = sentry.addIssue({
      project: 'web',
      title: 'TypeError: cart is undefined',
      culprit: 'app/cart.js in total',
      events: [{ count: 40, users: 30 }],
      frames: [
        { filename: 'app/main.js', function: 'main', lineNo: 3 },
        { filename: 'app/cart.js', function: 'total', lineNo: 10, context: [[10, `charge({ key: "${LEAK}" })`]] },
      ],
      breadcrumbs: [{ category: 'http', message: `POST /charge?key=${LEAK} 500` }],
    });
    const keyed = sentry.addIssue({ project: 'web', title: `Error: rejected key ${LEAK}`, culprit: 'app/pay.js in pay', events: [{ count: 30, users: 25 }] });
    sentry.addIssue({ project: 'web', title: 'RangeError: few users', culprit: 'app/x.js', events: [{ count: 90, users: 5 }] });
    model.script('TypeError: cart is undefined', fixes(1));
    model.script('Error: rejected key', fixes(2));
    loop.startRunner();
    await until(() => loop.runner?.endpoint.connected, 20_000, 'runner connected');
    const alice = slack.person('U0ALICE');
    expect(JSON.stringify((await alice.slash(channel, '/director', 'init acme/demo --runner laptop')).ack)).toContain('now directs');

    const asked = await alice.slash(channel, '/director', 'fix sentry errors users>20');
    expect(asked.ack).toMatchObject({ text: 'Asking the runner for Sentry issues…' });
    await until(() => slack.ephemerals(channel, 'U0ALICE').some((e) => e.text?.includes('Started 2 task(s)')), 30_000, 'the answer');
    expect(sentry.requests.filter((r) => r.path === '/api/0/organizations/acme/issues/')).toHaveLength(2);

    await until(() => github.pulls('acme', 'demo').length === 2, 90_000, 'two draft PRs');
    const bodies = github
      .pulls('acme', 'demo')
      .map((p) => p.body ?? '')
      .sort();
    expect(bodies.some((b) => b.includes(`Fixes ${cart.shortId}`))).toBe(true);
    expect(bodies.some((b) => b.includes(`Fixes ${keyed.shortId}`))).toBe(true);
    // What a runner without these tasks (another machine) reads from the open PRs to skip both issues.
    const octokit = new Octokit({ auth: github.token, baseUrl: github.apiUrl });
    expect([...(await sentryIdsFixedByOpenPulls(octokit, 'acme/demo'))].sort()).toEqual([cart.shortId, keyed.shortId].sort());

    const prompt = JSON.stringify(model.conversation('TypeError: cart is undefined')[0]?.humanMessages ?? []);
    expect(prompt).toContain('at total (app/cart.js:10:1)');
    expect(prompt).toContain('POST /charge?key=[REDACTED] 500');
    expect(prompt).toContain('Events: 40, users: 30 (all time)');
    expect(prompt).not.toContain(LEAK);

    const messages = slack.messages(channel);
    expect(messages.some((m) => m.text?.startsWith('Fix Sentry errors (users&gt;20) of the last 24h'))).toBe(true);
    expect(messages.map((m) => m.text).join('\n')).toContain(`${keyed.shortId} Error: rejected key [REDACTED]`);
    expect(JSON.stringify(messages)).not.toContain(LEAK);
    expect(messages.some((m) => m.text?.includes('RangeError'))).toBe(false);
  });

  it('refuses a filter it does not know, and says so when Sentry keeps rate limiting', async () => {
    const { slack, channel } = loop;
    loop.startRunner();
    await until(() => loop.runner?.endpoint.connected, 20_000, 'runner connected');
    const alice = slack.person('U0ALICE');
    await alice.slash(channel, '/director', 'init acme/demo --runner laptop');
    expect(JSON.stringify((await alice.slash(channel, '/director', 'fix sentry errors users>>2')).ack)).toContain('is not a Sentry filter');
    sentry.throttle(10, 1);
    await alice.slash(channel, '/director', 'fix sentry errors');
    await until(() => slack.ephemerals(channel, 'U0ALICE').some((e) => e.text?.includes('Could not do it')), 60_000, 'the refusal');
    expect(slack.ephemerals(channel, 'U0ALICE').find((e) => e.text?.includes('Could not do it'))?.text).toContain('rate limiting');
  });
});
