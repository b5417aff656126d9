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
});
