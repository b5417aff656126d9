import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockListErrors, checkMessageBlocks, checkView } from '../../../emulators/slack/blocks.ts';
import { startSlackEmulator } from '../../../emulators/slack/index.ts';
import type { SlackEmulator } from '../../../emulators/slack/index.ts';
import { botClient, platformError } from './testkit.ts';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('block validation', () => {
  it('accepts the blocks a bot typically sends', () => {
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'Run 12' } },
      section('*Task*: fix the build'),
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: 'a' },
          { type: 'plain_text', text: 'b' },
        ],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'repo' }] },
      { type: 'divider' },
      {
        type: 'actions',
        block_id: 'run_actions',
        elements: [
          { type: 'button', text: { type: 'plain_text', text: 'Stop' }, action_id: 'stop', value: 'r12', style: 'danger' },
          { type: 'static_select', action_id: 'pick', options: [] },
        ],
      },
      { type: 'markdown', text: '# hi' },
      { type: 'rich_text', elements: [] },
      { type: 'table', rows: [] },
    ];
    expect(blockListErrors(blocks, '/blocks', 50)).toEqual([]);
    const checked = checkMessageBlocks(JSON.stringify(blocks));
    expect(checked.ok).toBe(true);
    // Slack fills in block_ids; a given one is kept.
    if (checked.ok) {
      expect(checked.blocks?.every((b) => typeof b.block_id === 'string')).toBe(true);
      expect(checked.blocks?.[5]?.block_id).toBe('run_actions');
    }
  });

  it('reports violations with json pointers', () => {
    const errors = blockListErrors(
      [
        section('x'.repeat(3001)),
        { type: 'section' },
        { type: 'header', text: { type: 'mrkdwn', text: 'h' } },
        { type: 'sections' },
        { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'x'.repeat(76) } }] },
        section(''),
        { type: 'divider', block_id: 'same' },
        { type: 'divider', block_id: 'same' },
        { type: 'image', image_url: 'https://x/y.png' },
      ],
      '/blocks',
      50,
    );
    expect(errors).toEqual([
      'must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
      'must define either `text` or `fields` [json-pointer:/blocks/1/type]',
      'must be a valid enum value [json-pointer:/blocks/2/text/type]',
      'unsupported type: sections [json-pointer:/blocks/3/type]',
      'must be less than 76 characters [json-pointer:/blocks/4/elements/0/text/text]',
      'must be more than 0 characters [json-pointer:/blocks/5/text/text]',
      'duplicate block_id [json-pointer:/blocks/7/block_id]',
      'missing required field: alt_text [json-pointer:/blocks/8]',
    ]);
  });

  it('limits counts and cumulative size', () => {
    expect(
      blockListErrors(
        Array.from({ length: 51 }, () => ({ type: 'divider' })),
        '/blocks',
        50,
      ),
    ).toEqual(['no more than 50 items allowed [json-pointer:/blocks]']);
    const tooLong = Array.from({ length: 5 }, () => section('y'.repeat(2900)));
    expect(checkMessageBlocks(tooLong)).toEqual({ ok: false, body: { ok: false, error: 'msg_blocks_too_long' } });
    expect(checkMessageBlocks('[{"type":')).toEqual({ ok: false, body: { ok: false, error: 'invalid_blocks_format' } });
    expect(checkMessageBlocks('{"type":"divider"}')).toEqual({ ok: false, body: { ok: false, error: 'invalid_blocks_format' } });
  });

  it('validates modal views', () => {
    const good = checkView({ type: 'modal', title: { type: 'plain_text', text: 'New run' }, blocks: [section('hi')] });
    expect(good.ok).toBe(true);
    const bad = checkView({ type: 'modal', title: { type: 'plain_text', text: 'x'.repeat(25) }, blocks: [] });
    expect(bad).toEqual({
      ok: false,
      body: {
        ok: false,
        error: 'invalid_arguments',
        response_metadata: { messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'] },
      },
    });
  });
});

describe('invalid_blocks over the Web API', () => {
  let emu: SlackEmulator;
  beforeAll(async () => {
    emu = await startSlackEmulator();
    emu.addChannel({ id: 'C0DEV', name: 'dev' });
  });
  afterAll(async () => {
    await emu.close();
  });

  it('gives the WebClient Slack’s error body and posts nothing', async () => {
    const bot = botClient(emu);
    const data = await platformError(bot.chat.postMessage({ channel: 'C0DEV', text: 'x', blocks: [section('z'.repeat(3001))] }));
    expect(data).toMatchObject({
      ok: false,
      error: 'invalid_blocks',
      errors: ['must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
      response_metadata: { messages: ['[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]'] },
    });
    expect(emu.messages('C0DEV')).toEqual([]);
    expect(emu.apiCalls.at(-1)).toMatchObject({ method: 'chat.postMessage', ok: false, error: 'invalid_blocks' });
  });
});
