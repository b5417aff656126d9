import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempHome } from '../../emulators/support/temp-home.ts';
import { startHub, type HubUnderTest } from '../support/link-harness.ts';
import { httpRequest } from '../support/http-client.ts';

describe('POST /runner/pair under bad input', () => {
  let home: ReturnType<typeof tempHome>;
  let hub: HubUnderTest;

  beforeEach(async () => {
    home = tempHome();
    hub = await startHub({ file: `${home.dir}/bot.sqlite` });
  });

  afterEach(async () => {
    await hub.stop();
    home.remove();
  });

  const pair = (code: string, name: string, localAddress = '127.0.0.1') =>
    httpRequest(`${hub.url}/runner/pair`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, name }),
      localAddress,
    });

  it('answers a 100 KB body with 413 instead of resetting the connection', async () => {
    const body = JSON.stringify({ code: 'ABCD-EFGH', name: 'laptop', padding: 'x'.repeat(100 * 1024) });
    for (const chunked of [false, true]) {
      const res = await httpRequest(`${hub.url}/runner/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, chunked });
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: 'too_large' });
    }
    expect((await httpRequest(`${hub.url}/runner/pair`)).status).toBe(405);
    expect((await pair('ZZZZ-ZZZZ', 'laptop')).status).toBe(404);
  });

  it('lets the owner pair from one address while a stranger guesses from another', async () => {
    const { code } = hub.pairing.createCode('C0PROJ', 'U0ALICE');
    const stranger: number[] = [];
    for (let i = 0; i < 50; i++) stranger.push((await pair(`ZZZZ-ZZ${String(i).padStart(2, '0')}`, 'evil', '127.0.0.2')).status);
    expect(stranger.slice(0, 10).every((s) => s === 404)).toBe(true);
    expect(stranger.slice(10).every((s) => s === 429)).toBe(true);
    const limited = await pair('ZZZZ-ZZZZ', 'evil', '127.0.0.2');
    expect(limited.headers['retry-after']).toBe('60');
    expect(JSON.parse(limited.body)).toMatchObject({ error: 'too_many_attempts' });

    const owner = await pair(code, 'laptop', '127.0.0.1');
    expect(owner.status).toBe(200);
    expect(JSON.parse(owner.body)).toMatchObject({ ok: true, runner: 'laptop' });
  });
});
