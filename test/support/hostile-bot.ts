import { createServer } from 'node:http';
import { join } from 'node:path';
import { WebSocketServer, type RawData } from 'ws';
import { z } from 'zod';
import { close, listen } from '../../bot/server.ts';
import { openDatabase } from '../../shared/db/open.ts';
import { decodeLinkFrame } from '../../shared/link/decode.ts';
import { LinkEndpoint, rawText } from '../../shared/link/endpoint.ts';
import { botSide } from '../../shared/link/sides.ts';
import { LinkStore, linkTablesSql } from '../../shared/link/store.ts';
import { PROTOCOL_VERSION, type RunnerToBotReceived } from '../../shared/protocol.ts';
import { quietLog } from './link-harness.ts';

/** Anything with a type: what a compromised bot may put in a data frame. */
export type AnyFrame = { type: string } & Record<string, unknown>;

/**
 * A compromised bot: the real link endpoint and hello/welcome handshake, any token welcome, and no
 * schema on what it sends. It reads the runner's frames as the real bot does.
 */
export interface HostileBot {
  url: string;
  received: RunnerToBotReceived[];
  connected(): boolean;
  send(frame: AnyFrame): number;
  stop(): Promise<void>;
}

export async function startHostileBot(dir: string): Promise<HostileBot> {
  const db = openDatabase({ file: join(dir, 'hostile-bot.sqlite'), migrations: [{ version: 1, name: 'link', sql: linkTablesSql }] });
  const endpoint = new LinkEndpoint<AnyFrame, RunnerToBotReceived>({
    side: { sends: z.looseObject({ type: z.string() }), receives: botSide.receives },
    store: new LinkStore(db, 'runner:victim'),
    log: quietLog,
  });
  const received: RunnerToBotReceived[] = [];
  endpoint.onFrame((frame) => received.push(frame));
  const server = createServer();
  const wss = new WebSocketServer({ server, path: '/runner' });
  wss.on('connection', (ws) =>
    ws.once('message', (data: RawData) => {
      const hello = decodeLinkFrame(rawText(data));
      if (!hello.ok || hello.frame.type !== 'hello') return ws.close();
      ws.send(JSON.stringify({ type: 'welcome', protocol: PROTOCOL_VERSION, received: endpoint.received, heartbeatMs: 15_000 }));
      endpoint.attach(ws, hello.frame.received);
    }),
  );
  const port = await listen(server, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    connected: () => endpoint.connected,
    send: (frame) => endpoint.send(frame),
    stop: async () => {
      endpoint.detach(1001, 'bot shutting down');
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await close(server);
      db.close();
    },
  };
}
