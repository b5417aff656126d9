import { App, HTTPReceiver, SocketModeReceiver, type Logger as SlackLogger } from '@slack/bolt';
import type { RequestListener } from 'node:http';
import type { BotConfig } from '../config.ts';
import type { BotIdentity } from './identity.ts';

/** The Bolt app and how Slack reaches it. */
export interface SlackApp {
  app: App;
  /** Connects to Slack: opens the Socket Mode link; nothing to do in HTTP mode. */
  connect(): Promise<void>;
  /** HTTP mode: Bolt's handler for `/slack/events`, to mount on the bot's own server. */
  httpListener?: RequestListener;
  disconnect(): Promise<void>;
}

export interface SlackAppOptions {
  slack: BotConfig['slack'];
  logger: SlackLogger;
  /** Checked at start, so Bolt needs no auth.test of its own. */
  identity: BotIdentity;
  /** Socket Mode client timings (tests shorten them). */
  socketMode?: { clientPingTimeoutMs?: number; serverPingTimeoutMs?: number };
}

/**
 * Builds the unmodified Bolt app in Socket Mode (app token) or HTTP mode (signing secret). In HTTP
 * mode the bot's own server serves `/slack/events`, so runners can share the same port.
 */
export function createSlackApp({ slack, logger, identity, socketMode }: SlackAppOptions): SlackApp {
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
  const receiver = new HTTPReceiver({ signingSecret: connection.signingSecret, logger, endpoints: '/slack/events' });
  const app = new App({ ...auth, receiver, logger, clientOptions });
  return {
    app,
    connect: () => Promise.resolve(),
    httpListener: receiver.requestListener,
    disconnect: () => Promise.resolve(),
  };
}
