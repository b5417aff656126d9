import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { DirectorError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import type { HttpLimits } from './http/limits.ts';
import { answerJson, refuse } from './http/reply.ts';

export interface BotServerOptions {
  /** HTTP mode: the handler for Slack's requests at `/slack/events`. */
  slackListener?: RequestListener;
  /** `/runner/pair`: a runner exchanges its pairing code for a token. */
  pairListener: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** WebSocket upgrades (runners at `/runner`). */
  upgradeListener: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  limits: Pick<HttpLimits, 'headersTimeoutMs' | 'requestTimeoutMs'>;
  log: Logger;
}

const clientErrorStatus: Record<string, string> = {
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
};

/**
 * The bot's one HTTP server, in both modes: Slack's `/slack/events` (HTTP mode), runners'
 * `/runner` (WebSocket) and `/runner/pair`, and a health check. Whatever arrives gets an HTTP
 * answer; no request can throw out of a handler and stop the process.
 */
export function createBotServer({ slackListener, pairListener, upgradeListener, limits, log }: BotServerOptions): Server {
  // The response in flight on each socket, so a parse error never writes into a started answer.
  const inFlight = new WeakMap<Duplex, ServerResponse>();
  const route = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://bot').pathname;
    if (path === '/healthz') return answerJson(res, 200, { ok: true });
    if (path === '/runner/pair') {
      pairListener(req, res).catch((error: unknown) => {
        log.error({ err: error }, 'pairing failed');
        refuse(res, { status: 500, error: 'internal', message: 'pairing failed; see the bot log' });
      });
      return;
    }
    if (path === '/slack/events') {
      if (slackListener) return slackListener(req, res);
      return refuse(res, { status: 404, error: 'socket_mode', message: 'this bot runs in Socket Mode: Slack delivers over the socket, not to /slack/events' });
    }
    refuse(res, { status: 404, error: 'not_found', message: `no route for ${req.method ?? 'GET'} ${path}` });
  };
  const server = createServer(
    { headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: 1000 },
    (req, res) => {
      inFlight.set(req.socket, res);
      res.once('finish', () => inFlight.delete(req.socket));
      try {
        route(req, res);
      } catch (error) {
        log.error({ err: error, method: req.method, url: req.url }, 'a request handler threw');
        refuse(res, { status: 500, error: 'internal', message: 'the bot could not handle this request; see its log' });
      }
    },
  );
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      upgradeListener(req, socket, head);
    } catch (error) {
      log.error({ err: error }, 'a WebSocket upgrade handler threw');
      socket.destroy();
    }
  });
  // Malformed HTTP: answer as Node would (400/408/431) unless an answer is already on its way.
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    log.debug({ code: error.code }, 'malformed HTTP request');
    if (error.code !== 'ECONNRESET' && socket.writable && !inFlight.get(socket)?.headersSent) {
      const status = clientErrorStatus[error.code ?? ''] ?? '400 Bad Request';
      socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    socket.destroy();
  });
  // After listening, an 'error' without a listener (EMFILE on accept, say) would end the process.
  server.on('error', (error) => log.error({ err: error }, 'the HTTP server reported an error'));
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

/** A listen error as a sentence naming PORT (or HOST) and the fix; other errors pass through. */
export function portProblem(error: unknown, port: number, host: string): unknown {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  if (code === 'EADDRINUSE')
    return new DirectorError(
      'config_invalid',
      `PORT ${port} is already in use on ${host} (EADDRINUSE): stop the process using it, or set PORT to a free port.`,
      {
        cause: error,
      },
    );
  if (code === 'EACCES')
    return new DirectorError('config_invalid', `PORT ${port} needs privileges on ${host} (EACCES): set PORT to 1024 or above.`, { cause: error });
  if (code === 'EADDRNOTAVAIL')
    return new DirectorError('config_invalid', `HOST ${host} is not an address of this machine (EADDRNOTAVAIL): set HOST to 0.0.0.0 or one of its addresses.`, {
      cause: error,
    });
  return error;
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
