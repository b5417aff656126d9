import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';
import { signingSecret, startBotAgainst, type BotUnderTest } from '../../emulators/support/bot-harness.ts';

function slashBody(text: string): string {
  return new URLSearchParams({
    token: 'legacy',
    team_id: 'T0DIRECTOR',
    channel_id: 'C0PROJ',
    user_id: 'U0MALLORY',
    command: '/director',
    text,
    response_url: 'http://127.0.0.1:9/response/x',
    trigger_id: '1.2.3',
  }).toString();
}

function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

describe('HTTP mode request verification', () => {
  let emu: SlackEmulator;
  let harness: BotUnderTest;
  let callsAtStart: number;

  beforeEach(async () => {
    emu = await startSlackEmulator();
    harness = await startBotAgainst(emu, { mode: 'http' });
    callsAtStart = emu.apiCalls.length;
  });

  afterEach(async () => {
    await harness.stop();
    await emu.close();
  });

  async function post(body: string, headers: Record<string, string>): Promise<number> {
    const res = await fetch(harness.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });
    await res.text();
    return res.status;
  }

  it('rejects a forged signature with 401 and calls no Web API', async () => {
    const body = slashBody('help');
    const now = Math.floor(Date.now() / 1000);
    const status = await post(body, { 'x-slack-request-timestamp': String(now), 'x-slack-signature': sign('not-the-secret', now, body) });
    expect(status).toBe(401);
    expect(await post(body, { 'x-slack-request-timestamp': String(now) })).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(emu.apiCalls.slice(callsAtStart)).toEqual([]);
  });

  it('rejects a correctly signed request older than five minutes with 401', async () => {
    const body = slashBody('help');
    const stale = Math.floor(Date.now() / 1000) - 301;
    const status = await post(body, { 'x-slack-request-timestamp': String(stale), 'x-slack-signature': sign(signingSecret, stale, body) });
    expect(status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(emu.apiCalls.slice(callsAtStart)).toEqual([]);
  });

  it('rejects a correctly signed request stamped ten minutes in the future with 401, and runs no handler', async () => {
    const body = slashBody('help');
    const future = Math.floor(Date.now() / 1000) + 600;
    const res = await fetch(harness.eventsUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(future),
        'x-slack-signature': sign(signingSecret, future, body),
      },
      body,
    });
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain('/director help');
    // Just inside the window either way is still Slack's.
    const soon = Math.floor(Date.now() / 1000) + 240;
    expect(await post(body, { 'x-slack-request-timestamp': String(soon), 'x-slack-signature': sign(signingSecret, soon, body) })).toBe(200);
    expect(harness.logs.filter((line) => line.includes('"slash command"'))).toHaveLength(1);
    expect(emu.apiCalls.slice(callsAtStart)).toEqual([]);
  });

  it('accepts the same request when it is fresh and signed with the secret', async () => {
    const body = slashBody('help');
    const now = Math.floor(Date.now() / 1000);
    const res = await fetch(harness.eventsUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(now),
        'x-slack-signature': sign(signingSecret, now, body),
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('/director help');
  });
});
