import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';
import { signingSecret, startBotAgainst, type BotUnderTest } from '../../emulators/support/bot-harness.ts';
import { spawnHttpBot, type DirectorProcess } from '../support/cli.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';
import { connect, type Socket } from 'node:net';
import { httpRequest, rawExchange, slackSignature, slashBody } from '../support/http-client.ts';
import { memoryOf } from '../support/proc-memory.ts';

const now = () => Math.floor(Date.now() / 1000);

function signed(body: string, timestamp = now(), contentType = 'application/x-www-form-urlencoded'): Record<string, string> {
  return { 'content-type': contentType, 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': slackSignature(signingSecret, timestamp, body) };
}

describe('the bot’s HTTP port under stray requests (HTTP mode)', () => {
  let emu: SlackEmulator;
  let harness: BotUnderTest;

  beforeEach(async () => {
    emu = await startSlackEmulator();
    harness = await startBotAgainst(emu, { mode: 'http' });
  });

  afterEach(async () => {
    await harness.stop();
    await emu.close();
  });

  const base = () => `http://127.0.0.1:${harness.bot.port}`;

  async function stillServesSlack(): Promise<void> {
    const body = slashBody('help');
    const res = await httpRequest(harness.eventsUrl, { method: 'POST', headers: signed(body), body });
    expect(res.status).toBe(200);
    expect(res.body).toContain('/director help');
  }

  it('answers every other method on /slack/events with 405 and keeps serving', async () => {
    for (const method of ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const res = await httpRequest(harness.eventsUrl, { method, body: method === 'PUT' ? 'x=1' : undefined });
      expect(res.status, method).toBe(405);
      expect(res.headers.allow).toBe('POST');
      if (method !== 'HEAD') expect(res.body).toContain('POST');
    }
    expect((await httpRequest(`${harness.eventsUrl}?probe=1`)).status).toBe(405);
    expect((await httpRequest(`${base()}/slack/events/extra`, { method: 'POST' })).status).toBe(404);
    expect((await httpRequest(`${base()}/`)).status).toBe(404);
    await stillServesSlack();
  });

  it('answers malformed HTTP with 400, malformed signed bodies with 400, unsigned ones with 401', async () => {
    expect(await rawExchange(harness.bot.port, 'GARBAGE \x00\x01\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await rawExchange(harness.bot.port, 'POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);

    const broken = '{"type": "event_callback", ';
    expect((await httpRequest(harness.eventsUrl, { method: 'POST', headers: signed(broken, now(), 'application/json'), body: broken })).status).toBe(400);
    expect((await httpRequest(harness.eventsUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
    const doubled = { ...signed('a=1'), 'x-slack-request-timestamp': 'yesterday' };
    expect((await httpRequest(harness.eventsUrl, { method: 'POST', headers: doubled, body: 'a=1' })).status).toBe(401);
    await stillServesSlack();
  });

  it('answers a body over the limit with 413 before reading it, signed or not', async () => {
    const big = `text=${'a'.repeat(2 * 1024 * 1024)}`;
    const unsigned = await httpRequest(harness.eventsUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: big });
    expect(unsigned.status).toBe(413);
    expect(unsigned.body).toContain('too large');
    expect((await httpRequest(harness.eventsUrl, { method: 'POST', headers: signed(big), body: big })).status).toBe(413);
    await stillServesSlack();
  });
});

describe('the bot’s HTTP port with its limits turned down', () => {
  let emu: SlackEmulator;
  let harness: BotUnderTest;
  const held: Socket[] = [];

  beforeEach(async () => {
    emu = await startSlackEmulator();
    harness = await startBotAgainst(emu, { mode: 'http', httpLimits: { unverifiedSlackRequests: 2, bodyDeadlineMs: 800 } });
  });

  afterEach(async () => {
    for (const socket of held.splice(0)) socket.destroy();
    await harness.stop();
    await emu.close();
  });

  /** A request that sends its headers and a little of its body, then nothing. */
  function trickle(): Promise<{ answer: () => string; closed: Promise<void> }> {
    return new Promise((resolve) => {
      const socket = connect(harness.bot.port, '127.0.0.1', () => {
        socket.write('POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"type":');
        resolve({ answer: () => answer, closed });
      });
      let answer = '';
      const closed = new Promise<void>((done) => socket.on('close', () => done()));
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      socket.on('error', () => undefined);
      held.push(socket);
    });
  }

  it('turns away unverified requests past the bound with 503, and lets slow ones go after the deadline', async () => {
    const slow = [await trickle(), await trickle()];
    await new Promise((resolve) => setTimeout(resolve, 100));
    const body = slashBody('help');
    const turnedAway = await httpRequest(harness.eventsUrl, { method: 'POST', headers: signed(body), body });
    expect(turnedAway.status).toBe(503);
    expect(turnedAway.headers['retry-after']).toBeDefined();
    expect(turnedAway.body).toContain('retry');

    const waited = Date.now();
    await Promise.all(slow.map((s) => s.closed));
    for (const s of slow) expect(s.answer()).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - waited).toBeLessThan(1500);
    const res = await httpRequest(harness.eventsUrl, { method: 'POST', headers: signed(body), body });
    expect(res.status).toBe(200);
    expect(res.body).toContain('/director help');
  });
});

describe('director bot (HTTP mode, its own process) under stray requests', () => {
  let emu: SlackEmulator;
  let home: ReturnType<typeof tempHome>;
  let proc: DirectorProcess | undefined;

  beforeEach(async () => {
    emu = await startSlackEmulator();
    home = tempHome('director-stray-');
  });

  afterEach(async () => {
    await proc?.stop();
    await emu.close();
    home.remove();
  });

  async function startBotProcess(): Promise<{ bot: DirectorProcess; port: number; url: string; pid: number }> {
    const started = await spawnHttpBot(emu, home.dir, signingSecret);
    proc = started.bot;
    return started;
  }

  it('answers GET, HEAD, PUT and garbage on /slack/events and keeps running', async () => {
    const { bot, port, url } = await startBotProcess();

    expect((await httpRequest(url)).status).toBe(405);
    expect((await httpRequest(url, { method: 'HEAD' })).status).toBe(405);
    expect((await httpRequest(url, { method: 'PUT', body: 'junk' })).status).toBe(405);
    expect(await rawExchange(port, 'GET /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')).toMatch(/^HTTP\/1\.1 (400|405)/);
    expect(await rawExchange(port, '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);

    expect((await httpRequest(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const body = slashBody('help');
    const res = await httpRequest(url, { method: 'POST', headers: signed(body), body });
    expect(res.status).toBe(200);
    expect(bot.child.exitCode).toBeNull();
    expect(bot.stderr()).not.toContain('HTTPReceiverDeferredRequestError');
  });

  // Measured on the bot's own process: in the test's process the client's buffers would blur it.
  it.runIf(existsSync('/proc/self/status'))('answers 40 parallel unsigned 4 MB bodies without buffering them', async () => {
    const { url, pid } = await startBotProcess();
    const body = Buffer.alloc(4 * 1024 * 1024, 'a');
    const headers = { 'content-type': 'application/json' };
    await httpRequest(url, { method: 'POST', headers, body: '{}' });
    const before = memoryOf(pid);
    // Half declare their size; half are chunked, so only reading tells how big they are.
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => httpRequest(url, { method: 'POST', headers, body, chunked: i % 2 === 1, timeoutMs: 30_000 })),
    );
    const after = memoryOf(pid);
    const statuses = answers.map((a) => a.status);
    // Too big to be Slack's, whatever the signature: refused for its size, never read as a request.
    for (const status of statuses) expect([413, 503]).toContain(status);
    // Measured (bench/http-flood.ts): 105–155 MB before bodies were bounded; 35–70 MB after, the
    // dropped chunks awaiting GC, the same for 40 or 120 requests.
    const growth = after.peak - before.rss;
    expect(growth).toBeLessThan(100);
    expect((await httpRequest(`http://127.0.0.1:${new URL(url).port}/healthz`)).status).toBe(200);
  });
});
