// POST /v1/chat/completions: OpenAI's response and error shapes, scripted answers, failures, delays.
import { afterEach, describe, expect, it } from 'vitest';
import { startModelEmulator } from '../../../emulators/model/index.ts';
import type { ModelEmulator } from '../../../emulators/model/index.ts';

let emu: ModelEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function start(): Promise<ModelEmulator> {
  emu = await startModelEmulator({ now: () => 1_700_000_000_000 });
  return emu;
}

const chat = (e: ModelEmulator, body: unknown, init: RequestInit = {}): Promise<Response> =>
  fetch(`${e.openaiBaseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });

const ask = (prompt: string, system = 'You are terse.') => ({
  model: 'gpt-4.1-mini',
  messages: [
    { role: 'system', content: system },
    { role: 'user', content: prompt },
  ],
});

describe('model emulator chat completions', () => {
  it('answers a scripted conversation with a chat.completion and records it', async () => {
    const e = await start();
    e.script('status please', { turns: [{ steps: [{ reasoning: 'ignored' }, { shell: 'ls' }, { message: 'All good.' }] }] });
    const res = await chat(e, ask('status please'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({
      id: 'chatcmpl-emu_1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gpt-4.1-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'All good.', refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: expect.any(Number) as number, completion_tokens: expect.any(Number) as number, total_tokens: expect.any(Number) as number },
    });
    expect(e.requests).toHaveLength(1);
    expect(e.requests[0]).toMatchObject({ api: 'chat', purpose: 'turn', humanMessages: ['status please'], toolResults: [], matched: 'status please', turn: 0 });
    expect(e.requests[0]?.headers.authorization).toBe('Bearer sk-test');
    expect(e.conversation('status please')).toHaveLength(1);
  });

  it('takes content as text parts, answers later turns from the playbook, and unscripted ones with "ok"', async () => {
    const e = await start();
    e.script('two turns', { turns: [{ steps: [{ message: 'first' }] }, { steps: [{ message: 'second' }] }] });
    const body = {
      model: 'm',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'two turns' }] },
        { role: 'assistant', content: 'first' },
        { role: 'user', content: 'and again' },
      ],
    };
    const content = async (res: Response): Promise<unknown> =>
      ((await res.json()) as { choices: { message: { content: unknown } }[] }).choices[0]?.message.content;
    expect(await content(await chat(e, body))).toBe('second');
    expect(await content(await chat(e, ask('nobody scripted this')))).toBe('ok');
  });

  it('refuses what the real API refuses, in its error shape', async () => {
    const e = await start();
    const noModel = await chat(e, { messages: [{ role: 'user', content: 'hi' }] });
    expect(noModel.status).toBe(400);
    expect(await noModel.json()).toEqual({
      error: { message: "Missing required parameter: 'model'.", type: 'invalid_request_error', param: 'model', code: 'missing_required_parameter' },
    });
    const noMessages = await chat(e, { model: 'm' });
    expect(await noMessages.json()).toMatchObject({ error: { param: 'messages', code: 'missing_required_parameter' } });
    const empty = await chat(e, { model: 'm', messages: [] });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'messages' } });
    const badRole = await chat(e, { model: 'm', messages: [{ role: 'wizard', content: 'hi' }] });
    expect(await badRole.json()).toMatchObject({ error: { param: 'messages[0].role' } });
    const garbage = await chat(e, '{nope');
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toMatchObject({ error: { type: 'invalid_request_error', param: null, code: null } });
    const get = await fetch(`${e.openaiBaseUrl}/chat/completions`);
    expect(get.status).toBe(404);
    expect(await get.json()).toEqual({ error: { message: 'Invalid URL (GET /v1/chat/completions)', type: 'invalid_request_error', param: null, code: null } });
    expect(e.requests).toEqual([]);
  });

  it('fails as scripted: HTTP errors, a cut-off body, an error instead of a completion', async () => {
    const e = await start();
    e.script('http 500', { turns: [{ steps: [{ fail: 'http-500' }] }] });
    e.script('http 429', { turns: [{ steps: [{ fail: 'http-429' }] }] });
    e.script('cut off', { turns: [{ steps: [{ fail: 'broken-stream' }] }] });
    e.script('error body', { turns: [{ steps: [{ fail: 'stream-error' }] }] });
    const failed = await chat(e, ask('http 500'));
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ error: { type: 'server_error', param: null, code: null } });
    const limited = await chat(e, ask('http 429'));
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '1']);
    expect(await limited.json()).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
    const cut = await chat(e, ask('cut off'));
    expect(cut.status).toBe(200);
    await expect(cut.text()).rejects.toThrow();
    const errorBody = await chat(e, ask('error body'));
    expect([errorBody.status, await errorBody.json()]).toEqual([200, { error: expect.objectContaining({ type: 'server_error' }) as unknown }]);
  });

  it('answers late when scripted to, and drops the answer when the client gives up', async () => {
    const e = await start();
    e.script('slow', { turns: [{ steps: [{ delayMs: 60_000, then: { message: 'late' } }] }] });
    const started = Date.now();
    const gaveUp = await chat(e, ask('slow'), { signal: AbortSignal.timeout(200) }).catch((error: unknown) => error);
    expect(gaveUp).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(10_000);
    e.script('a bit slow', { turns: [{ steps: [{ delayMs: 150, then: { message: 'there' } }] }] });
    expect(await (await chat(e, ask('a bit slow'))).json()).toMatchObject({ choices: [{ message: { content: 'there' } }] });
  });
});
