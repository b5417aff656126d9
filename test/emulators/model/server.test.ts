// The emulator's HTTP surface without the CLIs: side routes, SSE shapes, bad input, delays, matching.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
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

const Data = z.looseObject({ type: z.string() });

/** The data payloads of an SSE body. */
function sseData(body: string): z.infer<typeof Data>[] {
  return body
    .split('\n\n')
    .flatMap((frame) => frame.split('\n').filter((l) => l.startsWith('data: ')))
    .map((l) => Data.parse(JSON.parse(l.slice(6))));
}

const TextDelta = z.object({ delta: z.object({ type: z.literal('text_delta'), text: z.string() }) });

/** The text a Messages stream spells out. */
const streamedText = (body: string): string =>
  sseData(body)
    .flatMap((x) => {
      const d = TextDelta.safeParse(x);
      return d.success ? [d.data.delta.text] : [];
    })
    .join('');

const post = (url: string, body: unknown, init: RequestInit = {}): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...init });

const codexBody = (prompt: string) => ({
  model: 'gpt-5.5',
  stream: true,
  tools: [{ type: 'function', name: 'exec_command' }],
  input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: prompt }] }],
});

const claudeBody = (prompt: string, tools: { name: string }[] = [{ name: 'Bash' }]) => ({
  model: 'claude-opus-4-8',
  stream: true,
  tools,
  messages: [{ role: 'user', content: prompt }],
});

describe('model emulator HTTP surface', () => {
  it('answers preconnects, telemetry, models, token counts and unknown routes', async () => {
    const e = await start();
    expect((await fetch(e.url, { method: 'HEAD' })).status).toBe(200);
    const telemetry = await post(`${e.url}/api/event_logging/v2/batch`, { events: [] });
    expect([telemetry.status, await telemetry.json()]).toEqual([200, {}]);
    expect(await (await fetch(`${e.openaiBaseUrl}/models`)).json()).toMatchObject({ data: [{ id: 'gpt-5.5' }] });
    const count = await post(`${e.url}/v1/messages/count_tokens`, { model: 'm', messages: [{ role: 'user', content: 'hello there' }] });
    expect(await count.json()).toMatchObject({ input_tokens: expect.any(Number) as number });
    const missing = await fetch(`${e.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { type: 'not_found_error' } });
    expect(e.requests).toEqual([]);
  });

  it('rejects bodies that are not JSON or not the API shape, with 400', async () => {
    const e = await start();
    const garbage = await fetch(`${e.openaiBaseUrl}/responses`, { method: 'POST', body: '{nope' });
    expect(garbage.status).toBe(400);
    const wrong = await post(`${e.openaiBaseUrl}/responses`, { model: 'gpt-5.5' });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    const wrongClaude = await post(`${e.url}/v1/messages`, { messages: 'hi' });
    expect(await wrongClaude.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('streams Responses events ending in response.completed', async () => {
    const e = await start();
    e.script('shell please', { turns: [{ steps: [{ reasoning: 'hmm' }, { shell: 'ls' }] }] });
    const res = await post(`${e.openaiBaseUrl}/responses`, codexBody('shell please'), { headers: { 'content-type': 'application/json', 'session-id': 'th1' } });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = sseData(await res.text());
    expect(events.map((x) => x.type)).toEqual([
      'response.created',
      'response.output_item.added',
      'response.output_item.done',
      'response.output_item.added',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[4]).toMatchObject({ item: { type: 'function_call', name: 'exec_command', call_id: 'call_emu_t0s1' } });
    expect(e.requests[0]).toMatchObject({ api: 'responses', purpose: 'turn', sessionId: 'th1', matched: 'shell please', turn: 0, at: 1_700_000_000_000 });
  });

  it('answers claude title calls with JSON text and keeps them out of conversation()', async () => {
    const e = await start();
    const res = await post(`${e.url}/v1/messages?beta=true`, {
      ...claudeBody('fix the flaky test now please', []),
      output_config: { format: { type: 'json_schema' } },
    });
    expect(JSON.parse(streamedText(await res.text()))).toEqual({ title: 'fix the flaky test now please' });
    expect(e.requests[0]?.purpose).toBe('title');
    expect(e.conversation('fix the flaky')).toEqual([]);
  });

  it('matches RegExp scripts, later scripts winning', async () => {
    const e = await start();
    e.script(/deploy \d+/g, { turns: [{ steps: [{ message: 'first' }] }] });
    e.script('deploy 7', { turns: [{ steps: [{ message: 'second' }] }] });
    const text = async (prompt: string): Promise<string> => streamedText(await (await post(`${e.url}/v1/messages`, claudeBody(prompt))).text());
    expect(await text('please deploy 7')).toBe('second');
    expect(await text('please deploy 8')).toBe('first');
    expect(await text('please deploy 9')).toBe('first');
    expect(e.conversation(/deploy [89]/)).toHaveLength(2);
  });

  it('drops a delayed answer when the client goes away, and closes promptly while one is pending', async () => {
    const e = await start();
    e.script('slow', { turns: [{ steps: [{ delayMs: 60_000, then: { message: 'late' } }] }] });
    const abort = new AbortController();
    const pending = post(`${e.url}/v1/messages`, claudeBody('slow'), { signal: abort.signal }).catch((error: unknown) => error);
    while (e.requests.length === 0) await new Promise((r) => setTimeout(r, 20));
    abort.abort();
    expect(await pending).toBeInstanceOf(Error);
    const stillThere = await post(`${e.url}/v1/messages`, claudeBody('quick'));
    expect(stillThere.status).toBe(200);
    void post(`${e.url}/v1/messages`, claudeBody('slow')).catch(() => undefined);
    while (e.requests.length < 3) await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    await e.close();
    emu = undefined;
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
