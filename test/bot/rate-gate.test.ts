import { describe, expect, it } from 'vitest';
import { RateGate } from '../../bot/slack/rate-gate.ts';
import { VirtualClock } from '../support/virtual-clock.ts';

describe('RateGate', () => {
  it('lets a burst through, then one call per interval', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const gate = new RateGate({ perSecond: 1, burst: 3, clock });
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      await gate.take();
      times.push(clock.now() - start);
    }
    expect(times).toEqual([0, 0, 0, 1000, 2000, 3000]);
  });

  it('waits out a pause (Retry-After) before the next call', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const gate = new RateGate({ perSecond: 10, burst: 10, clock });
    await gate.take();
    gate.pause(2000);
    await gate.take();
    expect(clock.now() - start).toBeGreaterThanOrEqual(2000);
  });

  it('serves waiters in the order they arrived', async () => {
    const clock = new VirtualClock();
    const gate = new RateGate({ perSecond: 1, burst: 1, clock });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => gate.take().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3]);
  });
});
