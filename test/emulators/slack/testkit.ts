// Helpers for the emulator's own tests: quiet real clients pointed at the emulator, and a tiny app server.
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { LogLevel, SocketModeClient } from '@slack/socket-mode';
import type { Logger } from '@slack/web-api';
import { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { SlackEmulator } from '../../../emulators/slack/index.ts';

/** A logger that drops everything (the clients log expected failures loudly). */
export function silentLogger(): Logger {
  let level = LogLevel.ERROR;
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

/** The real WebClient with the bot token, no retries, rate limits surfaced as errors. */
export function botClient(emu: SlackEmulator, token = emu.config.botToken): WebClient {
  return new WebClient(token, {
    slackApiUrl: emu.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: silentLogger(),
  });
}

/** The real SocketModeClient; reconnects after ~clientPingTimeout ms (1.5 s here, 5 s by default). */
export function socketClient(emu: SlackEmulator): SocketModeClient {
  return new SocketModeClient({
    appToken: emu.config.appToken,
    clientOptions: { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } },
    logger: silentLogger(),
    clientPingTimeout: 1500,
  });
}

const AckFn = z.custom<(response?: Record<string, unknown>) => Promise<void>>((v) => typeof v === 'function');

/** What SocketModeClient emits as `slack_event`. */
export const SlackEventArgs = z.object({
  ack: AckFn,
  envelope_id: z.string(),
  type: z.string(),
  body: z.record(z.string(), z.unknown()),
  retry_num: z.number().optional(),
  retry_reason: z.string().optional(),
  accepts_response_payload: z.boolean().optional(),
});

/** A parsed `slack_event`. */
export type SlackEventArgs = z.infer<typeof SlackEventArgs>;

/** One request the fake app received. */
export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

/** How the fake app answers a request: status, body, headers, or a delay before answering. */
export interface AppAnswer {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  delayMs?: number;
}

/** A minimal HTTP app: records requests and answers through `answer`. */
export interface FakeApp {
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

export async function startFakeApp(answer: (req: ReceivedRequest, index: number) => AppAnswer): Promise<FakeApp> {
  const received: ReceivedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(request);
      const a = answer(request, received.length - 1);
      const send = (): void => {
        if (res.destroyed) return;
        res.writeHead(a.status ?? 200, a.headers ?? {});
        res.end(a.body ?? '');
      };
      if (a.delayMs === undefined) send();
      else timers.add(setTimeout(send, a.delayMs));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const PlatformData = z.looseObject({ ok: z.literal(false), error: z.string() });

/** The Slack error body of a WebClient call that must fail with a platform error. */
export async function platformError(call: Promise<unknown>): Promise<z.infer<typeof PlatformData>> {
  try {
    await call;
  } catch (error) {
    if (error instanceof Error && 'data' in error) return PlatformData.parse(error.data);
    throw error;
  }
  throw new Error('expected the call to fail');
}
