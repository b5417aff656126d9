import { App, HTTPReceiver, SocketModeReceiver, type Logger as SlackLogger } from '@slack/bolt';
import type { RequestListener } from 'node:http';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import type { BotConfig } from '../config.ts';
import type { HttpLimits } from '../http/limits.ts';
import { slackEventsRoute } from './events-route.ts';
import type { BotIdentity } from './identity.ts';

/** The Bolt app and how Slack reaches it. */
export interface SlackApp {
  app: App;
  /** Connects to Slack: opens the Socket Mode link; nothing to do in HTTP mode. */
  connect(): Promise<void>;
  /** HTTP mode: the handler for `/slack/events` (checks, then Bolt), to mount on the bot's own server. */
  httpListener?: RequestListener;
  disconnect(): Promise<void>;
}

export interface SlackAppOptions {
  slack: BotConfig['slack'];
  logger: SlackLogger;
  /** Checked at start, so Bolt needs no auth.test of its own. */
  identity: BotIdentity;
  /** HTTP mode: what `/slack/events` accepts before a signature is known. */
  limits: HttpLimits;
  clock: Clock;
  log: Logger;
  /** Socket Mode client timings (tests shorten them). */
  socketMode?: { clientPingTimeoutMs?: number; serverPingTimeoutMs?: number };
}

/**
 * Builds the unmodified Bolt app in Socket Mode (app token) or HTTP mode (signing secret). In HTTP
 * mode the bot's own server serves `/slack/events`, so runners can share the same port.
 */
export function createSlackApp({ slack, logger, identity, limits, clock, log, socketMode }: SlackAppOptions): SlackApp {
  const clientOptions = { slackApiUrl: slack.apiUrl };
  const auth = { token: slack.botToken, botId: identity.botId, botUserId: identity.botUserId, tokenVerificationEnabled: false };
  const { connection } = slack;
  if (connection.mode === 'socket') {
    const receiver = new SocketModeReceiver({
      appToken: connection.appToken,
      logger,
      installerOptions: { clientOptions },
      ...(socketMode?.clientPingTimeoutMs !== undefined && { clientPingTimeout: socketMode.clientPingTimeoutMs }),
      ...(socketMode?.serverPingTimeoutMs !== undefined && { serverPingTimeout: socketMode.serverPingTimeoutMs }),
    });
    const app = new App({ ...auth, receiver, logger, clientOptions });
    return {
      app,
      connect: async () => {
        await app.start();
      },
      disconnect: () => app.stop().then(() => undefined),
    };
  }
  // Bolt still checks the signature (a second time) and never reads the body: the route hands it over.
  const receiver = new HTTPReceiver({ signingSecret: connection.signingSecret, logger, endpoints: '/slack/events', bodyLimit: limits.slackBodyBytes });
  const app = new App({ ...auth, receiver, logger, clientOptions });
  return {
    app,
    connect: () => Promise.resolve(),
    httpListener: slackEventsRoute({ signingSecret: connection.signingSecret, bolt: receiver.requestListener, limits, clock, log }),
    disconnect: () => Promise.resolve(),
  };
}
