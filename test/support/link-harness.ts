import type { Server } from 'node:http';
import { RunnerHub } from '../../bot/runners/hub.ts';
import { pairRoute } from '../../bot/runners/pair-route.ts';
import { Pairing } from '../../bot/runners/pairing.ts';
import { HTTP_LIMITS } from '../../bot/http/limits.ts';
import { close, createBotServer, listen } from '../../bot/server.ts';
import { botMigrations } from '../../bot/store/migrations.ts';
import { RunnerStore, type RunnerRecord } from '../../bot/store/runners.ts';
import { parseRunnerConfig, type RunnerConfig } from '../../runner/config.ts';
import type { RunnerCredentials } from '../../runner/credentials.ts';
import { systemClock } from '../../shared/clock.ts';
import { z } from 'zod';
import { openDatabase, type Db } from '../../shared/db/open.ts';
import { parseRows } from '../../shared/db/rows.ts';
import type { LinkTuning } from '../../shared/link/endpoint.ts';
import { createLogger, type Logger } from '../../shared/log.ts';
import type { BotToRunner, RunnerToBotReceived } from '../../shared/protocol.ts';
import { createRedactor } from '../../shared/redact.ts';

export const quietLog: Logger = createLogger({ level: process.env.TEST_LOG_LEVEL === 'debug' ? 'debug' : 'silent', redact: createRedactor() });

/** A table both sides' tests record received notes in, inside the frame's transaction. */
export function recordNotes(db: Db): (frame: BotToRunner | RunnerToBotReceived) => void {
  db.exec('CREATE TABLE IF NOT EXISTS test_received (n INTEGER NOT NULL)');
  const insert = db.prepare('INSERT INTO test_received (n) VALUES (?)');
  return (frame) => {
    if (frame.type === 'note' && frame.n !== undefined) insert.run(frame.n);
  };
}

export function receivedNotes(db: Db): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS test_received (n INTEGER NOT NULL)');
  return parseRows(z.object({ n: z.number() }), db.prepare('SELECT n FROM test_received ORDER BY rowid').all()).map((r) => r.n);
}

/** The bot's runner side (hub, pairing, HTTP server) on a real SQLite file, without Slack. */
export interface HubUnderTest {
  db: Db;
  runners: RunnerStore;
  pairing: Pairing;
  hub: RunnerHub;
  server: Server;
  port: number;
  url: string;
  /** Pairs a runner directly (what /director connect + director runner pair do). */
  pair(name: string): { token: string; runnerId: string };
  stop(): Promise<void>;
}

export interface StartHubOptions {
  file: string;
  port?: number;
  tuning?: Partial<LinkTuning>;
  /** Replaces the default handling (recording notes in test_received). */
  handle?: (runner: RunnerRecord, frame: RunnerToBotReceived, hub: RunnerHub) => void;
}

export async function startHub({ file, port = 0, tuning, handle }: StartHubOptions): Promise<HubUnderTest> {
  const db = openDatabase({ file, migrations: botMigrations });
  const record = recordNotes(db);
  const runners = new RunnerStore(db);
  const pairing = new Pairing({ store: runners, clock: systemClock });
  const hub: RunnerHub = new RunnerHub({
    db,
    store: runners,
    pairing,
    clock: systemClock,
    log: quietLog,
    tuning,
  });
  hub.onFrame((runner, frame) => (handle ? handle(runner, frame, hub) : record(frame)));
  const server = createBotServer({
    pairListener: pairRoute(pairing, quietLog, HTTP_LIMITS),
    upgradeListener: hub.handleUpgrade,
    limits: HTTP_LIMITS,
    log: quietLog,
  });
  const bound = await listen(server, port, '127.0.0.1');
  return {
    db,
    runners,
    pairing,
    hub,
    server,
    port: bound,
    url: `http://127.0.0.1:${bound}`,
    pair: (name) => {
      const { code } = pairing.createCode('C0PROJ', 'U0ALICE');
      const result = pairing.exchange(code, name);
      if (!result.ok) throw new Error(result.message);
      return { token: result.token, runnerId: result.runner.id };
    },
    stop: async () => {
      hub.close();
      await close(server);
      db.close();
    },
  };
}

export function runnerConfig(home: string, heartbeatMs = 15_000): RunnerConfig {
  return { ...parseRunnerConfig({ DIRECTOR_HOME: home, LOG_LEVEL: 'silent' }), heartbeatMs };
}

export function credentials(botUrl: string, name: string, token: string): RunnerCredentials {
  return { botUrl, name, token, pairedAt: new Date().toISOString() };
}
