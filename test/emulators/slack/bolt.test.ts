// End to end with the real, unmodified bolt App in both modes.
import { App } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { startSlackEmulator } from '../../../emulators/slack/index.ts';
import type { SlackEmulator } from '../../../emulators/slack/index.ts';
import { silentLogger } from './testkit.ts';

let emu: SlackEmulator | undefined;
let app: App | undefined;

afterEach(async () => {
  await app?.stop();
  app = undefined;
  await emu?.close();
  emu = undefined;
});

async function setup(): Promise<SlackEmulator> {
  const e = await startSlackEmulator();
  e.addUser({ id: 'U0ALICE', name: 'alice' });
  e.addChannel({ id: 'C0DEV', name: 'dev', members: ['U0ALICE'] });
  emu = e;
  return e;
}

/** The listeners a director-like bot would have. */
function wire(a: App): void {
  a.command('/director', async ({ ack, respond, command }) => {
    await ack({ response_type: 'ephemeral', text: `got: ${command.text}` });
    await respond({ response_type: 'in_channel', text: 'working on it' });
  });
  a.event('app_mention', async ({ event, say }) => {
    await say({ text: 'on it', thread_ts: event.ts });
  });
  a.action('stop_run', async ({ ack, respond }) => {
    await ack();
    await respond({ replace_original: true, text: 'stopped' });
  });
}

async function exercise(e: SlackEmulator, a: App): Promise<void> {
  const alice = e.person('U0ALICE');
  const slash = await alice.slash('C0DEV', '/director', 'fix ci');
  expect(slash.ack).toMatchObject({ response_type: 'ephemeral', text: 'got: fix ci' });
  expect(slash.ephemeral).toEqual({ text: 'got: fix ci' });
  await e.waitFor(() => e.messages('C0DEV').find((m) => m.text === 'working on it'));

  const mention = await alice.mention('C0DEV', 'please');
  expect(mention.deliveries.every((d) => d.status === 'acked')).toBe(true);
  await e.waitFor(() => e.thread('C0DEV', mention.ts).find((m) => m.text === 'on it' && m.user === 'U0BOT'));

  const posted = await a.client.chat.postMessage({
    channel: 'C0DEV',
    text: 'running',
    blocks: [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Stop' }, action_id: 'stop_run' }] }],
  });
  const click = await alice.click('C0DEV', posted.ts ?? '', 'stop_run');
  expect(click.delivery.status).toBe('acked');
  await e.waitFor(() => e.messages('C0DEV').find((m) => m.ts === posted.ts && m.text === 'stopped'));
}

describe('bolt App against the emulator', () => {
  it('works in Socket Mode', async () => {
    const e = await setup();
    const a = new App({
      token: e.config.botToken,
      appToken: e.config.appToken,
      socketMode: true,
      clientOptions: { slackApiUrl: e.apiUrl, retryConfig: { retries: 0 } },
      logger: silentLogger(),
    });
    app = a;
    wire(a);
    await a.start();
    expect(e.socketConnections).toBe(1);
    await exercise(e, a);
    expect(e.deliveries.every((d) => d.mode === 'socket' && d.status === 'acked')).toBe(true);
  });

  it('works in HTTP mode with signature verification', async () => {
    const e = await setup();
    const a = new App({
      token: e.config.botToken,
      signingSecret: e.config.signingSecret,
      clientOptions: { slackApiUrl: e.apiUrl, retryConfig: { retries: 0 } },
      logger: silentLogger(),
    });
    app = a;
    wire(a);
    const server = await a.start(0);
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    e.useHttp({ requestUrl: `http://127.0.0.1:${port}/slack/events` });
    expect(await e.verifyUrl()).toBe(true);
    await exercise(e, a);
    expect(e.deliveries.every((d) => d.mode === 'http' && d.status === 'acked' && d.httpStatus === 200)).toBe(true);

    // A wrong secret is refused by bolt (401) and so is not an ack.
    e.useHttp({ requestUrl: `http://127.0.0.1:${port}/slack/events`, signingSecret: 'wrong' });
    const refused = await e.person('U0ALICE').slash('C0DEV', '/director', 'x');
    expect(refused).toMatchObject({ error: 'dispatch_failed', delivery: { status: 'rejected', httpStatus: 401 } });
  });
});
