import type { SocketModeClient } from '@slack/socket-mode';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { z } from 'zod';
import { startSlackEmulator } from '../../../emulators/slack/index.ts';
import type { SlackEmulator, SlackEmulatorOptions } from '../../../emulators/slack/index.ts';
import { SlackEventArgs, socketClient } from './testkit.ts';

let emu: SlackEmulator | undefined;
let client: SocketModeClient | undefined;

afterEach(async () => {
  await client?.disconnect();
  client = undefined;
  await emu?.close();
  emu = undefined;
});

async function setup(opts: SlackEmulatorOptions = {}): Promise<SlackEmulator> {
  const e = await startSlackEmulator(opts);
  e.addUser({ id: 'U0ALICE', name: 'alice' });
  e.addChannel({ id: 'C0DEV', name: 'dev', members: ['U0ALICE'] });
  emu = e;
  return e;
}

/** Starts the real SocketModeClient; `onEvent` decides each envelope's ack (undefined = don't ack). */
async function connect(e: SlackEmulator, onEvent: (event: SlackEventArgs) => Record<string, unknown> | undefined): Promise<SlackEventArgs[]> {
  const seen: SlackEventArgs[] = [];
  const c = socketClient(e);
  c.on('slack_event', (raw: unknown) => {
    const event = SlackEventArgs.parse(raw);
    seen.push(event);
    const payload = onEvent(event);
    if (payload !== undefined) void event.ack(payload);
  });
  client = c;
  await c.start();
  return seen;
}

const OpenResponse = z.object({ ok: z.literal(true), url: z.string() });

/** A raw websocket on a freshly issued ticket, for checking the wire format. */
async function rawSocket(e: SlackEmulator): Promise<{ ws: WebSocket; first: unknown }> {
  const res = await fetch(`${e.apiUrl}apps.connections.open`, {
    method: 'POST',
    headers: { authorization: `Bearer ${e.config.appToken}` },
  });
  const { url } = OpenResponse.parse(await res.json());
  expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[0-9a-f-]+&app_id=A0DIRECTOR$/);
  const ws = new WebSocket(url);
  const first = await new Promise<unknown>((resolve, reject) => {
    ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString('utf8'))));
    ws.once('error', reject);
  });
  return { ws, first };
}

/** HTTP status of a websocket upgrade attempt (101 when it opened). */
function upgradeStatus(url: string): Promise<number> {
  const ws = new WebSocket(url);
  ws.on('error', () => undefined);
  return new Promise<number>((resolve) => {
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.once('open', () => {
      resolve(101);
      ws.close();
    });
  });
}

describe('socket mode link', () => {
  it('sends hello, pings, and refuses unknown or reused tickets', async () => {
    const e = await setup({ serverPingIntervalMs: 50 });
    const { ws, first } = await rawSocket(e);
    expect(first).toEqual({
      type: 'hello',
      num_connections: 1,
      connection_info: { app_id: 'A0DIRECTOR' },
      debug_info: { host: 'emulator', approximate_connection_time: 18060 },
    });
    let pings = 0;
    ws.on('ping', () => (pings += 1));
    await e.waitFor(() => pings >= 2);
    expect(await upgradeStatus(ws.url)).toBe(401);
    expect(await upgradeStatus(ws.url.replace(/ticket=[^&]+/, 'ticket=made-up'))).toBe(401);
    ws.terminate();
  });

  it('connects the real client and gets its acks back, slash payload included', async () => {
    const e = await setup();
    const seen = await connect(e, (ev) => (ev.type === 'slash_commands' ? { response_type: 'ephemeral', text: 'ack!' } : {}));
    expect(e.socketConnections).toBe(1);
    expect(e.apiCalls.find((c) => c.method === 'apps.connections.open')?.tokenKind).toBe('app');

    const result = await e.person('U0ALICE').slash('C0DEV', '/director', 'help');
    expect(result.ack).toEqual({ response_type: 'ephemeral', text: 'ack!' });
    expect(result.ephemeral).toEqual({ text: 'ack!' });
    expect(e.ephemerals('C0DEV', 'U0ALICE')).toMatchObject([{ text: 'ack!', from: 'U0BOT', source: 'ack' }]);
    expect(seen[0]).toMatchObject({
      type: 'slash_commands',
      accepts_response_payload: true,
      body: { command: '/director', text: 'help', channel_id: 'C0DEV', user_id: 'U0ALICE', api_app_id: 'A0DIRECTOR' },
    });

    const said = await e.person('U0ALICE').mention('C0DEV', 'fix the build');
    expect(said.eventIds).toHaveLength(2);
    expect(said.deliveries.map((d) => d.status)).toEqual(['acked', 'acked']);
    const events = seen.filter((s) => s.type === 'events_api');
    expect(events.map((s) => z.object({ event: z.object({ type: z.string() }) }).parse(s.body).event.type).sort()).toEqual(['app_mention', 'message']);
    expect(events[0]).toMatchObject({ accepts_response_payload: false, retry_num: 0, retry_reason: '' });
    expect(events[0]?.body).toMatchObject({ type: 'event_callback', team_id: 'T0DIRECTOR', api_app_id: 'A0DIRECTOR' });
  });

  it('redelivers unacked events with a new envelope id, retry_attempt and retry_reason', async () => {
    const e = await setup({ ackTimeoutMs: 1000, socketRetryDelaysMs: [0, 50, 50] });
    let calls = 0;
    const seen = await connect(e, () => (++calls === 1 ? undefined : {}));
    const said = await e.person('U0ALICE').say('C0DEV', 'anyone?');
    expect(said.deliveries[0]?.status).toBe('timeout');
    await e.waitFor(() => e.deliveries.find((d) => d.retryNum === 1 && d.status === 'acked'));
    expect(seen).toHaveLength(2);
    expect(seen[1]?.envelope_id).not.toBe(seen[0]?.envelope_id);
    expect(seen[1]).toMatchObject({ retry_num: 1, retry_reason: 'timeout' });
    expect(seen[1]?.body.event_id).toBe(seen[0]?.body.event_id);
  });

  it('does not retry slash commands; the person sees operation_timeout', async () => {
    const e = await setup({ ackTimeoutMs: 200, socketRetryDelaysMs: [0, 0, 0] });
    const seen = await connect(e, () => undefined);
    const result = await e.person('U0ALICE').slash('C0DEV', '/director', 'slow');
    expect(result.error).toBe('operation_timeout');
    expect(e.ephemerals('C0DEV', 'U0ALICE')).toMatchObject([
      { text: '/director failed with the error "operation_timeout"', from: 'USLACKBOT', source: 'slack_error' },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(seen).toHaveLength(1);
  });

  it('redeliverEvent resends the same event with retry_attempt 1..n', async () => {
    const e = await setup();
    const seen = await connect(e, () => ({}));
    const said = await e.person('U0ALICE').say('C0DEV', 'once');
    const eventId = said.eventIds[0] ?? '';
    const again = await e.redeliverEvent(eventId, 2);
    expect(again.map((d) => [d.retryNum, d.retryReason, d.status])).toEqual([
      [1, 'timeout', 'acked'],
      [2, 'timeout', 'acked'],
    ]);
    expect(seen.map((s) => [s.retry_num, s.body.event_id])).toEqual([
      [0, eventId],
      [1, eventId],
      [2, eventId],
    ]);
  });

  it('disconnect(refresh_requested): the client reconnects and queued envelopes arrive', async () => {
    const e = await setup();
    const seen = await connect(e, () => ({}));
    await e.disconnectSocket('refresh_requested');
    expect(e.socketConnections).toBe(0);
    // Sent while nobody is connected: held until the client is back.
    const said = await e.person('U0ALICE').say('C0DEV', 'while away');
    expect(said.deliveries[0]?.status).toBe('acked');
    expect(e.socketConnections).toBe(1);
    expect(e.apiCalls.filter((c) => c.method === 'apps.connections.open')).toHaveLength(2);
    expect(seen).toHaveLength(1);
  });
});
