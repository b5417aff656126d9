import { ErrorCode } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startSlackEmulator } from '../../../emulators/slack/index.ts';
import type { SlackEmulator } from '../../../emulators/slack/index.ts';
import { botClient, platformError } from './testkit.ts';

const ClientError = z.looseObject({ code: z.string(), retryAfter: z.number().optional(), statusCode: z.number().optional() });

/** The WebClient's error (code, retryAfter, statusCode) for a call that must fail. */
async function clientError(call: Promise<unknown>): Promise<z.infer<typeof ClientError>> {
  try {
    await call;
  } catch (error) {
    return ClientError.parse(error);
  }
  throw new Error('expected the call to fail');
}

let emu: SlackEmulator;
let clock: number;

beforeEach(async () => {
  clock = 1_700_000_000_000;
  emu = await startSlackEmulator({ now: () => clock });
  emu.addChannel({ id: 'C0DEV', name: 'dev' });
  emu.addChannel({ id: 'C0OPS', name: 'ops' });
});

afterEach(async () => {
  await emu.close();
});

describe('chat.postMessage rate limit', () => {
  it('answers 429 with Retry-After once the per-channel burst is spent, posting nothing', async () => {
    const bot = botClient(emu);
    for (let i = 0; i < 4; i += 1) await bot.chat.postMessage({ channel: 'C0DEV', text: `burst ${i}` });
    const limited = await clientError(bot.chat.postMessage({ channel: 'C0DEV', text: 'one too many' }));
    expect(limited.code).toBe(ErrorCode.RateLimitedError);
    expect(limited.retryAfter).toBeGreaterThanOrEqual(1);
    expect(emu.messages('C0DEV')).toHaveLength(4);
    // Other channels have their own bucket.
    await bot.chat.postMessage({ channel: 'C0OPS', text: 'fine' });

    const raw = await fetch(`${emu.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emu.config.botToken}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'channel=C0DEV&text=again',
    });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(await raw.json()).toEqual({ ok: false, error: 'ratelimited' });

    clock += 1000;
    await bot.chat.postMessage({ channel: 'C0DEV', text: 'refilled' });
    expect(
      emu
        .messages('C0DEV')
        .map((m) => m.text)
        .at(-1),
    ).toBe('refilled');
  });

  it('can change the limit at runtime', async () => {
    const bot = botClient(emu);
    emu.setPostMessageLimit({ perSecond: 0.1, burst: 1 });
    await bot.chat.postMessage({ channel: 'C0DEV', text: 'one' });
    const limited = await clientError(bot.chat.postMessage({ channel: 'C0DEV', text: 'two' }));
    expect(limited.retryAfter).toBe(10);
    emu.setPostMessageLimit({ perSecond: 50, burst: 50 });
    for (let i = 0; i < 20; i += 1) await bot.chat.postMessage({ channel: 'C0DEV', text: `fast ${i}` });
    expect(emu.messages('C0DEV')).toHaveLength(21);
  });
});

describe('failNext', () => {
  it('drop-response: the message is posted but the client sees a request error', async () => {
    const bot = botClient(emu);
    emu.failNext('chat.postMessage', 'drop-response');
    const dropped = await clientError(bot.chat.postMessage({ channel: 'C0DEV', text: 'lost answer' }));
    expect(dropped.code).toBe(ErrorCode.RequestError);
    expect(emu.messages('C0DEV').map((m) => m.text)).toEqual(['lost answer']);
    expect(emu.apiCalls.at(-1)).toMatchObject({ method: 'chat.postMessage', injected: 'drop-response', status: 0 });
    // Applies once.
    const next = await bot.chat.postMessage({ channel: 'C0DEV', text: 'answered' });
    expect(next.ok).toBe(true);
  });

  it('http-500, ratelimited and a Slack error fail without effect', async () => {
    const bot = botClient(emu);
    emu.failNext('chat.postMessage', 'http-500');
    emu.failNext('chat.postMessage', 'ratelimited');
    emu.failNext('chat.postMessage', { error: 'fatal_error' });
    const http = await clientError(bot.chat.postMessage({ channel: 'C0DEV', text: 'a' }));
    expect(http).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 500 });
    const limited = await clientError(bot.chat.postMessage({ channel: 'C0DEV', text: 'b' }));
    expect(limited).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 1 });
    expect((await platformError(bot.chat.postMessage({ channel: 'C0DEV', text: 'c' }))).error).toBe('fatal_error');
    expect(emu.messages('C0DEV')).toEqual([]);
    expect(emu.apiCalls.map((c) => c.injected)).toEqual(['http-500', 'ratelimited', 'error:fatal_error']);
    await bot.chat.postMessage({ channel: 'C0DEV', text: 'd' });
    expect(emu.messages('C0DEV')).toHaveLength(1);
  });

  it('only hits the named method', async () => {
    const bot = botClient(emu);
    emu.failNext('chat.update', { error: 'edit_window_closed' });
    const posted = await bot.chat.postMessage({ channel: 'C0DEV', text: 'x' });
    expect((await platformError(bot.chat.update({ channel: 'C0DEV', ts: posted.ts ?? '', text: 'y' }))).error).toBe('edit_window_closed');
    expect(emu.messages('C0DEV')[0]?.edits).toBe(0);
  });
});
