import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { parseRunnerConfig } from '../runner/config.ts';
import { startRunner, type RunningRunner } from '../runner/main.ts';
import { pairWithBot } from '../runner/pair.ts';
import { startGitHubEmulator, type GitHubEmulator } from './github/index.ts';
import { claudeEnv, codexArgs, codexEnv, startModelEmulator, type ModelEmulator } from './model/index.ts';
import { startSlackEmulator, type SlackEmulator } from './slack/index.ts';
import type { SentryEmulator } from './sentry/index.ts';
import type { Clock } from '../shared/clock.ts';
import { startBotAgainst, type BotUnderTest } from './support/bot-harness.ts';
import { gitAsync } from './support/git.ts';
import { tempHome, twinOutsideTmp } from './support/temp-home.ts';

const codexBin = new URL('../node_modules/.bin/codex', import.meta.url).pathname;
const claudeBin = new URL('../node_modules/.bin/claude', import.meta.url).pathname;

export const sampleFiles: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'demo', private: true, scripts: { test: 'node test.js' } }, null, 2),
  'test.js': "console.log('3 passed, 0 failed');\n",
  'src/app.js': 'export const answer = 42;\n',
};

/** Slack emulator → real Bolt → link → runner → real codex → GitHub emulator, all on loopback. */
export interface WholeLoop {
  slack: SlackEmulator;
  github: GitHubEmulator;
  model: ModelEmulator;
  bot: BotUnderTest;
  channel: string;
  home: string;
  startRunner(): RunningRunner;
  runner: RunningRunner | undefined;
  close(): Promise<void>;
}

export interface WholeLoopOptions {
  issues: string[];
  files?: Record<string, string>;
  tmp?: string;
  /** Extra runner agents (e.g. a stub command for benchmarks); codex is always there. */
  agents?: Record<string, unknown>;
  capacity?: number;
  /** How often "merge when green" reads pending checks again (the runner's default is 5 s). */
  mergePollMs?: number;
  /** A Sentry emulator the runner reads (SENTRY_URL, SENTRY_ORG, SENTRY_AUTH_TOKEN; project demo ↔ its first project). */
  sentry?: SentryEmulator;
  /** The bot's clock (default the system's). */
  botClock?: Clock;
  /** More runner variables (e.g. POSTHOG_HOST), as a config file would give them. */
  runnerConfig?: Record<string, unknown>;
}

export async function startWholeLoop(options: WholeLoopOptions = { issues: [] }): Promise<WholeLoop> {
  const tmp = options.tmp ? { dir: options.tmp, remove: () => undefined } : tempHome('director-loop-');
  const slack = await startSlackEmulator({ postMessageLimit: { perSecond: 20, burst: 20 } });
  const github = await startGitHubEmulator();
  const model = await startModelEmulator();
  await github.createRepo('acme', 'demo', { files: options.files ?? sampleFiles });
  for (const title of options.issues) github.addIssue('acme', 'demo', { title, body: `Please fix: ${title}.`, labels: ['bug'] });
  const checkout = join(tmp.dir, 'checkout');
  await gitAsync(tmp.dir, 'clone', '-q', github.gitUrl('acme', 'demo'), checkout);
  for (const [id, name] of [
    ['U0ALICE', 'alice'],
    ['U0BOB', 'bob'],
  ] as const)
    slack.addUser({ id, name });
  const channel = slack.addChannel({ name: 'demo', members: ['U0ALICE', 'U0BOB'] }).id;
  const bot = await startBotAgainst(slack, { mode: 'socket', home: join(tmp.dir, 'bot'), ...(options.botClock && { clock: options.botClock }) });
  const botUrl = `http://127.0.0.1:${bot.bot.port}`;

  // Pair a runner the way a person does: /director connect, then `director runner pair`.
  const connect = JSON.stringify((await slack.person('U0ALICE').slash(channel, '/director', 'connect')).ack);
  const code = /\*([0-9A-Z]{4}-[0-9A-Z]{4})\*/.exec(connect)?.[1] ?? '';
  const paired = await pairWithBot({ botUrl, code, name: 'laptop' });
  const runnerHome = join(tmp.dir, 'runner');
  // Outside the temp dir (see twinOutsideTmp); removed with tmp.
  const codexHome = twinOutsideTmp(tmp.dir, 'codex-home');
  const claudeHome = twinOutsideTmp(tmp.dir, 'claude-home');
  const config = parseRunnerConfig({
    DIRECTOR_HOME: runnerHome,
    LOG_LEVEL: 'silent',
    RUNNER_CAPACITY: String(options.capacity ?? 4),
    PROJECTS: [
      {
        name: 'demo',
        repo: 'acme/demo',
        path: checkout,
        testCommand: 'npm test',
        verifyCommands: { check: 'node test.js' },
        ...(options.sentry && { sentryProject: options.sentry.projects[0] }),
      },
    ],
    ...(options.sentry && { SENTRY_URL: options.sentry.url, SENTRY_ORG: options.sentry.org, SENTRY_AUTH_TOKEN: options.sentry.token }),
    AGENTS: {
      codex: { kind: 'codex', command: codexBin, args: codexArgs(model), env: codexEnv(model, codexHome) },
      claude: { kind: 'claude', command: claudeBin, env: claudeEnv(model, claudeHome) },
      ...options.agents,
    },
    GITHUB_TOKEN: github.token,
    GITHUB_API_URL: github.apiUrl,
    GITHUB_URL: github.apiUrl,
    AGENT_GRACE_MS: '1000',
    ...options.runnerConfig,
  });
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: join(tmp.dir, 'agent-home'), LANG: 'C.UTF-8', GIT_CONFIG_NOSYSTEM: '1' };
  mkdirSync(env.HOME, { recursive: true });
  const loop: WholeLoop = {
    slack,
    github,
    model,
    bot,
    channel,
    home: tmp.dir,
    runner: undefined,
    startRunner: () => {
      loop.runner = startRunner({
        config,
        credentials: { botUrl, name: paired.name, token: paired.token, pairedAt: new Date().toISOString() },
        env,
        backoff: { baseMs: 50, capMs: 500 },
        ...(options.mergePollMs !== undefined && { mergePollMs: options.mergePollMs }),
      });
      return loop.runner;
    },
    close: async () => {
      await loop.runner?.stop();
      // A test may have restarted the bot (a new one in loop.bot).
      await loop.bot.stop();
      await slack.close();
      await model.close();
      await github.close();
      tmp.remove();
    },
  };
  return loop;
}
