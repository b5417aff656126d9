import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackEmulator } from '../../../emulators/slack/index.ts';
import type { SlackEmulator } from '../../../emulators/slack/index.ts';
import { botClient, platformError, silentLogger } from './testkit.ts';

let emu: SlackEmulator;
let bot: WebClient;

beforeEach(async () => {
  emu = await startSlackEmulator();
  emu.addUser({ id: 'U0ALICE', name: 'alice' });
  emu.addChannel({ id: 'C0DEV', name: 'dev', members: ['U0ALICE'] });
  bot = botClient(emu);
});

afterEach(async () => {
  await emu.close();
});

/** The Slack error code of a rejected WebClient call. */
async function slackError(call: Promise<unknown>): Promise<string> {
  return (await platformError(call)).error;
}

describe('identity and auth', () => {
  it('answers auth.test like Slack', async () => {
    const res = await bot.auth.test();
    expect(res).toMatchObject({
      ok: true,
      url: 'https://director-test.slack.com/',
      team_id: 'T0DIRECTOR',
      user_id: 'U0BOT',
      bot_id: 'B0BOT',
      is_enterprise_install: false,
    });
    expect(emu.apiUrl).toBe(`${emu.url}/api/`);
    expect(emu.apiCalls[0]).toMatchObject({ method: 'auth.test', tokenKind: 'bot', ok: true });
  });

  it('rejects missing, unknown and wrong-kind tokens', async () => {
    const anon = new WebClient(undefined, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 }, logger: silentLogger() });
    expect(await slackError(anon.auth.test())).toBe('not_authed');
    expect(await slackError(botClient(emu, 'xoxb-nope').auth.test())).toBe('invalid_auth');
    expect(await slackError(botClient(emu, emu.config.appToken).chat.postMessage({ channel: 'C0DEV', text: 'x' }))).toBe('not_allowed_token_type');
    expect(await slackError(bot.apps.connections.open())).toBe('not_allowed_token_type');
    expect(emu.apiCalls.map((c) => c.tokenKind)).toEqual(['none', 'invalid', 'app', 'bot']);
    expect(emu.messages('C0DEV')).toHaveLength(0);
  });

  it('answers unknown methods with HTTP 404 unknown_method', async () => {
    const res = await fetch(`${emu.apiUrl}chat.frobnicate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emu.config.botToken}` },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ ok: false, error: 'unknown_method' });
  });

  it('accepts JSON bodies and a token field', async () => {
    const res = await fetch(`${emu.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${emu.config.botToken}` },
      body: JSON.stringify({ channel: 'C0DEV', text: 'json', blocks: [{ type: 'divider' }] }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: 'C0DEV' });
    const form = await fetch(`${emu.apiUrl}auth.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${emu.config.botToken}`,
    });
    expect(await form.json()).toMatchObject({ ok: true, user_id: 'U0BOT' });
    expect(emu.messages('C0DEV')[0]?.blocks).toMatchObject([{ type: 'divider' }]);
  });
});

describe('chat', () => {
  it('posts, threads, updates and reads back with metadata', async () => {
    const metadata = { event_type: 'run_started', event_payload: { run: 'r1' } };
    const root = await bot.chat.postMessage({ channel: 'C0DEV', text: 'hello', metadata });
    expect(root).toMatchObject({ ok: true, channel: 'C0DEV', message: { text: 'hello', user: 'U0BOT', bot_id: 'B0BOT', metadata } });
    const rootTs = root.ts ?? '';
    expect(rootTs).toMatch(/^\d{10}\.\d{6}$/);
    const reply = await bot.chat.postMessage({ channel: 'C0DEV', text: 'in thread', thread_ts: rootTs });
    expect(reply.message?.thread_ts).toBe(rootTs);
    expect(Number(reply.ts)).toBeGreaterThan(Number(rootTs));

    const updated = await bot.chat.update({ channel: 'C0DEV', ts: rootTs, text: 'hello, edited' });
    expect(updated).toMatchObject({ ok: true, ts: rootTs, text: 'hello, edited' });

    const [shown] = emu.messages('C0DEV');
    expect(shown).toMatchObject({ text: 'hello, edited', edits: 1, replies: 1, edited: { user: 'U0BOT' } });
    expect(emu.thread('C0DEV', rootTs).map((m) => m.text)).toEqual(['hello, edited', 'in thread']);

    const plain = await bot.conversations.history({ channel: 'C0DEV' });
    expect(plain.messages).toHaveLength(1);
    expect(plain.messages?.[0]).not.toHaveProperty('metadata');
    expect(plain.messages?.[0]).toMatchObject({ reply_count: 1, thread_ts: rootTs });
    const withMeta = await bot.conversations.history({ channel: 'C0DEV', include_all_metadata: true });
    expect(withMeta.messages?.[0]?.metadata).toEqual(metadata);

    const thread = await bot.conversations.replies({ channel: 'C0DEV', ts: rootTs });
    expect(thread.messages?.map((m) => m.text)).toEqual(['hello, edited', 'in thread']);
    expect(await slackError(bot.conversations.replies({ channel: 'C0DEV', ts: '1.000001' }))).toBe('thread_not_found');
  });

  it('refuses what Slack refuses', async () => {
    emu.addChannel({ id: 'C0OUT', name: 'out', botIsMember: false });
    expect(await slackError(bot.chat.postMessage({ channel: 'C0NOPE', text: 'x' }))).toBe('channel_not_found');
    expect(await slackError(bot.chat.postMessage({ channel: 'C0OUT', text: 'x' }))).toBe('not_in_channel');
    expect(await slackError(bot.chat.postMessage({ channel: 'C0DEV', text: '' }))).toBe('no_text');
    expect(await slackError(bot.chat.postMessage({ channel: 'C0DEV', text: 'x', thread_ts: '123.456' }))).toBe('invalid_thread_ts');
    const { ts } = await alicePost();
    expect(await slackError(bot.chat.update({ channel: 'C0DEV', ts, text: 'mine now' }))).toBe('cant_update_message');
    expect(await slackError(bot.chat.update({ channel: 'C0DEV', ts: '1.000001', text: 'x' }))).toBe('message_not_found');
    expect(emu.messages('C0DEV')).toHaveLength(1);
  });

  it('truncates text at 40,000 characters', async () => {
    await bot.chat.postMessage({ channel: 'C0DEV', text: 'a'.repeat(40_005) });
    expect(emu.messages('C0DEV')[0]?.text).toHaveLength(40_000);
  });

  it('posts ephemerals only to channel members', async () => {
    const res = await bot.chat.postEphemeral({ channel: 'C0DEV', user: 'U0ALICE', text: 'psst' });
    expect(res.message_ts).toMatch(/^\d+\.\d{6}$/);
    expect(emu.ephemerals('C0DEV', 'U0ALICE')).toMatchObject([{ text: 'psst', from: 'U0BOT', source: 'chat.postEphemeral' }]);
    emu.addUser({ id: 'U0BOB', name: 'bob' });
    expect(await slackError(bot.chat.postEphemeral({ channel: 'C0DEV', user: 'U0BOB', text: 'psst' }))).toBe('user_not_in_channel');
  });

  it('builds permalinks', async () => {
    const root = await bot.chat.postMessage({ channel: 'C0DEV', text: 'root' });
    const reply = await bot.chat.postMessage({ channel: 'C0DEV', text: 'r', thread_ts: root.ts ?? '' });
    const link = await bot.chat.getPermalink({ channel: 'C0DEV', message_ts: root.ts ?? '' });
    expect(link.permalink).toBe(`https://director-test.slack.com/archives/C0DEV/p${(root.ts ?? '').replace('.', '')}`);
    const replyLink = await bot.chat.getPermalink({ channel: 'C0DEV', message_ts: reply.ts ?? '' });
    expect(replyLink.permalink).toContain(`?thread_ts=${root.ts ?? ''}&cid=C0DEV`);
  });
});

async function alicePost(): Promise<{ ts: string }> {
  // Alice's message, without any app listening (no socket connected → delivery queued, so don't await it).
  const ts = emu.messages('C0DEV').length;
  void emu.person('U0ALICE').say('C0DEV', 'from alice');
  await emu.waitFor(() => emu.messages('C0DEV').length > ts);
  return { ts: emu.messages('C0DEV').at(-1)?.ts ?? '' };
}

describe('reactions, users, conversations', () => {
  it('adds and removes reactions with Slack errors', async () => {
    const { ts = '' } = await bot.chat.postMessage({ channel: 'C0DEV', text: 'react to me' });
    await bot.reactions.add({ channel: 'C0DEV', timestamp: ts, name: 'eyes' });
    expect(emu.reactions('C0DEV', ts)).toEqual([{ name: 'eyes', users: ['U0BOT'], count: 1 }]);
    expect(await slackError(bot.reactions.add({ channel: 'C0DEV', timestamp: ts, name: 'eyes' }))).toBe('already_reacted');
    expect(await slackError(bot.reactions.add({ channel: 'C0DEV', timestamp: ts, name: ':eyes:' }))).toBe('invalid_name');
    expect(await slackError(bot.reactions.add({ channel: 'C0DEV', timestamp: '1.000001', name: 'eyes' }))).toBe('message_not_found');
    const history = await bot.conversations.history({ channel: 'C0DEV' });
    expect(history.messages?.[0]?.reactions).toEqual([{ name: 'eyes', users: ['U0BOT'], count: 1 }]);
    await bot.reactions.remove({ channel: 'C0DEV', timestamp: ts, name: 'eyes' });
    expect(emu.reactions('C0DEV', ts)).toEqual([]);
    expect(await slackError(bot.reactions.remove({ channel: 'C0DEV', timestamp: ts, name: 'eyes' }))).toBe('no_reaction');
  });

  it('describes users and channels', async () => {
    const alice = await bot.users.info({ user: 'U0ALICE' });
    expect(alice.user).toMatchObject({ id: 'U0ALICE', name: 'alice', is_bot: false, deleted: false, profile: { display_name: 'alice' } });
    expect(await slackError(bot.users.info({ user: 'U0NOBODY' }))).toBe('user_not_found');
    const info = await bot.conversations.info({ channel: 'C0DEV' });
    expect(info.channel).toMatchObject({ id: 'C0DEV', name: 'dev', is_channel: true, is_private: false, is_member: true, is_archived: false });
    emu.addChannel({ id: 'C0SECRET', name: 'secret', isPrivate: true, botIsMember: false });
    expect(await slackError(bot.conversations.info({ channel: 'C0SECRET' }))).toBe('channel_not_found');
  });

  it('pages history newest first with cursors', async () => {
    emu.setPostMessageLimit({ perSecond: 100, burst: 100 });
    for (let i = 0; i < 5; i += 1) await bot.chat.postMessage({ channel: 'C0DEV', text: `m${i}` });
    const first = await bot.conversations.history({ channel: 'C0DEV', limit: 2 });
    expect(first.messages?.map((m) => m.text)).toEqual(['m4', 'm3']);
    expect(first.has_more).toBe(true);
    const second = await bot.conversations.history({ channel: 'C0DEV', limit: 2, cursor: first.response_metadata?.next_cursor ?? '' });
    expect(second.messages?.map((m) => m.text)).toEqual(['m2', 'm1']);
    const oldest = emu.messages('C0DEV')[2]?.ts ?? '';
    const newer = await bot.conversations.history({ channel: 'C0DEV', oldest });
    expect(newer.messages?.map((m) => m.text)).toEqual(['m4', 'm3']);
  });
});

describe('direct messages', () => {
  it('opens the same DM with a person each time, posts into it, and refuses what Slack refuses', async () => {
    const first = await bot.conversations.open({ users: 'U0ALICE' });
    const again = await bot.conversations.open({ users: 'U0ALICE' });
    expect(first.channel?.id).toMatch(/^D/);
    expect(again.channel?.id).toBe(first.channel?.id);
    await bot.chat.postMessage({ channel: first.channel?.id ?? '', text: 'approve?' });
    expect(emu.directMessages('U0ALICE').map((m) => m.text)).toEqual(['approve?']);
    expect(await slackError(bot.conversations.open({ users: 'U0NOBODY' }))).toBe('user_not_found');
    expect(await slackError(bot.apiCall('conversations.open', {}))).toBe('users_list_not_supplied');
  });
});
