import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startSlackEmulator } from '../../../emulators/slack/index.ts';
import type { SlackEmulator } from '../../../emulators/slack/index.ts';
import { botClient, startFakeApp } from './testkit.ts';
import type { FakeApp, ReceivedRequest } from './testkit.ts';

let emu: SlackEmulator;
let app: FakeApp;

beforeEach(async () => {
  emu = await startSlackEmulator();
  emu.addUser({ id: 'U0ALICE', name: 'alice' });
  emu.addChannel({ id: 'C0DEV', name: 'dev', members: ['U0ALICE'] });
  app = await startFakeApp(() => ({ status: 200 }));
  emu.useHttp({ requestUrl: app.url });
});

afterEach(async () => {
  await emu.close();
  await app.close();
});

const Payload = z.looseObject({ type: z.string(), response_url: z.string(), trigger_id: z.string() });

function interaction(req: ReceivedRequest | undefined): z.infer<typeof Payload> & Record<string, unknown> {
  return Payload.parse(JSON.parse(new URLSearchParams(req?.body ?? '').get('payload') ?? ''));
}

function eventOf(req: ReceivedRequest | undefined): Record<string, unknown> {
  return z.object({ event: z.record(z.string(), z.unknown()) }).parse(JSON.parse(req?.body ?? '')).event;
}

async function respond(url: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

const stopButton = {
  type: 'actions',
  block_id: 'controls',
  elements: [{ type: 'button', text: { type: 'plain_text', text: 'Stop' }, action_id: 'stop_run', value: 'run-1' }],
};

describe('a person in Slack', () => {
  it('replies in threads and mentions the bot', async () => {
    const bot = botClient(emu);
    const root = await bot.chat.postMessage({ channel: 'C0DEV', text: 'run started' });
    const reply = await emu.person('U0ALICE').reply('C0DEV', root.ts ?? '', 'thanks <@U0BOT>');
    expect(reply.eventIds).toHaveLength(2);
    // Both events go out at once, so their arrival order is not fixed.
    const events = app.received.map(eventOf);
    const message = events.find((ev) => ev.type === 'message');
    const mention = events.find((ev) => ev.type === 'app_mention');
    expect(message).toMatchObject({ type: 'message', thread_ts: root.ts, parent_user_id: 'U0BOT', ts: reply.ts });
    expect(message?.ts).not.toBe(message?.thread_ts);
    expect(mention).toMatchObject({ type: 'app_mention', text: 'thanks <@U0BOT>', thread_ts: root.ts });
    expect(mention?.blocks).toMatchObject([
      {
        type: 'rich_text',
        elements: [
          {
            type: 'rich_text_section',
            elements: [
              { type: 'text', text: 'thanks ' },
              { type: 'user', user_id: 'U0BOT' },
            ],
          },
        ],
      },
    ]);
    expect(emu.thread('C0DEV', root.ts ?? '').map((m) => m.user)).toEqual(['U0BOT', 'U0ALICE']);
    expect(emu.messages('C0DEV')).toMatchObject([{ text: 'run started', replies: 1 }]);
  });

  it('sends no events from channels the bot is not in', async () => {
    emu.addChannel({ id: 'C0RANDOM', name: 'random', members: ['U0ALICE'], botIsMember: false });
    const said = await emu.person('U0ALICE').mention('C0RANDOM', 'hello?');
    expect(said.eventIds).toEqual([]);
    expect(app.received).toHaveLength(0);
    expect(emu.messages('C0RANDOM')).toHaveLength(1);
  });

  it('clicks buttons and lets the app replace or delete the message via response_url', async () => {
    const bot = botClient(emu);
    const posted = await bot.chat.postMessage({ channel: 'C0DEV', text: 'running', blocks: [stopButton] });
    const ts = posted.ts ?? '';
    const click = await emu.person('U0ALICE').click('C0DEV', ts, 'stop_run');
    expect(click.delivery).toMatchObject({ kind: 'interactive', status: 'acked' });
    const payload = interaction(app.received[0]);
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0ALICE', username: 'alice', team_id: 'T0DIRECTOR' },
      team: { id: 'T0DIRECTOR', domain: 'director-test' },
      api_app_id: 'A0DIRECTOR',
      container: { type: 'message', message_ts: ts, channel_id: 'C0DEV', is_ephemeral: false },
      channel: { id: 'C0DEV', name: 'dev' },
      message: { ts, text: 'running', user: 'U0BOT' },
      actions: [{ type: 'button', action_id: 'stop_run', block_id: 'controls', value: 'run-1', text: { type: 'plain_text', text: 'Stop' } }],
    });
    const replaced = await respond(payload.response_url, { replace_original: true, text: 'stopped' });
    expect(await replaced.json()).toEqual({ ok: true });
    expect(emu.messages('C0DEV')).toMatchObject([{ ts, text: 'stopped', edits: 1 }]);
    expect(emu.messages('C0DEV')[0]?.blocks).toBeUndefined();
    await respond(payload.response_url, { text: 'only you see this' });
    expect(emu.ephemerals('C0DEV', 'U0ALICE')).toMatchObject([{ text: 'only you see this', source: 'response_url' }]);
    await respond(payload.response_url, { delete_original: true });
    expect(emu.messages('C0DEV')).toEqual([]);
    await expect(emu.person('U0ALICE').click('C0DEV', ts, 'stop_run')).rejects.toThrow(/no message/);
  });

  it('clicks buttons in ephemerals and refuses unknown action ids', async () => {
    const bot = botClient(emu);
    const eph = await bot.chat.postEphemeral({ channel: 'C0DEV', user: 'U0ALICE', text: 'confirm?', blocks: [stopButton] });
    await emu.person('U0ALICE').click('C0DEV', eph.message_ts ?? '', 'stop_run');
    const payload = interaction(app.received[0]);
    expect(payload).toMatchObject({ container: { is_ephemeral: true, message_ts: eph.message_ts } });
    expect(payload).not.toHaveProperty('message');
    await respond(payload.response_url, { replace_original: true, text: 'confirmed' });
    expect(emu.ephemerals('C0DEV', 'U0ALICE')).toMatchObject([{ text: 'confirmed' }]);
    await expect(emu.person('U0ALICE').click('C0DEV', eph.message_ts ?? '', 'nope')).rejects.toThrow(/no button/);
  });

  it('accepts five responses per response_url', async () => {
    await emu.person('U0ALICE').slash('C0DEV', '/director', 'status');
    const url = new URLSearchParams(app.received[0]?.body ?? '').get('response_url') ?? '';
    const visible = await respond(url, { response_type: 'in_channel', text: 'for everyone' });
    expect(visible.status).toBe(200);
    expect(emu.messages('C0DEV')).toMatchObject([{ text: 'for everyone', user: 'U0BOT', bot_id: 'B0BOT' }]);
    for (let i = 0; i < 4; i += 1) expect((await respond(url, { text: `e${i}` })).status).toBe(200);
    const sixth = await respond(url, { text: 'too many' });
    expect(sixth.status).toBe(404);
    expect(await sixth.json()).toEqual({ ok: false, error: 'expired_url' });
  });
});
