import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRunner, type RunningRunner } from '../../runner/main.ts';
import { credentials, receivedNotes, recordNotes, runnerConfig, startHub, type HubUnderTest } from '../support/link-harness.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';
import { until } from '../../emulators/support/until.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';

const FRAMES = 10_000;
const CUTS = 100;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('link delivery through a flaky network', () => {
  let home: ReturnType<typeof tempHome>;
  let hub: HubUnderTest;
  let proxy: TcpProxy;
  let runner: RunningRunner;

  beforeEach(async () => {
    home = tempHome();
    hub = await startHub({ file: `${home.dir}/bot.sqlite` });
    proxy = await TcpProxy.start(() => hub.port);
  });

  afterEach(async () => {
    await runner.stop();
    await proxy.close();
    await hub.stop();
    home.remove();
  });

  it('starts a fresh sequence after the runner is revoked and paired again on the same machine', async () => {
    const first = hub.pair('laptop');
    const config = runnerConfig(`${home.dir}/runner`);
    runner = startRunner({ config, credentials: credentials(hub.url, 'laptop', first.token) });
    for (let n = 0; n < 5; n++) runner.endpoint.send({ type: 'note', text: 'old', n });
    await until(() => receivedNotes(hub.db).length === 5, 10_000, 'the first five');
    await runner.stop();

    hub.runners.revoke(first.runnerId, Date.now());
    const second = hub.pair('laptop');
    runner = startRunner({ config, credentials: credentials(hub.url, 'laptop', second.token) });
    for (let n = 5; n < 8; n++) runner.endpoint.send({ type: 'note', text: 'new', n });
    hub.hub.send(second.runnerId, { type: 'note', text: 'to the new runner', n: 100 });
    await until(() => receivedNotes(hub.db).length === 8, 10_000, 'the new identity’s frames');
    expect(receivedNotes(hub.db)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it(`handles ${FRAMES} frames each way exactly once, in order, while the socket is cut ${CUTS} times`, async () => {
    const { token, runnerId } = hub.pair('laptop');
    runner = startRunner({
      config: runnerConfig(`${home.dir}/runner`),
      credentials: credentials(proxy.url, 'laptop', token),
      handle: (frame, _seq, db) => recordNote(db)(frame),
      backoff: { baseMs: 5, capMs: 40 },
    });
    let recorder: ReturnType<typeof recordNotes> | undefined;
    const recordNote = (db: Parameters<typeof recordNotes>[0]) => (recorder ??= recordNotes(db));
    recordNote(runner.db);

    // Both sides trickle frames out while the network is cut at random moments.
    let sent = 0;
    const producer = setInterval(() => {
      for (let i = 0; i < 250 && sent < FRAMES; i++, sent++) {
        runner.endpoint.send({ type: 'note', text: `r${sent}`, n: sent });
        hub.hub.send(runnerId, { type: 'note', text: `b${sent}`, n: sent });
      }
      if (sent >= FRAMES) clearInterval(producer);
    }, 5);
    while (proxy.cuts < CUTS) {
      await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 25));
      proxy.cut();
    }

    await until(() => receivedNotes(hub.db).length >= FRAMES && receivedNotes(runner.db).length >= FRAMES, 40_000, 'all frames');
    // Let stray replays arrive, then check nothing came twice.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receivedNotes(hub.db)).toEqual(range(FRAMES));
    expect(receivedNotes(runner.db)).toEqual(range(FRAMES));
    expect(proxy.cuts).toBe(CUTS);
  });
});
