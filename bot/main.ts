import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { systemClock, type Clock } from '../shared/clock.ts';
import type { LinkTuning } from '../shared/link/endpoint.ts';
import { CloseCode } from '../shared/protocol.ts';
import { readConfigSource, type ConfigSource } from '../shared/config/source.ts';
import { openDatabase } from '../shared/db/open.ts';
import { createLogger, type LogSink, type Logger } from '../shared/log.ts';
import { createRedactor } from '../shared/redact.ts';
import { registerCommandHandlers } from './commands/handlers.ts';
import { botSecrets, parseBotConfig, type BotConfig } from './config.ts';
import { HTTP_LIMITS, type HttpLimits } from './http/limits.ts';
import { close, createBotServer, listen, portProblem } from './server.ts';
import { createSlackApp } from './slack/app.ts';
import { boltLogger } from './slack/bolt-logger.ts';
import { dedupDeliveries } from './slack/dedup.ts';
import { directMessageChannel } from './slack/dm.ts';
import { SlackOutbox, type OutboxLimits } from './slack/outbox.ts';
import { verifyAppToken, verifyBotToken } from './slack/identity.ts';
import { call, webApiPort } from './slack/web-api-port.ts';
import { Announcements } from './director/announcements.ts';
import { Bindings } from './director/bindings.ts';
import { CardRefresher } from './director/card-refresher.ts';
import { Director } from './director/director.ts';
import { HeldTasks } from './director/held-tasks.ts';
import { ProjectMemory } from './director/memory.ts';
import { issueRequests, sentryRequests, summaryRequests } from './director/runner-requests.ts';
import { BatchRuns } from './director/batch-runs.ts';
import { Automations } from './automations/automations.ts';
import { AutomationStore } from './automations/store.ts';
import { Scheduler } from './schedule/scheduler.ts';
import { ScheduleStore } from './schedule/store.ts';
import { TaskStarter } from './director/task-starter.ts';
import { Steering } from './director/steering.ts';
import { TaskSummaries } from './director/task-summaries.ts';
import { TaskUpdates } from './director/task-updates.ts';
import { Merges, mergeCardExtras } from './director/merges.ts';
import { registerMergeActions } from './commands/merge-actions.ts';
import { MergeStore } from './store/merges.ts';
import { uploadFileWith } from './slack/upload-file.ts';
import { registerReportActions } from './reports/actions.ts';
import { chartUploader } from './reports/chart-upload.ts';
import { Reports } from './reports/reports.ts';
import { ReportStore } from './reports/store.ts';
import { handleRunnerFrames } from './runners/frames.ts';
import { RunnerHub } from './runners/hub.ts';
import { pairRoute } from './runners/pair-route.ts';
import { Pairing } from './runners/pairing.ts';
import { alsoRedactingPairingCodes } from './runners/tokens.ts';
import { botMigrations } from './store/migrations.ts';
import { AppHome } from './home/home.ts';
import { HomeQueries } from './home/queries.ts';
import { registerAppHome } from './home/register.ts';
import { AuditStore } from './store/audit.ts';
import { BindingStore } from './store/bindings.ts';
import { DirectorStore } from './store/directors.ts';
import { RunnerStore } from './store/runners.ts';
import { SlackDeliveryStore } from './store/slack-deliveries.ts';
import { SlackMessageStore } from './store/slack-messages.ts';

export interface StartBotOptions {
  config: BotConfig;
  /** Where log lines go (default stderr). */
  logSink?: LogSink;
  clock?: Clock;
  outboxLimits?: Partial<OutboxLimits>;
  socketMode?: { clientPingTimeoutMs?: number; serverPingTimeoutMs?: number };
  /** Runner link timings (tests shorten the heartbeat). */
  link?: Partial<LinkTuning>;
  /** What the HTTP port accepts from strangers (tests shorten the deadlines). */
  httpLimits?: Partial<HttpLimits>;
}

/** A started bot: its bound port, its logger and outbox (for tests and `director local`), and stop. */
export interface RunningBot {
  port: number;
  log: Logger;
  outbox: SlackOutbox;
  hub: RunnerHub;
  /** Fires due schedules now (tests with a clock of their own; the bot ticks by itself). */
  tickSchedules(): Promise<number>;
  /**
   * Pairs a runner in this process (`director local`, replacing an earlier one of that name). With
   * an owner it is theirs; without, the returned claim code makes it theirs (`/director claim`).
   */
  pairLocalRunner(name: string, owner?: { user: string; team: string | null }): { token: string; claimCode?: string };
  stop(): Promise<void>;
}

/** Wires the bot: config → logger, SQLite, Slack client, outbox, Bolt app, HTTP server. */
export async function startBot({ config, logSink, clock = systemClock, outboxLimits, socketMode, link, httpLimits }: StartBotOptions): Promise<RunningBot> {
  const portLimits = { ...HTTP_LIMITS, ...httpLimits };
  const redact = alsoRedactingPairingCodes(createRedactor(botSecrets(config)));
  const log = createLogger({ level: config.logLevel, redact, sink: logSink, name: 'director-bot', format: config.logFormat });
  const db = openDatabase({ file: join(config.home, 'bot.sqlite'), migrations: botMigrations });
  const deliveries = new SlackDeliveryStore(db);
  deliveries.forgetOld(clock.now());

  const logger = boltLogger(log);
  // The outbox owns retries: a blind retry of chat.postMessage could post twice.
  const client = new WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger,
  });
  const identity = await verifyBotToken(() => call('auth.test', () => client.auth.test()), config.slack.apiUrl);
  const { connection } = config.slack;
  if (connection.mode === 'socket') {
    const appClient = new WebClient(connection.appToken, { slackApiUrl: config.slack.apiUrl, retryConfig: { retries: 0 }, logger });
    await verifyAppToken(() => call('apps.connections.open', () => appClient.apps.connections.open()), config.slack.apiUrl);
  }
  const messages = new SlackMessageStore(db);
  const outbox = new SlackOutbox({ api: webApiPort(client), store: messages, clock, log, limits: outboxLimits });

  const runners = new RunnerStore(db);
  const pairing = new Pairing({ store: runners, clock });
  const hub = new RunnerHub({ db, store: runners, pairing, clock, log, tuning: link });

  // Each channel's Director and the collaborators it shares with the inbound task updates.
  const store = new DirectorStore(db);
  const memory = new ProjectMemory(db);
  const issues = issueRequests(clock);
  const summaryAnswers = summaryRequests(clock);
  const sentryAnswers = sentryRequests(clock);
  const mergeStore = new MergeStore(db);
  const cards = new CardRefresher({ store, runners, outbox, clock, extra: mergeCardExtras(mergeStore) });
  const bindings = new BindingStore(db);
  const announcements = new Announcements({ audit: new AuditStore(db), outbox, clock, log });
  const home = new AppHome({
    runners,
    isOnline: (id) => hub.isOnline(id),
    queries: new HomeQueries(db, { tasks: store, bindings }),
    publish: async (user, view) => {
      await call('views.publish', () => client.views.publish({ user_id: user, view }));
    },
    now: () => clock.now(),
    log,
  });
  const toOwner = directMessageChannel(client);
  // A binding request (or its answer) for a runner's owner also refreshes their Home tab.
  const directMessage = (user: string) => {
    home.changed(user);
    return toOwner(user);
  };
  const binder = new Bindings({ bindings, runners, outbox, announcements, directMessage, clock, log });
  const held = new HeldTasks({ store, bindings, hub, cards, clock });
  const starter = new TaskStarter({ store, hub, outbox, memory, held, clock, log });
  const batches = new BatchRuns({ store, bindings, runners, hub, outbox, starter, cards, issues, sentry: sentryAnswers, clock });
  const director = new Director({
    store,
    bindings,
    binder,
    announcements,
    runners,
    hub,
    outbox,
    requests: issues,
    memory,
    cards,
    held,
    starter,
    batches,
    clock,
    log,
  });
  const schedules = new ScheduleStore(db);
  const reportStore = new ReportStore(db);
  const reports = new Reports({ store: reportStore, bindings, runners, hub, outbox, uploader: chartUploader(client), starter, schedules, clock, log });
  const automations = new Automations({ schedules, store: new AutomationStore(db), bindings, tasks: store, batches, outbox, clock, log });
  const scheduler = new Scheduler({
    store: schedules,
    clock,
    log,
    handlers: {
      automation: (schedule, slot) => automations.fire(schedule, slot),
      report: (schedule, slot) => reports.scheduled(schedule, slot),
    },
  });
  const steering = new Steering({ store, bindings, hub, outbox });
  const summaries = new TaskSummaries({ store, runners, hub, outbox, requests: summaryAnswers, log });
  const updates = new TaskUpdates({ store, outbox, cards, held, memory, directMessage, clock });
  const merges = new Merges({
    store,
    merges: mergeStore,
    bindings,
    hub,
    outbox,
    messages,
    cards,
    audit: new AuditStore(db),
    upload: uploadFileWith(client),
    steer: (channel, taskId, user, text, ts) => steering.steer(channel, taskId, user, text, ts),
    clock,
    log,
  });
  const frames = handleRunnerFrames({
    runners,
    clock,
    log,
    issuesFound: (requestId, answer) => issues.answer(requestId, answer),
    sentryFound: (requestId, answer) => sentryAnswers.answer(requestId, answer),
    summaryGiven: (requestId, answer) => summaryAnswers.answer(requestId, answer),
    taskUpdate: (frame, seq, runner) => {
      const task = store.task(frame.taskId);
      updates.apply(frame, seq, runner);
      merges.taskUpdated(frame, runner);
      if (task?.runner_id === runner.id) reports.taskUpdated(frame, task.channel, task.created_at);
    },
    prState: (frame, runner) => merges.prState(frame, runner),
    mergeResult: (frame, runner) => {
      merges.result(frame, runner);
      // The week's report counts merged PRs from Director's own records.
      if (frame.outcome === 'merged' && store.task(frame.taskId)?.runner_id === runner.id) reportStore.prMerged(frame.taskId, clock.now());
    },
    reportResult: (frame, runner) => reports.resultArrived(frame, runner),
    diffGiven: (requestId, answer) => merges.diffGiven(requestId, answer),
    followUpPicked: (followUpId, runner) => updates.followUpPicked(followUpId, runner),
  });
  hub.onFrame((runner, frame, seq) => {
    frames(runner, frame, seq);
    // The Home tabs of the runner's owner and of the task's starter (throttled).
    home.runnerChanged(runner.id);
    if ('taskId' in frame && typeof frame.taskId === 'string') {
      const starter = store.task(frame.taskId)?.starter;
      if (starter) home.changed(starter);
    }
  });

  const slack = createSlackApp({ slack: config.slack, logger, identity, limits: portLimits, clock, log, socketMode });
  slack.app.use(dedupDeliveries(deliveries, clock, log));
  registerAppHome(slack.app, home, log);
  registerCommandHandlers(slack.app, {
    outbox,
    messages,
    director,
    steering,
    summaries,
    automations,
    reports,
    log,
    pairing,
    runners,
    bindings,
    binder,
    announcements,
    hub,
    clock,
    publicUrl: config.publicUrl,
    home,
  });
  registerMergeActions(slack.app, { merges, outbox, log });
  registerReportActions(slack.app, { reports, outbox });
  slack.app.error((error) => {
    log.error({ err: error }, 'unhandled error in a Slack handler');
    return Promise.resolve();
  });

  const server = createBotServer({
    slackListener: slack.httpListener,
    pairListener: pairRoute(pairing, log, portLimits),
    upgradeListener: hub.handleUpgrade,
    limits: portLimits,
    log,
  });
  const port = await listen(server, config.port, config.host).catch((error: unknown) => {
    db.close();
    throw portProblem(error, config.port, config.host);
  });
  await slack.connect();
  outbox.resume();
  scheduler.start();
  log.info({ port, mode: config.slack.connection.mode }, 'director bot ready');

  return {
    port,
    log,
    outbox,
    hub,
    tickSchedules: () => scheduler.tick(),
    pairLocalRunner: (name, owner) => {
      const paired = pairing.pairLocal(name, owner);
      for (const id of paired.replaced) hub.disconnect(id, CloseCode.revoked, 'replaced by a new local runner');
      return { token: paired.token, ...(paired.claimCode && { claimCode: paired.claimCode }) };
    },
    stop: async () => {
      await scheduler.close();
      cards.close();
      home.close();
      outbox.stop();
      hub.close();
      await slack.disconnect();
      await close(server);
      await outbox.idle();
      db.close();
      log.info('director bot stopped');
    },
  };
}

/** `director bot`: reads the configuration once, starts, and stops cleanly on SIGINT/SIGTERM. */
export async function runBot(env: NodeJS.ProcessEnv, source: ConfigSource = readConfigSource({ env })): Promise<void> {
  const config = parseBotConfig(source);
  // Listening from the start: a signal that arrives while the bot starts (or right after it says
  // it is ready) stops it cleanly instead of killing it.
  const started: { bot?: RunningBot } = {};
  let stopAsked = false;
  const shutdown = () => {
    const running = started.bot;
    if (!running) {
      stopAsked = true;
      return;
    }
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        running.log.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  started.bot = await startBot({ config });
  if (stopAsked) shutdown();
}
