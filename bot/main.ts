import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { systemClock, type Clock } from '../shared/clock.ts';
import type { LinkTuning } from '../shared/link/endpoint.ts';
import { CloseCode } from '../shared/protocol.ts';
import { readConfigSource } from '../shared/config/source.ts';
import { openDatabase } from '../shared/db/open.ts';
import { createLogger, type LogSink, type Logger } from '../shared/log.ts';
import { createRedactor } from '../shared/redact.ts';
import { registerCommandHandlers } from './commands/handlers.ts';
import { botSecrets, parseBotConfig, type BotConfig } from './config.ts';
import { HTTP_LIMITS, type HttpLimits } from './http/limits.ts';
import { close, createBotServer, listen } from './server.ts';
import { createSlackApp } from './slack/app.ts';
import { boltLogger } from './slack/bolt-logger.ts';
import { dedupDeliveries } from './slack/dedup.ts';
import { directMessageChannel } from './slack/dm.ts';
import { SlackOutbox, type OutboxLimits } from './slack/outbox.ts';
import { verifyBotToken } from './slack/identity.ts';
import { call, webApiPort } from './slack/web-api-port.ts';
import { Announcements } from './director/announcements.ts';
import { Bindings } from './director/bindings.ts';
import { CardRefresher } from './director/card-refresher.ts';
import { Director } from './director/director.ts';
import { HeldTasks } from './director/held-tasks.ts';
import { ProjectMemory } from './director/memory.ts';
import { issueRequests, summaryRequests } from './director/runner-requests.ts';
import { TaskStarter } from './director/task-starter.ts';
import { TaskSummaries } from './director/task-summaries.ts';
import { TaskUpdates } from './director/task-updates.ts';
import { registerReportActions } from './reports/actions.ts';
import { chartUploader } from './reports/chart-upload.ts';
import { Reports } from './reports/reports.ts';
import { ReportStore } from './reports/store.ts';
import { handleRunnerFrames } from './runners/frames.ts';
import { Scheduler } from './schedule/scheduler.ts';
import { ScheduleStore } from './schedule/store.ts';
import { RunnerHub } from './runners/hub.ts';
import { pairRoute } from './runners/pair-route.ts';
import { Pairing } from './runners/pairing.ts';
import { alsoRedactingPairingCodes } from './runners/tokens.ts';
import { botMigrations } from './store/migrations.ts';
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
  const log = createLogger({ level: config.logLevel, redact, sink: logSink, name: 'director-bot' });
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
  const cards = new CardRefresher({ store, runners, outbox, clock });
  const bindings = new BindingStore(db);
  const announcements = new Announcements({ audit: new AuditStore(db), outbox, clock, log });
  const binder = new Bindings({ bindings, runners, outbox, announcements, directMessage: directMessageChannel(client), clock, log });
  const held = new HeldTasks({ store, bindings, hub, cards, clock });
  const starter = new TaskStarter({ store, hub, outbox, memory, held, clock, log });
  const director = new Director({ store, bindings, binder, announcements, runners, hub, outbox, requests: issues, memory, cards, held, starter, clock, log });
  const summaries = new TaskSummaries({ store, runners, hub, outbox, requests: summaryAnswers, log });
  const updates = new TaskUpdates({ store, outbox, cards, held, memory, clock });
  const schedules = new ScheduleStore(db);
  const reports = new Reports({ store: new ReportStore(db), bindings, runners, hub, outbox, uploader: chartUploader(client), starter, schedules, clock, log });
  const scheduler = new Scheduler({
    store: schedules,
    clock,
    log,
    handlers: {
      report: (schedule, slot) => reports.scheduled(schedule, slot),
      // Automations (issue 19) bring their own handler.
      automation: (schedule) => {
        log.warn({ schedule: schedule.id }, 'an automation schedule fired, but this build runs no automations');
        return Promise.resolve();
      },
    },
  });
  hub.onFrame(
    handleRunnerFrames({
      runners,
      clock,
      log,
      issuesFound: (requestId, answer) => issues.answer(requestId, answer),
      summaryGiven: (requestId, answer) => summaryAnswers.answer(requestId, answer),
      taskUpdate: (frame, seq, runner) => {
        const task = store.task(frame.taskId);
        updates.apply(frame, seq, runner);
        if (task?.runner_id === runner.id) reports.taskUpdated(frame, task.channel, task.created_at);
      },
      reportResult: (frame, runner) => reports.resultArrived(frame, runner),
      followUpPicked: (followUpId, runner) => updates.followUpPicked(followUpId, runner),
    }),
  );

  const slack = createSlackApp({ slack: config.slack, logger, identity, limits: portLimits, clock, log, socketMode });
  slack.app.use(dedupDeliveries(deliveries, clock, log));
  registerCommandHandlers(slack.app, {
    outbox,
    messages,
    director,
    summaries,
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
  });
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
  const port = await listen(server, config.port, config.host);
  await slack.connect();
  outbox.resume();
  scheduler.start();
  log.info({ port, mode: config.slack.connection.mode }, 'director bot ready');

  return {
    port,
    log,
    outbox,
    hub,
    pairLocalRunner: (name, owner) => {
      const paired = pairing.pairLocal(name, owner);
      for (const id of paired.replaced) hub.disconnect(id, CloseCode.revoked, 'replaced by a new local runner');
      return { token: paired.token, ...(paired.claimCode && { claimCode: paired.claimCode }) };
    },
    stop: async () => {
      await scheduler.close();
      cards.close();
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
export async function runBot(env: NodeJS.ProcessEnv): Promise<void> {
  const config = parseBotConfig(readConfigSource({ env }));
  const bot = await startBot({ config });
  const shutdown = () => {
    bot.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        bot.log.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
