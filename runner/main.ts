import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../shared/clock.ts';
import { readConfigSource } from '../shared/config/source.ts';
import { openDatabase, type Db } from '../shared/db/open.ts';
import { DirectorError } from '../shared/errors.ts';
import { LinkEndpoint, type LinkTuning } from '../shared/link/endpoint.ts';
import { LinkStore } from '../shared/link/store.ts';
import { createLogger, type LogSink, type Logger } from '../shared/log.ts';
import { runnerSide, type RunnerEndpoint } from '../shared/link/sides.ts';
import { dispatchFrame, type BotToRunner } from '../shared/protocol.ts';
import { createRedactor, secretValuesFromEnv } from '../shared/redact.ts';
import { redactDeep } from '../shared/redact-stream.ts';
import { parseRunnerConfig, type RunnerConfig } from './config.ts';
import { credentialsPath, loadCredentials, saveCredentials, type RunnerCredentials } from './credentials.ts';
import type { BackoffOptions } from './link/backoff.ts';
import { RunnerLink, type RunnerLinkState } from './link/client.ts';
import { linkPeer } from './link/peer.ts';
import { botFrameHandlers } from './link/bot-frames.ts';
import { taskUpdates } from './link/task-updates.ts';
import { GitHubIssues } from './github/issues.ts';
import { pairWithBot } from './pair.ts';
import { describeStatus } from './status.ts';
import { agentEnvironment } from './agents/env.ts';
import { buildDrivers } from './agents/registry.ts';
import { runnerMigrations } from './store/migrations.ts';
import { githubClient } from './github/client.ts';
import { TaskEngine } from './tasks/engine.ts';
import { githubPublisher, projectVerifier } from './tasks/pipeline.ts';
import { TaskStore } from './tasks/store.ts';
import { ContextKeeper } from './context/keeper.ts';
import { agentWriter, modelSummariser, openAiWriter, type NarrativeWriter } from './context/summariser.ts';
import type { AgentDriver } from './agents/driver.ts';
import { Worktrees } from './worktrees.ts';
import { RunnerStateStore } from './store/state.ts';

const VERSION = '0.1.0';

export interface StartRunnerOptions {
  config: RunnerConfig;
  credentials: RunnerCredentials;
  /** The runner's environment, from which the agents' (secret-free) environment is made. */
  env?: NodeJS.ProcessEnv;
  logSink?: LogSink;
  /** Extra handling of frames from the bot (runs inside the frame's transaction). */
  handle?: (frame: BotToRunner, seq: number, db: Db) => void;
  backoff?: Partial<BackoffOptions>;
  tuning?: Partial<LinkTuning>;
  /** Observes the link's state changes (logs and tests). */
  onState?: (state: RunnerLinkState) => void;
}

export interface RunningRunner {
  db: Db;
  log: Logger;
  engine: TaskEngine;
  endpoint: RunnerEndpoint;
  link: RunnerLink;
  stop(): Promise<void>;
}

export function runnerDatabase(home: string): Db {
  return openDatabase({ file: join(home, 'runner.sqlite'), migrations: runnerMigrations });
}

/** Wires the runner: logger, SQLite, the durable link endpoint and the connection to the bot. */
export function startRunner({ config, credentials, env = {}, logSink, handle, backoff, tuning, onState }: StartRunnerOptions): RunningRunner {
  // One redactor for everything that leaves the runner: logs and every frame to the bot.
  const summariserKey = config.summariser.kind === 'openai' && config.summariser.apiKeyEnv ? env[config.summariser.apiKeyEnv] : undefined;
  const redact = createRedactor([credentials.token, ...(config.github.token ? [config.github.token] : []), ...(summariserKey ? [summariserKey] : []), ...secretValuesFromEnv(env)]);
  const log = createLogger({ level: config.logLevel, redact, sink: logSink, name: 'director-runner' });
  const drivers = buildDrivers(config.agents, config.projects.flatMap((p) => (p.testCommand ? [p.testCommand] : [])));
  const agentEnv = agentEnvironment({ base: env, allow: config.agentEnvAllow });
  // Checked before anything opens: a summariser naming an unknown agent or a missing key stops the start.
  const writer = summaryWriter(config, { drivers, agentEnv, apiKey: summariserKey, log });
  const db = runnerDatabase(config.home);
  const state = new RunnerStateStore(db);
  const endpoint = new LinkEndpoint({
    side: runnerSide,
    store: new LinkStore(db, linkPeer(credentials.token)),
    log,
    clock: systemClock,
    tuning: { heartbeatMs: config.heartbeatMs, ...tuning },
    outgoing: (frame) => redactDeep(frame, redact),
  });
  // git and the project's tests run with the runner's plain environment minus its secrets.
  const gitEnv = agentEnvironment({ base: env });
  const octokit = config.github.token ? githubClient(config.github, log) : undefined;
  const issues = octokit ? new GitHubIssues(octokit) : undefined;
  const projects = new Map(config.projects.map((p) => [p.name, { ...p, remote: p.remote ?? undefined }]));
  const store = new TaskStore(db);
  const context = new ContextKeeper(db, store, config.summaryBudget);
  const summarise = modelSummariser({ keeper: context, log, redact, ...writer });
  const engine: TaskEngine = new TaskEngine({
    store,
    context,
    summarise,
    worktrees: new Worktrees(join(config.home, 'worktrees')),
    projects,
    drivers,
    agentEnv,
    clock: systemClock,
    log,
    capacity: config.capacity,
    graceMs: config.graceMs,
    timeLimitMs: config.timeLimitMs,
    fixupTurns: config.fixupTurns,
    verify: projectVerifier({ env: gitEnv, timeLimitMs: config.verifyTimeLimitMs, log, clock: systemClock }),
    ...(octokit &&
      config.github.token && {
        publish: githubPublisher({
          octokit,
          gitUrl: (repo) => `${config.github.url}/${repo}.git`,
          token: config.github.token,
          identity: config.gitIdentity,
          redact,
          env: gitEnv,
        }),
      }),
    ...(issues && {
      resolveInput: async (task) =>
        task.input.kind === 'issue' ? { ...task.input, issue: await issues.issue(task.input.repo, task.input.issue.number) } : task.input,
    }),
    onFollowUpsPicked: (taskId, ids) => ids.forEach((followUpId) => endpoint.send({ type: 'task.followup', taskId, followUpId })),
    onChange: taskUpdates({ endpoint, clock: systemClock, capacity: config.capacity, running: () => engine.running, digest: (id) => context.digest(id), redact }),
  });
  const handlers = botFrameHandlers({ engine, store, projects, issues, endpoint, defaultAgent: Object.keys(config.agents)[0] ?? 'codex', summarise: (id) => Promise.resolve(context.summary(id)), log });
  endpoint.onFrame((frame, seq) => {
    dispatchFrame(handlers, frame);
    handle?.(frame, seq, db);
  });
  const link = new RunnerLink({
    botUrl: credentials.botUrl,
    token: credentials.token,
    hello: { runner: credentials.name, capacity: config.capacity, agents: [...drivers.keys()], version: VERSION },
    endpoint,
    log,
    backoff,
    onState: (s) => {
      const reason = s.status === 'waiting' || s.status === 'stopped' ? s.reason : undefined;
      state.setLinkStatus({ status: s.status, since: systemClock.now(), pid: process.pid, ...(reason !== undefined && { reason }) });
      if (s.status === 'connected') endpoint.send({ type: 'runner.status', running: engine.running, capacity: config.capacity });
      onState?.(s);
    },
  });
  link.start();
  const stopPruning = pruneEventsPeriodically(store, config.eventRetentionMs, log);
  const recovered = engine.recover().then(
    (interrupted) => {
      if (interrupted.length > 0) log.warn({ tasks: interrupted.map((t) => t.id) }, 'tasks interrupted by the last shutdown; resume them when ready');
    },
    (error: unknown) => log.error({ err: error }, 'recovering tasks after the last shutdown failed'),
  );
  return {
    db,
    log,
    engine,
    endpoint,
    link,
    stop: async () => {
      stopPruning();
      link.stop();
      await link.stopped;
      await recovered;
      await engine.shutdown();
      db.close();
    },
  };
}

/** Who writes the summaries' "where it stands" paragraph, from the SUMMARISER setting. */
function summaryWriter(config: RunnerConfig, deps: { drivers: ReadonlyMap<string, AgentDriver>; agentEnv: Record<string, string>; apiKey: string | undefined; log: Logger }): { writer?: NarrativeWriter; timeoutMs?: number } {
  const setting = config.summariser;
  switch (setting.kind) {
    case 'deterministic':
      return {};
    case 'agent': {
      const driver = deps.drivers.get(setting.agent);
      if (!driver) throw new DirectorError('config_invalid', `SUMMARISER names the agent "${setting.agent}", which is not configured: use one of ${[...deps.drivers.keys()].join(', ')}, or add it to AGENTS.`);
      return { writer: agentWriter({ driver, env: deps.agentEnv, scratchDir: join(config.home, 'summaries'), log: deps.log, clock: systemClock, graceMs: config.graceMs }), timeoutMs: setting.timeoutMs };
    }
    case 'openai':
      if (setting.apiKeyEnv && !deps.apiKey) throw new DirectorError('config_invalid', `SUMMARISER reads its API key from ${setting.apiKeyEnv}, which is not set: set it, or drop "apiKeyEnv" for an endpoint without a key.`);
      return { writer: openAiWriter({ baseUrl: setting.baseUrl, model: setting.model, ...(deps.apiKey && { apiKey: deps.apiKey }) }), timeoutMs: setting.timeoutMs };
  }
}

/** The retention policy for raw events of settled tasks: applied at start and every few hours. */
function pruneEventsPeriodically(store: TaskStore, retentionMs: number, log: Logger): () => void {
  if (retentionMs <= 0) return () => undefined;
  const prune = () => {
    try {
      const now = systemClock.now();
      const pruned = store.pruneEvents(now - retentionMs, now);
      if (pruned.length > 0) log.info({ tasks: pruned.length }, 'removed the raw events of finished tasks past the retention period (their summaries stay)');
    } catch (error) {
      log.error({ err: error }, 'pruning old task events failed');
    }
  };
  prune();
  const timer = setInterval(prune, 6 * 60 * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}

const runnerUsage = `Usage: director runner <command>

Commands:
  pair <code> --url <bot url> [--name <name>]   exchange a code from /director connect for a runner token
  start                                          connect to the bot and stay up
  status                                         connected? as whom? what is running?`;

/** `director runner …` */
export async function runRunnerCli(args: string[], env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<number> {
  const [command, ...rest] = args;
  const config = () => parseRunnerConfig(readConfigSource({ env }));
  switch (command) {
    case 'pair': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { url: { type: 'string' }, name: { type: 'string' } } });
      const code = positionals[0];
      if (!code || !values.url) throw new DirectorError('usage', `usage: director runner pair <code> --url <bot url> [--name <name>] (the code and URL come from /director connect)`);
      const cfg = config();
      const paired = await pairWithBot({ botUrl: values.url, code, name: values.name ?? cfg.defaultName });
      const file = saveCredentials(cfg.home, { botUrl: values.url, name: paired.name, token: paired.token, pairedAt: new Date().toISOString() });
      out(`Paired as runner "${paired.name}" with ${values.url}. Token saved to ${file} (mode 0600).\nNext: director runner start`);
      return 0;
    }
    case 'start': {
      const cfg = config();
      const runner = startRunner({ config: cfg, credentials: loadCredentials(cfg.home), env });
      const stopOnSignal = () => runner.link.stop('stopped by signal');
      process.once('SIGINT', stopOnSignal);
      process.once('SIGTERM', stopOnSignal);
      const result = await runner.link.stopped;
      await runner.stop();
      if (result.fatal) throw new DirectorError('link_refused', `the bot refused this runner: ${result.reason}`);
      return 0;
    }
    case 'status': {
      const cfg = config();
      const credentials = loadCredentials(cfg.home);
      const db = runnerDatabase(cfg.home);
      try {
        out(describeStatus({ credentials, file: credentialsPath(cfg.home), db, now: Date.now() }));
      } finally {
        db.close();
      }
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out(runnerUsage);
      return 0;
    default:
      throw new DirectorError('usage', `unknown runner command "${command}"\n\n${runnerUsage}`);
  }
}
