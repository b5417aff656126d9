import { homedir } from 'node:os';
import { join } from 'node:path';
import { systemClock, type Clock } from '../shared/clock.ts';
import type { Db } from '../shared/db/open.ts';
import { LinkEndpoint, type LinkTuning } from '../shared/link/endpoint.ts';
import { LinkStore } from '../shared/link/store.ts';
import { createLogger, type LogSink, type Logger } from '../shared/log.ts';
import { runnerSide, type RunnerEndpoint } from '../shared/link/sides.ts';
import { dispatchFrame, type BotToRunnerReceived } from '../shared/protocol.ts';
import { createRedactor, secretValuesFromEnv } from '../shared/redact.ts';
import { redactDeep } from '../shared/redact-stream.ts';
import { verifyCommandsOf, type RunnerConfig } from './config.ts';
import type { RunnerCredentials } from './credentials.ts';
import type { BackoffOptions } from './link/backoff.ts';
import { RunnerLink, type RunnerLinkState } from './link/client.ts';
import { linkPeer } from './link/peer.ts';
import { botFrameHandlers } from './link/bot-frames.ts';
import { taskUpdates } from './link/task-updates.ts';
import { GitHubIssues } from './github/issues.ts';
import { SentryClient } from './sentry/client.ts';
import { sentryIdsFixedByOpenPulls } from './sentry/open-pulls.ts';
import { SentrySource } from './sentry/source.ts';
import { agentEnvironment } from './agents/env.ts';
import { buildDrivers } from './agents/registry.ts';
import { runnerDatabase } from './store/database.ts';
import { githubClient } from './github/client.ts';
import { TaskEngine } from './tasks/engine.ts';
import { githubPublisher, projectVerifier } from './tasks/pipeline.ts';
import { TaskStore, type TaskRecord } from './tasks/store.ts';
import type { TaskEvent } from './tasks/task-events.ts';
import { closeTask } from './tasks/close.ts';
import { engineProject } from './tasks/project.ts';
import { ContextKeeper } from './context/keeper.ts';
import { modelSummariser } from './context/summariser.ts';
import { pruneEventsPeriodically } from './context/retention.ts';
import { summaryWriter } from './context/writer-choice.ts';
import { Worktrees } from './worktrees.ts';
import { MergeDesk } from './merge/desk.ts';
import { pullDiff } from './merge/diff.ts';
import { SiblingRebase } from './merge/siblings.ts';
import { RunnerStateStore } from './store/state.ts';
import { chooseSandbox } from './sandbox/choose.ts';
import { codexHomeProblem } from './sandbox/codex-home.ts';
import { doctorSummary } from './doctor/report.ts';
import { buildReviewers } from './review/drivers.ts';
import { agentReviewer } from './review/reviewer.ts';
import { FeedbackStore } from './feedback/store.ts';
import { PrFeedbackSource } from './feedback/source.ts';
import { Trust } from './feedback/trust.ts';
import { FeedbackWatcher } from './feedback/watcher.ts';
import { repoParts } from './github/issues.ts';
import { PostHog } from 'posthog-node';
import { DirectorCapture } from './reports/capture.ts';
import { PostHogQueries } from './reports/posthog-api.ts';
import { buildReport } from './reports/report.ts';

const VERSION = '0.1.0';

export interface StartRunnerOptions {
  config: RunnerConfig;
  credentials: RunnerCredentials;
  /** The runner's environment, from which the agents' (secret-free) environment is made. */
  env?: NodeJS.ProcessEnv;
  logSink?: LogSink;
  clock?: Clock;
  /** Extra handling of frames from the bot (runs inside the frame's transaction). */
  handle?: (frame: BotToRunnerReceived, seq: number, db: Db) => void;
  backoff?: Partial<BackoffOptions>;
  tuning?: Partial<LinkTuning>;
  /** Observes the link's state changes (logs and tests). */
  onState?: (state: RunnerLinkState) => void;
  /** How often "merge when green" reads pending checks again (default 5 s; tests shorten it). */
  mergePollMs?: number;
}

export interface RunningRunner {
  db: Db;
  log: Logger;
  engine: TaskEngine;
  endpoint: RunnerEndpoint;
  link: RunnerLink;
  /** The PR feedback loop (none without a GitHub token). */
  feedback: FeedbackWatcher | undefined;
  stop(): Promise<void>;
}

export { runnerDatabase };

/** Wires the runner: logger, SQLite, the durable link endpoint and the connection to the bot. */
export function startRunner({
  config,
  credentials,
  env = {},
  logSink,
  clock = systemClock,
  handle,
  backoff,
  tuning,
  onState,
  mergePollMs,
}: StartRunnerOptions): RunningRunner {
  // One redactor for everything that leaves the runner: logs and every frame to the bot.
  const summariserKey = config.summariser.kind === 'openai' && config.summariser.apiKeyEnv ? env[config.summariser.apiKeyEnv] : undefined;
  const redact = createRedactor([
    credentials.token,
    ...(config.github.token ? [config.github.token] : []),
    ...(config.sentry.token ? [config.sentry.token] : []),
    ...(summariserKey ? [summariserKey] : []),
    ...(config.posthog.query ? [config.posthog.query.apiKey] : []),
    ...(config.posthog.capture ? [config.posthog.capture.projectKey] : []),
    ...secretValuesFromEnv(env),
  ]);
  const log = createLogger({ level: config.logLevel, redact, sink: logSink, name: 'director-runner', format: config.logFormat });
  // Checked first: without a working sandbox no agent starts (unless AGENT_SANDBOX=off).
  const sandbox = chooseSandbox(config, env.HOME ?? homedir());
  // Only with bubblewrap on the machine (codex then uses it itself): a warning, since codex may never be asked for.
  const codexHome = sandbox.mode === 'bubblewrap' ? codexHomeProblem(config.agents, env, env.HOME ?? homedir()) : undefined;
  if (codexHome) log.warn(codexHome);
  if (sandbox.mode === 'off') log.warn('AGENT_SANDBOX=off: agents and tests run UNSANDBOXED, with access to this machine as the runner has');
  else log.info({ sandbox: sandbox.mode, bwrap: config.sandbox.bwrap }, 'agents run in a bubblewrap sandbox');
  const drivers = buildDrivers(config.agents, config.projects.flatMap(verifyCommandsOf));
  const agentEnv = agentEnvironment({ base: env, allow: config.agentEnvAllow });
  // Checked before anything opens: a summariser naming an unknown agent or a missing key stops the start.
  const writer = summaryWriter(config, { drivers, agentEnv, redact, apiKey: summariserKey, log, clock, sandbox });
  const db = runnerDatabase(config.home);
  const state = new RunnerStateStore(db);
  const doctor = state.doctor();
  const endpoint = new LinkEndpoint({
    side: runnerSide,
    store: new LinkStore(db, linkPeer(credentials.token)),
    log,
    clock,
    tuning: { heartbeatMs: config.heartbeatMs, ...tuning },
    outgoing: (frame) => redactDeep(frame, redact),
  });
  // git and the project's tests run with the runner's plain environment minus its secrets.
  const gitEnv = agentEnvironment({ base: env });
  const octokit = config.github.token ? githubClient(config.github, log, clock) : undefined;
  const issues = octokit ? new GitHubIssues(octokit) : undefined;
  const projects = new Map(config.projects.map((p) => [p.name, engineProject(p)]));
  const store = new TaskStore(db);
  const { org: sentryOrg, token: sentryToken, url: sentryUrl } = config.sentry;
  const sentry = new SentrySource({
    client: sentryOrg && sentryToken ? new SentryClient({ url: sentryUrl, org: sentryOrg, token: sentryToken, fetch, clock, log }) : undefined,
    projects: new Map(config.projects.map((p) => [p.name, { repo: p.repo, ...(p.sentryProject && { sentryProject: p.sentryProject }) }])),
    store,
    ...(octokit && { fixedByOpenPulls: (repo: string) => sentryIdsFixedByOpenPulls(octokit, repo) }),
    redact,
    url: sentryUrl,
    org: sentryOrg ?? '',
  });
  const worktrees = new Worktrees(join(config.home, 'worktrees'));
  const posthog = config.posthog.query ? new PostHogQueries({ ...config.posthog.query, fetch, clock }) : undefined;
  const capture = config.posthog.capture
    ? new DirectorCapture({
        client: new PostHog(config.posthog.capture.projectKey, { host: config.posthog.capture.host, flushAt: 20, flushInterval: 10_000 }),
        runner: credentials.name,
        now: () => clock.now(),
        log,
      })
    : undefined;
  const context = new ContextKeeper(db, store, config.summaryBudget);
  const summarise = modelSummariser({ keeper: context, log, redact, ...writer });
  let feedback: FeedbackWatcher | undefined;
  const updates = taskUpdates({ endpoint, clock, capacity: config.capacity, running: () => engine.running, digest: (id) => context.digest(id), redact });
  const engine: TaskEngine = new TaskEngine({
    store,
    context,
    summarise,
    worktrees,
    projects,
    drivers,
    agentEnv,
    sandbox,
    redact,
    clock,
    log,
    capacity: config.capacity,
    graceMs: config.graceMs,
    timeLimitMs: config.timeLimitMs,
    fixupTurns: config.fixupTurns,
    verify: projectVerifier({ env: gitEnv, timeLimitMs: config.verifyTimeLimitMs, redact, log, clock, sandbox }),
    review: agentReviewer({
      reviewers: buildReviewers(config.agents),
      kinds: new Map(Object.entries(config.agents).map(([name, agent]) => [name, agent.kind])),
      listed: new Set(config.listedAgents),
      agentEnv,
      gitEnv,
      sandbox,
      redact,
      log,
      clock,
      graceMs: config.graceMs,
      timeLimitMs: config.timeLimitMs,
      choiceFor: (task) => task.review,
    }),
    ...(octokit &&
      config.github.token && {
        publish: githubPublisher({
          octokit,
          gitUrl: (repo) => `${config.github.url}/${repo}.git`,
          allowedOrigin: config.github.url,
          privateRoot: join(config.home, 'publish'),
          token: config.github.token,
          identity: config.gitIdentity,
          redact,
          path: gitEnv.PATH ?? '/usr/bin:/bin',
        }),
      }),
    resolveInput: async (task) => {
      if (task.input.kind === 'sentry') return sentry.input(task.input);
      return task.input.kind === 'issue' && issues ? { ...task.input, issue: await issues.issue(task.input.repo, task.input.issue.number) } : task.input;
    },
    onFollowUpsPicked: (taskId, ids) => ids.forEach((followUpId) => endpoint.send({ type: 'task.followup', taskId, followUpId })),
    onChange: alsoCapturing((task: TaskRecord, event?: TaskEvent) => {
      updates(task, event);
      feedback?.onChange(task, event);
    }, capture),
  });
  const siblings = octokit
    ? new SiblingRebase({
        octokit,
        store,
        projects,
        steer: (id, text) => engine.steer(id, text, 'director'),
        identity: config.gitIdentity,
        path: gitEnv.PATH ?? '/usr/bin:/bin',
        log,
      })
    : undefined;
  const merges = octokit
    ? new MergeDesk({
        octokit,
        store,
        projects: new Map(config.projects.map((p) => [p.name, { repo: p.repo, merge: p.merge ?? { deleteBranch: true, removeWorktree: true } }])),
        send: (frame) => {
          endpoint.send(frame);
          // Director's own events (POSTHOG_CAPTURE=1) count merged PRs too.
          const task = frame.type === 'merge.result' && frame.outcome === 'merged' ? store.get(frame.taskId) : undefined;
          if (task) capture?.prMerged(task.id, task.created_at);
        },
        removeWorktree: (taskId) => engine.close(taskId),
        clock,
        log,
        ...(mergePollMs !== undefined && { pollMs: mergePollMs }),
        afterMerge: (project, taskId) => siblings?.afterMerge(project, taskId) ?? Promise.resolve(),
      })
    : undefined;
  if (octokit) {
    const feedbackStore = new FeedbackStore(db);
    feedback = new FeedbackWatcher({
      tasks: store,
      store: feedbackStore,
      source: new PrFeedbackSource(octokit, feedbackStore, redact),
      trust: new Trust(octokit, clock, config.feedback.reviewBots),
      engine,
      reply: async (repo, prNumber, threadId, body) => {
        await octokit.rest.pulls.createReplyForReviewComment({ ...repoParts(repo), pull_number: prNumber, comment_id: threadId, body: redact(body) });
      },
      repoOf: (task) => projects.get(task.project)?.repo,
      clock,
      log: log.child({ component: 'pr-feedback' }),
      intervalMs: config.feedback.pollMs,
      maxRounds: config.feedback.maxRounds,
    });
  }
  const watching = new AbortController();
  const watched = feedback?.run(watching.signal);
  const handlers = botFrameHandlers({
    engine,
    store,
    projects,
    issues,
    sentry,
    endpoint,
    agents: new Set(drivers.keys()),
    defaultAgent: Object.keys(config.agents)[0] ?? 'codex',
    runnerName: credentials.name,
    summarise: (id) => Promise.resolve(context.summary(id)),
    ...(merges && { merges }),
    ...(octokit && {
      diff: (taskId: string) => {
        const task = store.require(taskId);
        const repo = projects.get(task.project)?.repo;
        if (!repo || !task.pr_number) return Promise.reject(new Error(`task ${taskId} has no PR yet`));
        return pullDiff(octokit, repo, task.pr_number, redact);
      },
    }),
    close: (id) => closeTask({ store, worktrees, projects, now: () => clock.now() }, id),
    report: (request) => buildReport(request, posthog && { rows: (hogql, name) => posthog.rows(hogql, name), projectUrl: posthog.projectUrl }),
    log,
  });
  endpoint.onFrame((frame, seq) => {
    dispatchFrame(handlers, frame);
    handle?.(frame, seq, db);
  });
  const link = new RunnerLink({
    botUrl: credentials.botUrl,
    token: credentials.token,
    hello: {
      runner: credentials.name,
      capacity: config.capacity,
      agents: [...drivers.keys()],
      version: VERSION,
      sandbox: sandbox.mode,
      projects: [...projects.keys()],
      ...(doctor && { doctor: doctorSummary(doctor) }),
    },
    endpoint,
    log,
    backoff,
    onState: (s) => {
      const reason = s.status === 'waiting' || s.status === 'stopped' ? s.reason : undefined;
      const fatal = s.status === 'stopped' && s.fatal;
      state.setLinkStatus({ status: s.status, since: clock.now(), pid: process.pid, ...(reason !== undefined && { reason }), ...(fatal && { fatal }) });
      if (s.status === 'connected') endpoint.send({ type: 'runner.status', running: engine.running, capacity: config.capacity });
      onState?.(s);
    },
  });
  link.start();
  const stopPruning = pruneEventsPeriodically({ store, retentionMs: config.eventRetentionMs, clock, log });
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
    feedback,
    stop: async () => {
      watching.abort();
      await watched;
      stopPruning();
      link.stop();
      await link.stopped;
      await recovered;
      await engine.shutdown();
      await capture?.flush();
      db.close();
    },
  };
}

/** The engine's onChange, also feeding Director's own PostHog events when capture is on. */
function alsoCapturing<F extends (task: TaskRecord, event?: TaskEvent) => void>(
  onChange: F,
  capture: DirectorCapture | undefined,
): F | ((task: TaskRecord, event?: TaskEvent) => void) {
  if (!capture) return onChange;
  return (task, event) => {
    onChange(task, event);
    capture.taskChanged(task);
  };
}
