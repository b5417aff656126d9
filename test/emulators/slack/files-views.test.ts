import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackEmulator } from '../../../emulators/slack/index.ts';
import type { SlackEmulator } from '../../../emulators/slack/index.ts';
import { botClient, platformError, startFakeApp } from './testkit.ts';
import type { FakeApp } from './testkit.ts';

let emu: SlackEmulator;
let app: FakeApp;
let clock: number;

beforeEach(async () => {
  clock = 1_700_000_000_000;
  emu = await startSlackEmulator({ now: () => clock });
  emu.addUser({ id: 'U0ALICE', name: 'alice' });
  emu.addChannel({ id: 'C0DEV', name: 'dev', members: ['U0ALICE'] });
  app = await startFakeApp(() => ({ status: 200 }));
  emu.useHttp({ requestUrl: app.url });
});

afterEach(async () => {
  await emu.close();
  await app.close();
});

const modal = {
  type: 'modal' as const,
  title: { type: 'plain_text' as const, text: 'New run' },
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }],
};

/** Runs a slash command and returns the trigger_id the app received. */
async function triggerFromSlash(): Promise<string> {
  await emu.person('U0ALICE').slash('C0DEV', '/director', '');
  return new URLSearchParams(app.received.at(-1)?.body ?? '').get('trigger_id') ?? '';
}

describe('files', () => {
  it('takes an upload through files.uploadV2 and shares it in a thread', async () => {
    const bot = botClient(emu);
    const root = await bot.chat.postMessage({ channel: 'C0DEV', text: 'run done' });
    const res = await bot.filesUploadV2({
      channel_id: 'C0DEV',
      thread_ts: root.ts ?? '',
      filename: 'run.log',
      content: 'line 1\nline 2\n',
      initial_comment: 'full log',
    });
    expect(res.ok).toBe(true);
    const files = emu.thread('C0DEV', root.ts ?? '')[1]?.files ?? [];
    expect(files).toMatchObject([{ name: 'run.log', title: 'run.log', size: 14, mimetype: 'text/plain' }]);
    expect(emu.thread('C0DEV', root.ts ?? '')[1]?.text).toBe('full log');
    expect(emu.file(files[0]?.id ?? '')?.bytes?.toString('utf8')).toBe('line 1\nline 2\n');
  });

  it('refuses to complete a file whose bytes never arrived', async () => {
    const bot = botClient(emu);
    const url = await bot.files.getUploadURLExternal({ filename: 'a.txt', length: 3 });
    expect(url.upload_url).toBe(`${emu.url}/upload/${url.file_id ?? ''}`);
    const err = await platformError(bot.files.completeUploadExternal({ files: [{ id: url.file_id ?? '' }], channel_id: 'C0DEV' }));
    expect(err.error).toBe('invalid_arguments');
    const wrongSize = await fetch(url.upload_url ?? '', { method: 'POST', body: 'abcd' });
    expect(wrongSize.status).toBe(400);
    const upload = await fetch(url.upload_url ?? '', { method: 'POST', body: 'abc' });
    expect(await upload.text()).toBe('OK - 3');
    const done = await bot.files.completeUploadExternal({ files: [{ id: url.file_id ?? '', title: 'A' }] });
    expect(done.files).toMatchObject([{ id: url.file_id, title: 'A', size: 3 }]);
    expect(emu.messages('C0DEV')).toEqual([]);
  });
});

describe('views.open', () => {
  it('opens a modal with a fresh trigger, once', async () => {
    const bot = botClient(emu);
    const trigger = await triggerFromSlash();
    const opened = await bot.views.open({ trigger_id: trigger, view: modal });
    expect(opened.view).toMatchObject({ type: 'modal', title: { text: 'New run' }, app_id: 'A0DIRECTOR', state: { values: {} } });
    expect(emu.views).toMatchObject([{ user: 'U0ALICE', view: { type: 'modal' } }]);
    expect((await platformError(bot.views.open({ trigger_id: trigger, view: modal }))).error).toBe('exchanged_trigger_id');
    expect((await platformError(bot.views.open({ trigger_id: '1.2.abc', view: modal }))).error).toBe('invalid_trigger_id');
  });

  it('expires triggers after 3 s and validates the view', async () => {
    const bot = botClient(emu);
    const trigger = await triggerFromSlash();
    const bad = await platformError(bot.views.open({ trigger_id: trigger, view: { ...modal, title: { type: 'plain_text', text: 'x'.repeat(30) } } }));
    expect(bad).toMatchObject({
      error: 'invalid_arguments',
      response_metadata: { messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'] },
    });
    clock += 3001;
    expect((await platformError(bot.views.open({ trigger_id: trigger, view: modal }))).error).toBe('expired_trigger_id');
  });
});
