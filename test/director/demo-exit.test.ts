import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnDirector } from '../support/cli.ts';

/** Polls until `check` holds (a child's output), failing with `what` after `ms`. */
async function waitFor(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What is left in TMPDIR, except tsx's compile cache (tsx-<uid>), which is not the demo's. */
const leftovers = (dir: string) => readdirSync(dir).filter((name) => !name.startsWith('tsx-'));

describe('director demo ended early', () => {
  // The demo's temp directories go to TMPDIR: a fresh one shows what it leaves behind.
  let tmp: string;
  beforeEach(() => (tmp = mkdtempSync(join(tmpdir(), 'director-demo-exit-'))));
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('exits 0 when its output is closed (director demo | head) and leaves no temp directories', async () => {
    const demo = spawnDirector(['demo'], { TMPDIR: tmp });
    await waitFor(() => demo.stdout().includes('Director demo:'), 'the first line');
    await waitFor(() => readdirSync(tmp).some((name) => name.startsWith('director-loop-')), 'the demo to make its directories');
    demo.child.stdout?.destroy();
    expect(await demo.exited).toBe(0);
    expect(leftovers(tmp)).toEqual([]);
  }, 120_000);

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    'removes everything it made when stopped by %s',
    async (signal, code) => {
      const demo = spawnDirector(['demo'], { TMPDIR: tmp });
      await waitFor(() => demo.stdout().includes('paired with /director connect'), 'the runner to pair');
      expect(readdirSync(tmp).some((name) => name.startsWith('gh-emu-'))).toBe(true);
      demo.child.kill(signal);
      expect(await demo.exited).toBe(code);
      expect(leftovers(tmp)).toEqual([]);
    },
    120_000,
  );
});
