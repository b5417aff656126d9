import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

export interface BotServerOptions {
  /** HTTP mode: Bolt's listener for Slack's requests at `/slack/events`. */
  slackListener?: RequestListener;
  /** `/runner/pair`: a runner exchanges its pairing code for a token. */
  pairListener: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** WebSocket upgrades (runners at `/runner`). */
  upgradeListener: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * The bot's one HTTP server, in both modes: Slack's `/slack/events` (HTTP mode), runners'
 * `/runner` (WebSocket) and `/runner/pair`, and a health check.
 */
export function createBotServer({ slackListener, pairListener, upgradeListener }: BotServerOptions): Server {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://bot').pathname;
    if (path === '/healthz') return json(res, 200, { ok: true });
    if (path === '/runner/pair') {
      pairListener(req, res).catch(() => json(res, 500, { ok: false, error: 'internal', message: 'pairing failed; see the bot log' }));
      return;
    }
    if (path === '/slack/events') {
      if (slackListener) return slackListener(req, res);
      return json(res, 404, { ok: false, error: 'this bot runs in Socket Mode: Slack delivers over the socket, not to /slack/events' });
    }
    json(res, 404, { ok: false, error: `no route for ${req.method ?? 'GET'} ${path}` });
  });
  server.on('upgrade', upgradeListener);
  return server;
}

/** Listens and resolves with the bound port (useful when asked for port 0). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
