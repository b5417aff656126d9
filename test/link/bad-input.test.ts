import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { z } from 'zod';
import { RunnerLink } from '../../runner/link/client.ts';
import { LinkEndpoint } from '../../shared/link/endpoint.ts';
import { runnerSide } from '../../shared/link/sides.ts';
import { LinkStore } from '../../shared/link/store.ts';
import { openDatabase } from '../../shared/db/open.ts';
import { runnerMigrations } from '../../runner/store/migrations.ts';
import { MAX_FRAME_BYTES, PROTOCOL_VERSION } from '../../shared/protocol.ts';
import { quietLog, receivedNotes, startHub, type HubUnderTest } from '../support/link-harness.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';
import { until } from '../../emulators/support/until.ts';

const frameSchema = z.looseObject({ type: z.string(), code: z.string().optional(), message: z.string().optional(), seq: z.number().optional() });
type Frame = z.infer<typeof frameSchema>;

/** A hand-driven runner socket, to send what a real runner never would. */
class RawRunner {
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | undefined;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.frames.push(frameSchema.parse(JSON.parse(data.toString()))));
    ws.on('close', (code: number, reason: Buffer) => (this.closed = { code, reason: reason.toString() }));
  }

  static async open(url: string, headers: Record<string, string>): Promise<RawRunner> {
    const raw = new RawRunner(new WebSocket(`${url.replace('http', 'ws')}/runner`, { headers }));
    await once(raw.ws, 'open');
    return raw;
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  hello(protocol = PROTOCOL_VERSION, runner = 'laptop'): void {
    this.send({ type: 'hello', protocol, runner, capacity: 2, agents: ['codex'], version: 'test', received: 0 });
  }

  next(type: string): Promise<Frame> {
    return until(() => this.frames.find((f) => f.type === type), 5000, `a ${type} frame`);
  }

  errors(): Frame[] {
    return this.frames.filter((f) => f.type === 'error');
  }

  whenClosed(): Promise<{ code: number; reason: string }> {
    return until(() => this.closed, 5000, 'the socket to close');
  }
}

/** What a refused upgrade answers, or 'open' if a socket was made. */
function upgrade(url: string, headers: Record<string, string>, path = '/runner'): Promise<{ status: number; body: string } | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}${path}`, { headers });
    ws.on('open', () => {
      ws.terminate();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('error', () => undefined);
  });
}

describe('runner link: bad input', () => {
  let home: ReturnType<typeof tempHome>;
  let hub: HubUnderTest;
  let token: string;
  let runnerId: string;

  beforeEach(async () => {
    home = tempHome();
    hub = await startHub({ file: `${home.dir}/bot.sqlite` });
    ({ token, runnerId } = hub.pair('laptop'));
  });

  afterEach(async () => {
    await hub.stop();
    home.remove();
  });

  const auth = () => ({ authorization: `Bearer ${token}` });

  it('answers a missing header, a forged token and a wrong path before any socket exists', async () => {
    const missing = await upgrade(hub.url, {});
    expect(missing).toMatchObject({ status: 401 });
    expect(missing !== 'open' && missing.body).toContain('Authorization: Bearer');

    const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const refused = await upgrade(hub.url, { authorization: `Bearer ${forged}` });
    expect(refused).toMatchObject({ status: 401 });
    expect(refused !== 'open' && refused.body).toContain('unknown runner token');
    expect(await upgrade(hub.url, { authorization: 'Bearer drt_000000000000_nothing' })).toMatchObject({ status: 401 });
    expect(await upgrade(hub.url, auth(), '/elsewhere')).toMatchObject({ status: 404 });
    expect(await upgrade(hub.url, auth())).toBe('open');
  });

  it('closes the socket with 1009 on a frame over the size limit', async () => {
    const raw = await RawRunner.open(hub.url, auth());
    raw.hello();
    await raw.next('welcome');
    raw.send({ type: 'data', seq: 1, body: { type: 'note', text: 'x'.repeat(MAX_FRAME_BYTES) } });
    expect((await raw.whenClosed()).code).toBe(1009);
  });

  it('survives an oversized frame sent before the hello', async () => {
    const raw = await RawRunner.open(hub.url, auth());
    raw.send('x'.repeat(MAX_FRAME_BYTES + 10));
    expect((await raw.whenClosed()).code).toBe(1009);
    const again = await RawRunner.open(hub.url, auth());
    again.hello();
    expect((await again.next('welcome')).type).toBe('welcome');
  });

  it('names the problem of malformed, invalid and unknown frames, and keeps the stream going', async () => {
    const raw = await RawRunner.open(hub.url, auth());
    raw.hello();
    await raw.next('welcome');
    raw.send('{"type": "data", seq');
    raw.send({ type: 'data', seq: -3, body: {} });
    raw.send({ type: 'launch', rockets: 3 });
    raw.send({ type: 'data', seq: 1, body: { type: 'self-destruct' } });
    raw.send({ type: 'data', seq: 2, body: { type: 'note', text: 1 } });
    raw.send({ type: 'data', seq: 3, body: { type: 'note', text: 'still here', n: 42 } });
    await until(() => raw.errors().length >= 5, 5000, 'five error frames');
    expect(raw.errors().map((e) => e.code)).toEqual(['malformed_json', 'invalid_frame', 'unknown_type', 'unknown_type', 'invalid_body']);
    expect(raw.errors()[1]?.message).toContain('seq');
    expect(raw.errors()[2]?.message).toContain('"launch"');
    expect(raw.errors()[3]).toMatchObject({ seq: 1 });
    expect(await until(() => raw.frames.find((f) => f.type === 'ack' && f.seq === 3), 5000, 'ack of seq 3')).toBeTruthy();
    expect(receivedNotes(hub.db)).toEqual([42]);
    expect(raw.closed).toBeUndefined();
  });

  it('disconnects a peer that keeps sending garbage', async () => {
    const raw = await RawRunner.open(hub.url, auth());
    raw.hello();
    await raw.next('welcome');
    for (let i = 0; i < 30; i++) raw.send(`garbage ${i}`);
    expect(await raw.whenClosed()).toMatchObject({ code: 1008, reason: 'too many bad frames' });
  });

  it('refuses an incompatible protocol version with a message both sides can show', async () => {
    const raw = await RawRunner.open(hub.url, auth());
    raw.hello(PROTOCOL_VERSION + 1);
    const refused = await raw.next('refused');
    expect(refused.message).toBe(`runner speaks v${PROTOCOL_VERSION + 1}, bot speaks v${PROTOCOL_VERSION}: upgrade the bot`);
    expect((await raw.whenClosed()).code).toBe(4002);

    const db = openDatabase({ file: `${home.dir}/runner.sqlite`, migrations: runnerMigrations });
    const endpoint = new LinkEndpoint({ side: runnerSide, store: new LinkStore(db, 'bot'), log: quietLog });
    endpoint.onFrame(() => undefined);
    const link = new RunnerLink({
      botUrl: hub.url,
      token,
      hello: { runner: 'laptop', capacity: 1, agents: [], version: 'new' },
      endpoint,
      log: quietLog,
      protocol: PROTOCOL_VERSION + 1,
    });
    link.start();
    expect(await link.stopped).toEqual({ fatal: true, reason: `runner speaks v${PROTOCOL_VERSION + 1}, bot speaks v${PROTOCOL_VERSION}: upgrade the bot` });
    db.close();
  });

  it('refuses a hello that names another runner than the token', async () => {
    const raw = await RawRunner.open(hub.url, auth());
    raw.hello(PROTOCOL_VERSION, 'someone-else');
    expect((await raw.next('refused')).message).toContain('belongs to runner "laptop"');
    expect(hub.hub.isOnline(runnerId)).toBe(false);
  });
});
