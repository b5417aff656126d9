import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../shared/clock.ts';
import { EditThrottle } from '../../bot/director/edit-throttle.ts';

describe('card edits, at most one per key every few seconds', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('edits at once, then once per window with the newest state', () => {
    const throttle = new EditThrottle({ clock: systemClock, everyMs: 3000 });
    const shown: string[] = [];
    let state = 'queued';
    const edit = () => shown.push(state);
    throttle.request('card', edit);
    for (const next of ['preparing', 'running', 'verifying']) {
      vi.advanceTimersByTime(500);
      state = next;
      throttle.request('card', edit);
    }
    expect(shown).toEqual(['queued']);
    vi.advanceTimersByTime(3000);
    // The last state always shows, in one edit.
    expect(shown).toEqual(['queued', 'verifying']);
    vi.advanceTimersByTime(60_000);
    expect(shown).toEqual(['queued', 'verifying']);
  });

  it('keeps keys apart', () => {
    const throttle = new EditThrottle({ clock: systemClock, everyMs: 3000 });
    const shown: string[] = [];
    throttle.request('a', () => shown.push('a'));
    throttle.request('b', () => shown.push('b'));
    expect(shown).toEqual(['a', 'b']);
  });

  // The CI flake: a late timer was orphaned by an edit made meanwhile and fired after the database closed.
  it('never orphans a pending timer, and fires nothing after close', () => {
    const throttle = new EditThrottle({ clock: systemClock, everyMs: 3000 });
    let edits = 0;
    const edit = () => edits++;
    throttle.request('card', edit);
    vi.advanceTimersByTime(1000);
    throttle.request('card', edit); // arms the timer for the window's end
    vi.advanceTimersByTime(1900);
    throttle.request('card', edit); // rides on the pending timer instead of arming a second one
    expect(vi.getTimerCount()).toBe(1);
    throttle.close();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(60_000);
    throttle.request('card', edit);
    expect(edits).toBe(1);
  });
});
