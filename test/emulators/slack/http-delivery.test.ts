import { verifySlackRequest } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startSlackEmulator } from '../../../emulators/slack/index.ts';
import type { SlackEmulator, SlackEmulatorOptions } from '../../../emulators/slack/index.ts';
import { startFakeApp } from './testkit.ts';
import type { AppAnswer, FakeApp, ReceivedRequest } from './testkit.ts';

let emu: SlackEmulator | undefined;
let app: FakeApp | undefined;

afterEach(async () => {
  await emu?.close();
  await app?.close();
  emu = undefined;
  app = undefined;
});

async function setup(answer: (req: ReceivedRequest, index: number) => AppAnswer, opts: SlackEmulatorOptions = {}): Promise<{ e: SlackEmulator; a: FakeApp }> {
  const e = await startSlackEmulator({ ackTimeoutMs: 2000, httpRetryDelaysMs: [0, 30, 30], ...opts });
  e.addUser({ id: 'U0ALICE', name: 'alice' });
  e.addChannel({ id: 'C0DEV', name: 'dev', members: ['U0ALICE'] });
  const a = await startFakeApp(answer);
  e.useHttp({ requestUrl: a.url });
  emu = e;
  app = a;
  return { e, a };
}

function header(req: ReceivedRequest | undefined, name: string): string | undefined {
  const value = req?.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const EventBody = z.looseObject({
  type: z.literal('event_callback'),
  event_id: z.string(),
  event: z.looseObject({ type: z.string() }),
});

describe('HTTP mode delivery', () => {
  it('signs requests the way bolt verifies them', async () => {
    const { e, a } = await setup(() => ({ status: 200 }));
    const said = await e.person('U0ALICE').say('C0DEV', 'hello http');
    expect(said.deliveries[0]).toMatchObject({ mode: 'http', kind: 'events_api', status: 'acked', httpStatus: 200, retryNum: 0 });
    const req = a.received[0];
    expect(header(req, 'content-type')).toBe('application/json');
    expect(header(req, 'x-slack-retry-num')).toBeUndefined();
    const verify = (secret: string): void =>
      verifySlackRequest({
        signingSecret: secret,
        body: req?.body ?? '',
        headers: {
          'x-slack-signature': header(req, 'x-slack-signature') ?? '',
          'x-slack-request-timestamp': Number(header(req, 'x-slack-request-timestamp')),
        },
      });
    expect(() => verify('emulator-signing-secret')).not.toThrow();
    expect(() => verify('another-secret')).toThrow(/signature mismatch/);
    const body = EventBody.parse(JSON.parse(req?.body ?? ''));
    expect(body.event).toMatchObject({ type: 'message', text: 'hello http', channel: 'C0DEV', user: 'U0ALICE', channel_type: 'channel' });
    expect(body.event_id).toBe(said.eventIds[0]);
  });

  it('retries events on 5xx with X-Slack-Retry-Num / http_error', async () => {
    const { e, a } = await setup((_req, i) => ({ status: i === 0 ? 500 : 200 }));
    const said = await e.person('U0ALICE').say('C0DEV', 'retry me');
    expect(said.deliveries[0]).toMatchObject({ status: 'rejected', httpStatus: 500 });
    await e.waitFor(() => e.deliveries.find((d) => d.retryNum === 1 && d.status === 'acked'));
    expect(header(a.received[1], 'x-slack-retry-num')).toBe('1');
    expect(header(a.received[1], 'x-slack-retry-reason')).toBe('http_error');
    expect(a.received[1]?.body).toBe(a.received[0]?.body);
  });

  it('retries events that are not acked in time with http_timeout, three times at most', async () => {
    const { e, a } = await setup(() => ({ status: 200, delayMs: 3000 }), { ackTimeoutMs: 300 });
    const said = await e.person('U0ALICE').say('C0DEV', 'slow app');
    expect(said.deliveries[0]?.status).toBe('timeout');
    await e.waitFor(() => e.deliveries.length === 4, { timeoutMs: 8000 });
    expect(e.deliveries.map((d) => [d.retryNum, d.retryReason, d.status])).toEqual([
      [0, undefined, 'timeout'],
      [1, 'http_timeout', 'timeout'],
      [2, 'http_timeout', 'timeout'],
      [3, 'http_timeout', 'timeout'],
    ]);
    expect(a.received.map((r) => header(r, 'x-slack-retry-num'))).toEqual([undefined, '1', '2', '3']);
  });

  it('stops retrying on X-Slack-No-Retry: 1', async () => {
    const { e } = await setup(() => ({ status: 503, headers: { 'x-slack-no-retry': '1' } }));
    await e.person('U0ALICE').say('C0DEV', 'no retries please');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(e.deliveries).toHaveLength(1);
  });

  it('redeliverEvent resends with retry headers', async () => {
    const { e, a } = await setup(() => ({ status: 200 }));
    const said = await e.person('U0ALICE').say('C0DEV', 'dupe');
    await e.redeliverEvent(said.eventIds[0] ?? '', 2);
    expect(a.received.map((r) => [header(r, 'x-slack-retry-num'), header(r, 'x-slack-retry-reason')])).toEqual([
      [undefined, undefined],
      ['1', 'http_timeout'],
      ['2', 'http_timeout'],
    ]);
    expect(new Set(a.received.map((r) => r.body)).size).toBe(1);
  });

  it('sends slash commands as forms and uses the response body as the ack', async () => {
    const { e, a } = await setup(() => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'in_channel', text: 'starting' }),
    }));
    const result = await e.person('U0ALICE').slash('C0DEV', '/director', 'run tests');
    expect(result.ack).toEqual({ response_type: 'in_channel', text: 'starting' });
    expect(result.message).toMatchObject({ text: 'starting', user: 'U0BOT' });
    const form = new URLSearchParams(a.received[0]?.body ?? '');
    expect(header(a.received[0], 'content-type')).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(form)).toMatchObject({
      team_id: 'T0DIRECTOR',
      team_domain: 'director-test',
      channel_id: 'C0DEV',
      channel_name: 'dev',
      user_id: 'U0ALICE',
      user_name: 'alice',
      command: '/director',
      text: 'run tests',
      api_app_id: 'A0DIRECTOR',
      is_enterprise_install: 'false',
    });
    expect(form.get('response_url')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/response\//);
    expect(form.get('trigger_id')).toMatch(/^\d+\.\d+\.[0-9a-f]{32}$/);
  });

  it('never retries slash commands; a 500 shows dispatch_failed', async () => {
    const { e, a } = await setup(() => ({ status: 500 }));
    const result = await e.person('U0ALICE').slash('C0DEV', '/director', 'x');
    expect(result.error).toBe('dispatch_failed');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(a.received).toHaveLength(1);
  });

  it('answers the url_verification handshake', async () => {
    const { e } = await setup((req) => {
      const parsed = z.object({ challenge: z.string() }).parse(JSON.parse(req.body));
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ challenge: parsed.challenge }) };
    });
    expect(await e.verifyUrl('abc123')).toBe(true);
  });
});
