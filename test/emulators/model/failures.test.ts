// Scripted failures against both real CLIs (retries off): each run exits non-zero with an error,
// after a bounded number of requests. The messages pinned here are what the CLIs print.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Kit } from './testkit.ts';
import type { Failure } from '../../../emulators/model/index.ts';

const kit = new Kit();
afterEach(() => kit.cleanup());

const CodexLine = z.looseObject({ type: z.string(), message: z.string().optional(), error: z.looseObject({ message: z.string() }).optional() });
const ClaudeLine = z.looseObject({ type: z.string(), is_error: z.boolean().optional(), result: z.string().optional(), api_error_status: z.number().nullish() });

const CODEX: [Failure, RegExp][] = [
  ['http-500', /high demand/],
  ['http-429', /429 Too Many Requests/],
  ['http-401', /401 Unauthorized/],
  ['broken-stream', /^stream disconnected before completion/],
  ['stream-error', /^stream disconnected before completion: emulated stream failure$/],
];

const CLAUDE: [Failure, RegExp, number | null][] = [
  ['http-500', /^API Error: 500 Internal server error/, 500],
  ['http-429', /^API Error: Request rejected \(429\)/, 429],
  ['http-401', /^Invalid API key/, 401],
  ['broken-stream', /^API Error: Connection to the API was lost/, null],
  ['stream-error', /^API Error: API returned an empty or malformed response \(HTTP 200\)/, null],
];

describe('codex exec on scripted failures', () => {
  it.each(CODEX)('%s → error + turn.failed, exit 1, one request', async (failure, message) => {
    const emu = await kit.emulator();
    const sb = await kit.sandbox();
    emu.script('break please', { turns: [{ steps: [{ shell: 'echo before' }, { fail: failure }] }] });
    const r = await kit.codex(emu, sb, ['break please']);
    expect(r.code, r.stderr).toBe(1);
    const events = r.lines.map((l) => CodexLine.parse(l));
    const failed = events.at(-1);
    expect(failed?.type).toBe('turn.failed');
    expect(failed?.error?.message).toMatch(message);
    expect(events.at(-2)).toMatchObject({ type: 'error', message: failed?.error?.message });
    // The shell step ran; the failure came on the next request, and was not retried.
    expect(emu.conversation('break please')).toHaveLength(2);
  });
});

describe('claude -p on scripted failures', () => {
  it.each(CLAUDE)('%s → is_error result, exit 1', async (failure, message, status) => {
    const emu = await kit.emulator();
    const sb = await kit.sandbox();
    emu.script('break please', { turns: [{ steps: [{ fail: failure }] }] });
    const r = await kit.claude(emu, sb, 'break please');
    expect(r.code, r.stderr).toBe(1);
    const last = ClaudeLine.parse(r.lines.at(-1));
    expect(last).toMatchObject({ type: 'result', is_error: true, api_error_status: status });
    expect(last.result).toMatch(message);
    // CLAUDE_CODE_MAX_RETRIES=0 stops HTTP retries; stream failures are still retried a few times.
    expect(emu.conversation('break please').length).toBeLessThanOrEqual(5);
  });
});
