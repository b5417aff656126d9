import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackOutbox, type OutboxLimits } from '../../bot/slack/outbox.ts';
import { webApiPort } from '../../bot/slack/web-api-port.ts';
import { botMigrations } from '../../bot/store/migrations.ts';
import { SlackMessageStore } from '../../bot/store/slack-messages.ts';
import { systemClock } from '../../shared/clock.ts';
import { openDatabase, type Db } from '../../shared/db/open.ts';
import { createLogger } from '../../shared/log.ts';
import { createRedactor } from '../../shared/redact.ts';
import { startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';

const fast: Partial<OutboxLimits> = { postsPerSecond: 100, postBurst: 100, editsPerSecond: 100, editBurst: 100 };

describe('Slack outbox against the emulator', () => {
  let emu: SlackEmulator;
  let db: Db;
  let channel: string;

  function outbox(limits: Partial<OutboxLimits> = fast): SlackOutbox {
    const client = new WebClient(emu.botToken, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    const log = createLogger({ level: 'silent', redact: createRedactor() });
    return new SlackOutbox({ api: webApiPort(client), store: new SlackMessageStore(db), clock: systemClock, log, limits, maxBackoffMs: 200 });
  }

  beforeEach(async () => {
    emu = await startSlackEmulator();
    channel = emu.addChannel({ name: 'proj' }).id;
    db = openDatabase({ file: ':memory:', migrations: botMigrations });
  });

  afterEach(async () => {
    db.close();
    await emu.close();
  });

  it('delivers 50 messages in order through 429s without surfacing one', async () => {
    // Well under the outbox's own pace, so 429s come however slow the machine is.
    emu.setPostMessageLimit({ perSecond: 20, burst: 10 });
    const box = outbox();
    const texts = Array.from({ length: 50 }, (_, i) => `message ${i}`);
    await Promise.all(texts.map((text, i) => box.show(`m${i}`, { channel }, { text })));
    expect(emu.messages(channel).map((m) => m.text)).toEqual(texts);
    expect(emu.apiCalls.filter((c) => c.method === 'chat.postMessage' && c.status === 429).length).toBeGreaterThan(0);
  });

  it('keeps a thread in order', async () => {
    emu.setPostMessageLimit({ perSecond: 50, burst: 3 });
    const box = outbox();
    const root = box.show('root', { channel }, { text: 'task card' });
    const replies = Array.from({ length: 8 }, (_, i) => box.show(`r${i}`, { channel, thread: { key: 'root' } }, { text: `step ${i}` }));
    const rootTs = await root;
    await Promise.all(replies);
    expect(emu.thread(channel, rootTs).map((m) => m.text)).toEqual(['task card', ...Array.from({ length: 8 }, (_, i) => `step ${i}`)]);
  });

  it('edits a message it already posted instead of posting it again', async () => {
    const box = outbox();
    const ts = await box.show('card', { channel }, { text: 'queued' });
    expect(await box.show('card', { channel }, { text: 'running' })).toBe(ts);
    await box.show('card', { channel }, { text: 'running' });
    const shown = emu.messages(channel);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ ts, text: 'running', edits: 1 });
  });

  it('shows a message once when the answer to chat.postMessage is lost', async () => {
    const box = outbox();
    emu.failNext('chat.postMessage', 'drop-response');
    const ts = await box.show('card', { channel }, { text: 'hello once' });
    expect(emu.messages(channel).map((m) => m.text)).toEqual(['hello once']);
    expect(emu.messages(channel)[0]?.ts).toBe(ts);

    emu.failNext('chat.postMessage', 'drop-response');
    const replyTs = await box.show('reply', { channel, thread: { key: 'card' } }, { text: 'reply once' });
    expect(emu.thread(channel, ts).map((m) => m.text)).toEqual(['hello once', 'reply once']);
    expect(emu.thread(channel, ts)[1]?.ts).toBe(replyTs);
  });

  it('posts again when the lost request never reached Slack', async () => {
    const box = outbox();
    emu.failNext('chat.postMessage', 'http-500');
    await box.show('card', { channel }, { text: 'after a 500' });
    expect(emu.messages(channel).map((m) => m.text)).toEqual(['after a 500']);
  });

  it('does not stall other channels while one waits out a 429', async () => {
    emu.setPostMessageLimit({ perSecond: 1, burst: 1 });
    const other = emu.addChannel({ name: 'other' }).id;
    const box = outbox();
    const busy = Array.from({ length: 4 }, (_, i) => box.show(`busy${i}`, { channel }, { text: `busy ${i}` }));
    await emu.waitFor(() => emu.apiCalls.some((c) => c.method === 'chat.postMessage' && c.status === 429));
    await box.show('quiet', { channel: other }, { text: 'not held up' });
    expect(emu.messages(channel).length).toBeLessThan(4);
    await Promise.all(busy);
    expect(emu.messages(channel)).toHaveLength(4);
  });

  it('rejects a message Slack refuses for good, and keeps delivering the rest', async () => {
    const box = outbox();
    await expect(box.show('lost', { channel: 'C0NOWHERE' }, { text: 'x' })).rejects.toThrow(/channel_not_found/);
    await expect(box.show('fine', { channel }, { text: 'still here' })).resolves.toMatch(/\d+\.\d+/);
  });

  it('finishes after a restart what the previous run left unsent', async () => {
    const first = outbox();
    emu.failNext('chat.postMessage', 'drop-response');
    const pending = first.show('card', { channel }, { text: 'survives restarts' }).catch(() => undefined);
    await emu.waitFor(() => emu.messages(channel).length === 1);
    first.stop();
    await pending;
    const second = outbox();
    second.resume();
    await second.idle();
    expect(await second.show('card', { channel }, { text: 'survives restarts' })).toBe(emu.messages(channel)[0]?.ts);
    expect(emu.messages(channel)).toHaveLength(1);
  });
});
