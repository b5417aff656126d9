import bolt from '@slack/bolt';
import type { Logger as SlackLogger } from '@slack/bolt';
import type { RequestListener } from 'node:http';
import type { BotConfig } from '../config.ts';

const { App, HTTPReceiver, SocketModeReceiver } = bolt;
type BoltApp = InstanceType<typeof App>;

/** The Bolt app and how Slack reaches it. */
export interface SlackApp {
  app: BoltApp;
  /** Connects to Slack: opens the Socket Mode link; nothing to do in HTTP mode. */
  connect(): Promise<void>;
  /** HTTP mode: Bolt's handler for `/slack/events`, to mount on the bot's own server. */
  httpListener?: RequestListener;
  disconnect(): Promise<void>;
}

export interface SlackAppOptions {
  slack: BotConfig['slack'];
  logger: SlackLogger;
  /** Socket Mode client timings (tests shorten them). */
  socketMode?: { clientPingTimeoutMs?: number; serverPingTimeoutMs?: number };
}

/**
 * Builds the unmodified Bolt app in Socket Mode (app token) or HTTP mode (signing secret). In HTTP
 * mode the bot's own server serves `/slack/events`, so runners can share the same port.
 */
export function createSlackApp({ slack, logger, socketMode }: SlackAppOptions): SlackApp {
  const clientOptions = { slackApiUrl: slack.apiUrl };
  const { connection } = slack;
  if (connection.mode === 'socket') {
    const receiver = new SocketModeReceiver({
      appToken: connection.appToken,
      logger,
      installerOptions: { clientOptions },
      ...(socketMode?.clientPingTimeoutMs !== undefined && { clientPingTimeout: socketMode.clientPingTimeoutMs }),
      ...(socketMode?.serverPingTimeoutMs !== undefined && { serverPingTimeout: socketMode.serverPingTimeoutMs }),
    });
    const app = new App({ token: slack.botToken, receiver, logger, clientOptions });
    return {
      app,
      connect: async () => {
        await app.start();
      },
      disconnect: () => app.stop().then(() => undefined),
    };
  }
  const receiver = new HTTPReceiver({ signingSecret: connection.signingSecret, logger, endpoints: '/slack/events' });
  const app = new App({ token: slack.botToken, receiver, logger, clientOptions });
  return {
    app,
    connect: () => Promise.resolve(),
    httpListener: receiver.requestListener,
    disconnect: () => Promise.resolve(),
  };
}
