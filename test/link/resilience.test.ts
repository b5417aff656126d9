import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunnerLinkState } from '../../runner/link/client.ts';
import { startRunner, type RunningRunner } from '../../runner/main.ts';
import { credentials, receivedNotes, runnerConfig, startHub, type HubUnderTest } from '../support/link-harness.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';
import { until } from '../../emulators/support/until.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';

describe('runner link resilience', () => {
  let home: ReturnType<typeof tempHome>;
  let hub: HubUnderTest;
  const runners: RunningRunner[] = [];

  beforeEach(async () => {
    home = tempHome();
    hub = await startHub({ file: `${home.dir}/bot.sqlite`, tuning: { heartbeatMs: 200 } });
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
    await hub.stop();
    home.remove();
  });

  it('spreads 50 runners’ reconnects after a bot restart by jitter, and all come back', async () => {
    const firstRetry = new Map<string, number>();
    for (let i = 0; i < 50; i++) {
      const name = `runner-${i}`;
      const { token } = hub.pair(name);
      runners.push(
        startRunner({
          config: runnerConfig(`${home.dir}/${name}`),
          credentials: credentials(hub.url, name, token),
          backoff: { baseMs: 1000, capMs: 4000 },
          onState: (state: RunnerLinkState) => {
            if (state.status === 'waiting' && state.attempt === 0 && !firstRetry.has(name)) firstRetry.set(name, state.delayMs);
          },
        }),
      );
    }
    await until(() => runners.every((r) => r.endpoint.connected), 20_000, 'all 50 runners connected');

    const { port } = hub;
    await hub.stop();
    await until(() => firstRetry.size === 50, 10_000, 'every runner scheduling its first reconnect');
    hub = await startHub({ file: `${home.dir}/bot.sqlite`, port, tuning: { heartbeatMs: 200 } });
    await until(() => runners.every((r) => r.endpoint.connected), 30_000, 'all 50 runners back');

    // Full jitter: first delays are uniform over [0, 1000) ms, not one thundering herd.
    const delays = [...firstRetry.values()];
    const buckets = new Set(delays.map((d) => Math.floor(d / 100)));
    expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(500);
    expect(buckets.size).toBeGreaterThanOrEqual(6);
    expect(delays.every((d) => d >= 0 && d < 1000)).toBe(true);
  });

  it('detects a silent peer within about two heartbeats, reconnects, and loses nothing', async () => {
    const proxy = await TcpProxy.start(() => hub.port);
    try {
      const { token, runnerId } = hub.pair('laptop');
      const runner = startRunner({
        config: runnerConfig(`${home.dir}/laptop`, 200),
        credentials: credentials(proxy.url, 'laptop', token),
        backoff: { baseMs: 50, capMs: 200 },
      });
      runners.push(runner);
      await until(() => runner.endpoint.connected && hub.hub.isOnline(runnerId), 10_000, 'connected');

      proxy.freeze(true);
      const frozenAt = Date.now();
      for (let n = 0; n < 20; n++) runner.endpoint.send({ type: 'note', text: `while frozen ${n}`, n });
      await until(() => !runner.endpoint.connected && !hub.hub.isOnline(runnerId), 10_000, 'both sides noticing the silence');
      // Silence is counted from the last pong, which came up to one interval before the freeze.
      expect(Date.now() - frozenAt).toBeGreaterThanOrEqual(200);

      proxy.freeze(false);
      proxy.cut();
      await until(() => receivedNotes(hub.db).length === 20, 10_000, 'the frames sent while frozen');
      expect(receivedNotes(hub.db)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    } finally {
      await proxy.close();
    }
  });

  it('pauses sending while the socket is backed up instead of growing memory', async () => {
    const proxy = await TcpProxy.start(() => hub.port);
    try {
      const { token } = hub.pair('laptop');
      const highWaterBytes = 64 * 1024;
      const runner = startRunner({
        config: runnerConfig(`${home.dir}/laptop`, 60_000),
        credentials: credentials(proxy.url, 'laptop', token),
        tuning: { highWaterBytes },
      });
      runners.push(runner);
      await until(() => runner.endpoint.connected, 10_000, 'connected');

      proxy.freeze(true);
      const text = 'x'.repeat(2000);
      for (let n = 0; n < 3000; n++) runner.endpoint.send({ type: 'note', text, n });
      let peak = 0;
      for (let i = 0; i < 20; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        peak = Math.max(peak, runner.endpoint.inflightBytes);
      }
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(highWaterBytes + 2100);
      expect(receivedNotes(hub.db).length).toBeLessThan(3000);

      proxy.freeze(false);
      await until(() => receivedNotes(hub.db).length === 3000, 20_000, 'all 3000 frames after the jam clears');
      expect(receivedNotes(hub.db)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    } finally {
      await proxy.close();
    }
  });
});
